"""A yes-or-ask-jsonschema check of a document against the shipped schemas, so a valid file costs no jsonschema import.

Why: importing jsonschema (with referencing, attrs, rpds and its format checkers) takes ~50 ms, more than a
third of a whole `vibe-gate run --dry-run` (measured in `make bench`, issue 21). jsonschema stays the authority: it
runs whenever this check does not answer "valid", and every message a user reads comes from it. This module only
ever says "certainly valid" (True) or "let jsonschema look" (False), so its one possible bug that matters is calling
an invalid document valid — `tests/test_conforms.py` compares its verdict with jsonschema's on generated documents.

It knows the keywords the shipped schemas use (draft 2020-12 semantics, as jsonschema implements them: bool is not
a number, 2.0 is an integer, `enum` tells True from 1) and answers False for anything else: another keyword, a
`$ref` outside `#/$defs/`, a value YAML can hold but JSON cannot (dates, non-string keys, NaN).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: see vibe_action/__init__.py
if TYPE_CHECKING:
    from typing import Any

    _Check = Callable[[Any, Any, "_Walk"], bool]

# Keywords that only describe: they never make a document invalid.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples"})


class _Walk:
    """One check of one document: the root schema, for `$ref`s into its `$defs`."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def conforms(self, value: Any, schema: Any) -> bool:
        if schema is True:
            return True
        if not isinstance(schema, Mapping):
            return False  # `false`, or not a schema at all: jsonschema says what is wrong
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            if keyword == "additionalProperties":  # the one keyword that reads a sibling: which keys are named
                if not _additional(value, argument, self, schema.get("properties", {})):
                    return False
                continue
            check = _CHECKS.get(keyword)
            if check is None or not check(value, argument, self):
                return False
        return True

    def resolve(self, reference: Any) -> Any:
        """The schema `#/$defs/<name>` points at, or False (an unknown reference is jsonschema's to judge)."""
        if not isinstance(reference, str) or not reference.startswith("#/$defs/"):
            return False
        definitions = self.root.get("$defs", {})
        return definitions.get(reference.removeprefix("#/$defs/"), False)


def conforms(document: Any, schema: Mapping[str, Any]) -> bool:
    """True only when `document` is valid against `schema`; False means "not known here", not "invalid"."""
    return _is_json(document) and _Walk(schema).conforms(document, schema)


def _is_json(value: Any) -> bool:
    """A value JSON can write: what YAML adds (dates, sets, non-string keys, NaN) is left to jsonschema."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_json(item) for key, item in value.items())
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _is_number,
    "integer": lambda value: _is_number(value) and (isinstance(value, int) or float(value).is_integer()),
}


def _type(value: Any, expected: Any, _: _Walk) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    return any(isinstance(name, str) and name in _TYPES and _TYPES[name](value) for name in names)


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's equality: True is not 1, lists and mappings compared item by item."""
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_equal(one[key], two[key]) for key in one)
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    return bool(one == two)


def _enum(value: Any, choices: Any, _: _Walk) -> bool:
    return isinstance(choices, list) and any(_equal(value, choice) for choice in choices)


def _const(value: Any, expected: Any, _: _Walk) -> bool:
    return _equal(value, expected)


def _bound(holds: Callable[[float, float], bool]) -> _Check:
    """A numeric bound: it constrains numbers only, as in JSON Schema (a string passes `minimum`)."""

    def check(value: Any, limit: Any, _: _Walk) -> bool:
        return _is_number(limit) and (not _is_number(value) or holds(value, limit))

    return check


def _length(holds: Callable[[int, int], bool], applies: Callable[[Any], bool]) -> _Check:
    """A size bound on strings (code points, as `len`), lists or mappings; other values pass it."""

    def check(value: Any, limit: Any, _: _Walk) -> bool:
        return isinstance(limit, int) and (not applies(value) or holds(len(value), limit))

    return check


def _pattern(value: Any, expression: Any, _: _Walk) -> bool:
    return isinstance(expression, str) and (not isinstance(value, str) or re.search(expression, value) is not None)


def _properties(value: Any, properties: Any, walk: _Walk) -> bool:
    if not isinstance(properties, Mapping):
        return False
    if not isinstance(value, dict):
        return True
    return all(walk.conforms(value[key], sub) for key, sub in properties.items() if key in value)


def _additional(value: Any, rule: Any, walk: _Walk, named: Any) -> bool:
    if not isinstance(named, Mapping):
        return False
    if not isinstance(value, dict):
        return True
    extras = [key for key in value if key not in named]
    return all(walk.conforms(value[key], rule) for key in extras)


def _required(value: Any, keys: Any, _: _Walk) -> bool:
    return isinstance(keys, list) and (not isinstance(value, dict) or all(key in value for key in keys))


def _property_names(value: Any, rule: Any, walk: _Walk) -> bool:
    return not isinstance(value, dict) or all(walk.conforms(key, rule) for key in value)


def _items(value: Any, rule: Any, walk: _Walk) -> bool:
    return not isinstance(value, list) or all(walk.conforms(item, rule) for item in value)


def _one_of(value: Any, options: Any, walk: _Walk) -> bool:
    return isinstance(options, list) and sum(walk.conforms(value, option) for option in options) == 1


def _any_of(value: Any, options: Any, walk: _Walk) -> bool:
    return isinstance(options, list) and any(walk.conforms(value, option) for option in options)


def _ref(value: Any, reference: Any, walk: _Walk) -> bool:
    return walk.conforms(value, walk.resolve(reference))


_CHECKS: dict[str, _Check] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "minimum": _bound(lambda value, limit: value >= limit),
    "maximum": _bound(lambda value, limit: value <= limit),
    "exclusiveMinimum": _bound(lambda value, limit: value > limit),
    "exclusiveMaximum": _bound(lambda value, limit: value < limit),
    "minLength": _length(lambda size, limit: size >= limit, lambda value: isinstance(value, str)),
    "maxLength": _length(lambda size, limit: size <= limit, lambda value: isinstance(value, str)),
    "minItems": _length(lambda size, limit: size >= limit, lambda value: isinstance(value, list)),
    "minProperties": _length(lambda size, limit: size >= limit, lambda value: isinstance(value, dict)),
    "pattern": _pattern,
    "properties": _properties,
    "required": _required,
    "propertyNames": _property_names,
    "items": _items,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "$ref": _ref,
}

SUPPORTED_KEYWORDS = frozenset(_CHECKS) | {"additionalProperties"} | _ANNOTATIONS

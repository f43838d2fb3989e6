"""JSON Schema validation with messages written for people: file:line:col, the JSON path, and a fix.

jsonschema's own messages ("Additional properties are not allowed ('primery' was unexpected)") are correct but
unhelpful in a PR check. Each error is rewritten here, unknown keys get a did-you-mean suggestion, and every
error is placed at the line of the offending key or value through the document's `SourceMap`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from vibe_action.errors import Problem
from vibe_action.inputs.sourcemap import PathKey, SourceMap

_TYPE_NAMES = {
    "number": "a number",
    "integer": "a whole number",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "null",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped inside the package (`vibe_action/inputs/schemas/<name>.schema.json`, package data).

    The shipped schemas are checked against the metaschema by a test, not on every run."""
    text = (resources.files("vibe_action.inputs") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(data: Any, schema: dict[str, Any], source: SourceMap) -> list[Problem]:
    """All problems of `data` against `schema`, in file order."""
    validator = Draft202012Validator(schema)
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_explain(error, source))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def suggest(word: str, choices: list[str]) -> str:
    """`did you mean 'primary'?` or, when nothing is close, the list of valid choices."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    close = close or [c for c in sorted(choices) if c.startswith(word) or word.startswith(c)][:1]
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed: " + ", ".join(sorted(choices)) if choices else ""


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    """The (sub)schema that failed; jsonschema types it loosely because schemas may be booleans."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _explain(error: ValidationError, source: SourceMap) -> list[Problem]:
    path: PathKey = tuple(error.absolute_path)
    instance = error.instance
    kind = error.validator
    value: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(_schema_of(error).get("properties", {}))
        patterns = list(_schema_of(error).get("patternProperties", {}))
        unknown = [k for k in instance if k not in allowed and not any(re.search(p, k) for p in patterns)]
        return [
            source.problem((*path, key), f"unknown key '{key}'", suggest(key, allowed), at_key=True) for key in unknown
        ]
    if kind == "required" and isinstance(instance, dict):
        missing = ", ".join(f"'{key}'" for key in value if key not in instance)
        return [source.problem(path, f"missing required key {missing}", "add it")]
    return [source.problem(path, _message(error), at_key=False)]


def _message(error: ValidationError) -> str:
    instance = error.instance
    value: Any = error.validator_value
    kind = error.validator
    shown = _show(instance)
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        return f"{shown} is not " + " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
    if kind == "enum":
        return f"{shown} is not one of " + ", ".join(_show(v) for v in value)
    if kind == "const":
        return f"{shown} must be {_show(value)}"
    if kind == "minimum":
        return f"{shown} is below the minimum {value}"
    if kind == "maximum":
        return f"{shown} is above the maximum {value}"
    if kind in ("minLength", "minItems", "minProperties"):
        return "must not be empty"
    if kind in ("oneOf", "anyOf"):
        described = _schema_of(error).get("description")
        if described:
            return f"{shown} is not valid: {described[0].lower()}{described[1:]}"
        reasons = "; ".join(sorted({_message(sub) for sub in error.context if not sub.relative_path}))
        return f"{shown} is not valid: {reasons}" if reasons else f"{shown} is not valid here"
    if kind == "pattern":
        return f"{shown} does not have the expected form ({value})"
    return error.message


def _show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)

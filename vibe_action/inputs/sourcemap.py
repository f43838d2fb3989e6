"""Where each value of a JSON or YAML document stands in its file, so errors can say `file:line:col`.

`json` and `yaml.safe_load` throw positions away. For YAML we keep PyYAML's node marks; for JSON we scan the
(already validated) text once with the decoder's own string scanner. Both give the same `SourceMap`: a JSON
path (tuple of keys and indexes) → 1-based line and column of the value, and of the key that names it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.limits import MAX_JSON_KEYS, MAX_NESTING, bad_values, check_nesting

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)  # one per value of a document: kept small
class Position:
    line: int
    column: int


@dataclass
class SourceMap:
    """Positions of values and keys by JSON path; the nearest ancestor answers for a missing path."""

    file: str
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    # Paths deeper than `mapped_depth` are mapped only when first asked for, by `_map_deeper` (a file of a
    # million items needs no position for each unless one of them is wrong).
    mapped_depth: int | None = None
    _map_deeper: Callable[[], None] | None = field(default=None, repr=False)

    def _deep(self, path: PathKey) -> None:
        if self._map_deeper is not None and self.mapped_depth is not None and len(path) > self.mapped_depth:
            map_deeper, self._map_deeper = self._map_deeper, None
            map_deeper()

    def value_at(self, path: PathKey) -> Position:
        self._deep(path)
        return self._nearest(self.values, path)

    def key_at(self, path: PathKey) -> Position:
        """Position of the key that names `path` (the value's position for list items and the root)."""
        self._deep(path)
        if path in self.keys:
            return self.keys[path]
        return self.value_at(path)

    def problem(self, path: PathKey, message: str, hint: str = "", at_key: bool = False) -> Problem:
        pos = self.key_at(path) if at_key else self.value_at(path)
        return Problem(self.file, pos.line, pos.column, message, format_path(path), hint)

    @staticmethod
    def _nearest(table: dict[PathKey, Position], path: PathKey) -> Position:
        for cut in range(len(path), -1, -1):
            if path[:cut] in table:
                return table[path[:cut]]
        return Position(1, 1)


def format_path(path: PathKey) -> str:
    """`('benchmarks', 'aime25', 'score')` → `benchmarks.aime25.score`; list items as `[i]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# ---------------------------------------------------------------- YAML


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors' aliases: the config comes from the change being evaluated, and a few
    lines of nested aliases expand to gigabytes (the "billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed here; write the values out", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML safely; aliases, duplicate keys, keys that are not text, values that are not finite numbers
    or valid text, and syntax errors become `InputError`s with positions."""
    try:
        loader = _NoAliasLoader(text)  # the reader checks the characters here already
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, 1, 1, f"invalid YAML: {exc}".splitlines()[0])]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, SourceMap(file)
        _check_node_depth(node, file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_yaml_problem(exc, file)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, 1, 1, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(file, 1, 1, f"nested deeper than {MAX_NESTING} levels")]) from None
    except (TypeError, ValueError) as exc:  # e.g. an unhashable key (`? [a]: 1`), a timestamp out of range
        raise InputError([Problem(file, 1, 1, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    source = SourceMap(file)
    problems: list[Problem] = []
    _walk_yaml(node, (), source, problems)
    problems += [source.problem(path, message) for path, message in bad_values(data, key_types=False)]
    if problems:
        raise InputError(problems)
    return data, source


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """Where the YAML went wrong. An unclosed `{` or `[` is found only on a later line; the error then points
    at the line that opened it, where the missing bracket belongs, and says which bracket."""
    mark = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or exc)
    context = exc.context_mark
    unclosed = re.search(r"expected ',' or '([}\]])'", problem)
    if unclosed and context is not None and mark is not None and context.line < mark.line:
        opener = "{" if unclosed.group(1) == "}" else "["
        return Problem(
            file,
            context.line + 1,
            context.column + 1,
            f"invalid YAML: the '{opener}' opened here is not closed (found on line {mark.line + 1}: {problem})",
            hint=f"add the missing '{unclosed.group(1)}' at the end of this line",
        )
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(file, line, col, f"invalid YAML: {problem}", hint="check indentation and quoting")


def _check_node_depth(root: yaml.Node, file: str) -> None:
    """Refuse deep nesting before anything walks the tree recursively."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            pos = _mark(node)
            raise InputError([Problem(file, pos.line, pos.column, f"nested deeper than {MAX_NESTING} levels")])
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _at_key(source: SourceMap, key_node: yaml.Node, path: PathKey, message: str, hint: str) -> Problem:
    pos = _mark(key_node)
    return Problem(source.file, pos.line, pos.column, message, format_path(path), hint)


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _walk_yaml(node: yaml.Node, path: PathKey, source: SourceMap, problems: list[Problem]) -> None:
    source.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key_node.tag != "tag:yaml.org,2002:str":
                hint = f"quote it ('{key}':); YAML reads 2025, yes, on and null as numbers, booleans and null"
                problems.append(_at_key(source, key_node, path, f"key {key!r} is not text", hint))
            if key in seen:
                problems.append(_at_key(source, key_node, path, f"duplicate key '{key}'", "keep one of them"))
            seen.add(key)
            child = (*path, key)
            source.keys[child] = _mark(key_node)
            _walk_yaml(value_node, child, source, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_yaml(item, (*path, index), source, problems)


# ---------------------------------------------------------------- JSON

_NUMBER_OR_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_FLAT_LIST = re.compile(r'\[[^\[\]{}"]*\]')


@dataclass(frozen=True, slots=True)
class SampleFlags:
    """A list of 0/1 sample outcomes, kept as two numbers: an object whose every value is such a list (the
    `items` of a native results file) would otherwise hold 64 pointers per item while the file is parsed."""

    correct: int
    total: int


def _compact(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The pairs of an object whose values are all non-empty lists of 0/1, with `SampleFlags` for the lists."""
    if not pairs or not all(type(value) is list and value for _, value in pairs):
        return pairs
    compacted = []
    for key, value in pairs:
        if not set(map(type, value)) <= {int, bool} or not set(value) <= {0, 1}:
            return pairs  # not sample flags after all: leave the object as written, for the validator
        compacted.append((key, SampleFlags(sum(value), len(value))))
    return compacted


def load_json(
    text: str,
    file: str,
    max_depth: int | None = None,
    compact_samples: bool = False,
    non_finite: bool = False,
    precheck: Callable[[Any, str], None] | None = None,
    map_lazily_below: int | None = None,
) -> tuple[Any, SourceMap]:
    """Parse JSON strictly (no NaN, no duplicate keys) and map every value to its line and column — down to
    `max_depth` levels when given (a per-item file's 64 samples per item need no position each). With
    `compact_samples`, objects of 0/1 lists come back as `SampleFlags` (see there). With `non_finite`, the
    `NaN`, `Infinity` and `-Infinity` that Python's json writes (lm-eval does, for metrics it could not
    compute) are read as floats; the reader refuses them only where a gated metric holds one. `precheck` sees
    the data before positions are mapped (the slow part): a limit it enforces costs no scan. With
    `map_lazily_below`, only that many levels are mapped at once, the rest when an error first needs them. And past
    MAX_JSON_KEYS keys in all, parsing stops at once: no file of the size limit needs that many."""
    data = _parse_strictly(text, file, compact_samples, non_finite)
    check_nesting(data, file)
    if precheck is not None:
        precheck(data, file)
    source = SourceMap(file)
    if map_lazily_below is not None:
        source.mapped_depth = map_lazily_below
        source._map_deeper = _JsonScanner(text, source, max_depth).scan
    _JsonScanner(text, source, map_lazily_below if map_lazily_below is not None else max_depth).scan()
    problems = [source.problem(path, message) for path, message in bad_values(data, finite=not non_finite)]
    if problems:
        raise InputError(problems)
    return data, source


def _parse_strictly(text: str, file: str, compact_samples: bool, non_finite: bool) -> Any:
    """`json.loads` with duplicate keys refused (and located), a budget of keys, and every error as a Problem."""
    keys = 0

    def reject_constant(name: str) -> Any:
        if non_finite:
            return float(name)  # float("NaN"), float("Infinity"), float("-Infinity")
        raise ValueError(f"{name} is not valid JSON")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal keys
        keys += len(pairs)
        if keys > MAX_JSON_KEYS:
            raise _TooManyKeysError
        result: dict[str, Any] = {}
        for key, value in _compact(pairs) if compact_samples else pairs:
            if key in result:
                raise _DuplicateKeyError(key)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        hint = "fix the syntax; a JSON linter shows the same place"
        raise InputError([Problem(file, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}", hint=hint)]) from None
    except RecursionError:
        raise InputError([Problem(file, 1, 1, f"nested deeper than {MAX_NESTING} levels")]) from None
    except _TooManyKeysError:
        too_many = f"more than {MAX_JSON_KEYS:,} keys; point the gate at a summary file (docs/limits.md)"
        raise InputError([Problem(file, 1, 1, too_many)]) from None
    except _DuplicateKeyError as exc:
        check_nesting(_allowing_duplicates(text, file), file)  # before the recursive scan below
        scanner = _JsonScanner(text, SourceMap(file))
        scanner.scan()  # the text is valid apart from the duplicate: locate it
        pos = scanner.duplicates[0] if scanner.duplicates else Position(1, 1)
        raise InputError(
            [Problem(file, pos.line, pos.column, f"duplicate key '{exc.key}'", hint="keep one of them")]
        ) from None
    except ValueError as exc:
        raise InputError([Problem(file, 1, 1, f"invalid JSON: {exc}")]) from None


def _allowing_duplicates(text: str, file: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError([Problem(file, 1, 1, f"nested deeper than {MAX_NESTING} levels")]) from None


class _TooManyKeysError(Exception):
    pass


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _JsonScanner:
    """Walks syntactically valid JSON text and records where each value and key starts."""

    def __init__(self, text: str, source: SourceMap, max_depth: int | None = None) -> None:
        self.text = text
        self.source = source
        self.max_depth = max_depth
        self.decoder = json.JSONDecoder()
        self.duplicates: list[Position] = []
        # Offsets of line starts, to turn a character offset into (line, column) by bisection.
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return Position(line, offset - self.line_starts[line - 1] + 1)

    def skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

    def scan(self) -> None:
        self.value(self.skip(0), ())

    def value(self, offset: int, path: PathKey) -> int:
        self.source.values[path] = self.position(offset)
        if self.max_depth is not None and len(path) >= self.max_depth:
            flat = _FLAT_LIST.match(self.text, offset)  # a list of numbers: its end is the next ']'
            return flat.end() if flat else int(self.decoder.raw_decode(self.text, offset)[1])
        char = self.text[offset]
        if char == "{":
            return self.obj(offset + 1, path)
        if char == "[":
            return self.array(offset + 1, path)
        if char == '"':
            return json.decoder.scanstring(self.text, offset + 1)[1]  # type: ignore[attr-defined, no-any-return]
        match = _NUMBER_OR_LITERAL.match(self.text, offset)
        if match is None:  # cannot happen for text json.loads accepted
            raise ValueError(f"unexpected character at offset {offset}")
        return match.end()

    def obj(self, offset: int, path: PathKey) -> int:
        seen: set[str] = set()
        offset = self.skip(offset)
        if self.text[offset] == "}":
            return offset + 1
        while True:
            key_pos = self.position(offset)
            key, offset = json.decoder.scanstring(self.text, offset + 1)  # type: ignore[attr-defined]
            if key in seen:
                self.duplicates.append(key_pos)
            seen.add(key)
            child = (*path, key)
            if self.max_depth is None or len(child) < self.max_depth:  # an item's own key needs no position
                self.source.keys[child] = key_pos
            offset = self.skip(self.skip(offset) + 1)  # past ':'
            offset = self.skip(self.value(offset, child))
            if self.text[offset] == "}":
                return offset + 1
            offset = self.skip(offset + 1)  # past ','

    def array(self, offset: int, path: PathKey) -> int:
        offset = self.skip(offset)
        if self.text[offset] == "]":
            return offset + 1
        index = 0
        while True:
            offset = self.skip(self.value(offset, (*path, index)))
            index += 1
            if self.text[offset] == "]":
                return offset + 1
            offset = self.skip(offset + 1)

"""JSON read from a file a piece at a time, keeping only what a reader needs: harness outputs that embed their
generations.

evalchemy writes every model output under `results.<task>.examples` (ten 32k-token answers per problem), and
LiveCodeBench's `*_eval_all.json` holds each problem's statement, every generation and its code: files of
hundreds of megabytes whose scores fill a few lines. `json.loads` would hold the text and every string at
once. Here the document is walked with the standard decoder's `raw_decode`, one value at a time, on a window of
the file: containers the plan opens are walked member by member (and their positions recorded for errors),
others are decoded whole and kept, shaped (`Plan.shape`) or dropped at once. Memory is bounded by the largest
single value decoded whole (`max_value` characters), not by the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.limits import MAX_JSON_KEYS, MAX_NESTING, nesting_depth
from vibe_action.inputs.sourcemap import PathKey, Position, SourceMap

CHUNK = 1 << 20  # characters read at a time
OPEN, WHOLE, DROP, STOP = "open", "whole", "drop", "stop"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9.eE+\-]+\Z")  # the rest of the window could still be part of a number


@dataclass(frozen=True)
class Plan:
    """What to do with the value at each path: `OPEN` (walk it, keep it), `WHOLE` (decode and keep, through
    `shape`), `DROP` (walk its members and keep none: its size never counts), `STOP` (asked of a list's next
    item: the rest of the file is not needed, and not read)."""

    action: Callable[[PathKey], str]
    shape: Callable[[PathKey, Any], Any] = field(default=lambda _path, value: value)


class _Window:
    """The part of the file being decoded: `text[pos:]` is still to read; `line` is the line of `text[0]`."""

    def __init__(self, handle: TextIO | None, file: str, max_value: int, text: str = "") -> None:
        """Over an open file, or (`handle` None) over a whole `text` already in memory."""
        self.handle, self.file, self.max_value = handle, file, max_value
        self.text, self.pos, self.line, self.eof, self.read = text, 0, 1, handle is None, 0
        self._counted = (0, 0)  # (offset, newlines before it): positions are asked for in order

    def more(self, at_least: int = 0) -> bool:
        """Forget what has been read, then read at least `at_least` more characters; False at the end."""
        if self.pos:
            self.line += self.text.count("\n", 0, self.pos)
            self.text, self.pos, self._counted = self.text[self.pos :], 0, (0, 0)
        piece = self.handle.read(max(at_least, CHUNK)) if self.handle is not None else ""
        self.read += len(piece)
        self.text += piece
        self.eof = not piece
        return bool(piece)

    def position(self, offset: int | None = None) -> Position:
        offset = self.pos if offset is None else offset
        line_start = self.text.rfind("\n", 0, offset) + 1
        start, lines = self._counted if self._counted[0] <= offset else (0, 0)
        lines += self.text.count("\n", start, offset)
        self._counted = (offset, lines)
        return Position(self.line + lines, offset - line_start + 1)

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]  # always matches
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def expect(self, chars: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            raise self.invalid(f"Expecting {' or '.join(repr(c) for c in chars)}")
        self.pos += 1
        return char

    def decode(self, decoder: json.JSONDecoder) -> Any:
        """The next value, read whole: the window grows (doubling) until it holds the value. A number that
        ends the window may go on in the next piece, so it is decoded once more is read."""
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise self.invalid(exc.msg, exc.pos) from None
            except RecursionError:
                raise InputError(
                    [Problem(self.file, self.position().line, 1, f"nested deeper than {MAX_NESTING} levels")]
                ) from None
            else:
                if end - self.pos > self.max_value:
                    raise self.too_large()
                if self.eof or not self._may_go_on(value, end):
                    self.pos = end
                    return value
            if len(self.text) - self.pos > self.max_value:
                raise self.too_large()
            self.more(len(self.text) - self.pos)

    def _may_go_on(self, value: Any, end: int) -> bool:
        """Whether the window's end may have cut the value short: a number whose digits run to the end of
        the window (`0.` of `0.25`, `1e` of `1e-5` — json reads `0` and stops) continues in the next piece."""
        if end == len(self.text):
            return True
        return type(value) in (int, float) and _NUMBER_TAIL.match(self.text, end) is not None

    def too_large(self) -> InputError:
        where = self.position()
        return InputError(
            [
                Problem(
                    self.file,
                    where.line,
                    where.column,
                    f"one value here is larger than {self.max_value:,} characters; the gate reads a value at a time",
                    hint="keep the scores and verdicts; drop or trim what the evaluation wrote alongside "
                    "(docs/limits.md)",
                )
            ]
        )

    def invalid(self, message: str, offset: int | None = None) -> InputError:
        where = self.position(offset)
        hint = "fix the syntax; a JSON linter shows the same place"
        return InputError([Problem(self.file, where.line, where.column, f"invalid JSON: {message}", hint=hint)])


class _Walker:
    def __init__(self, window: _Window, plan: Plan, source: SourceMap, non_finite: bool) -> None:
        self.window, self.plan, self.source = window, plan, source
        self.keys = 0
        self.stopped = False

        def constant(name: str) -> Any:
            if non_finite:
                return float(name)  # NaN, Infinity, -Infinity: what Python's json writes
            raise ValueError(f"{name} is not valid JSON")

        def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            self.count_keys(len(pairs))
            found: dict[str, Any] = {}
            for key, value in pairs:
                if key in found:
                    raise self.duplicate(key)
                found[key] = value
            return found

        self.decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=constant)

    def count_keys(self, count: int) -> None:
        self.keys += count
        if self.keys > MAX_JSON_KEYS:
            too_many = f"more than {MAX_JSON_KEYS:,} keys; point the gate at a summary file (docs/limits.md)"
            raise InputError([Problem(self.window.file, 1, 1, too_many)])

    def duplicate(self, key: str) -> InputError:
        where = self.window.position()
        return InputError(
            [Problem(self.window.file, where.line, where.column, f"duplicate key '{key}'", hint="keep one of them")]
        )

    def value(self, path: PathKey, kept: bool = True) -> Any:
        window = self.window
        start = window.peek()
        if kept:  # (the members of a dropped container need no position)
            self.source.values[path] = window.position()
        action = self.plan.action(path) if start in "{[" and start else WHOLE
        if action == WHOLE:
            try:
                decoded = window.decode(self.decoder)
            except InputError:
                raise
            except ValueError as exc:  # a constant json refuses (NaN where the format forbids it)
                raise window.invalid(str(exc)) from None
            if isinstance(decoded, (dict, list)) and nesting_depth(decoded) + len(path) > MAX_NESTING:
                raise InputError([Problem(window.file, 1, 1, f"nested deeper than {MAX_NESTING} levels")])
            return self.plan.shape(path, decoded)
        if len(path) >= MAX_NESTING:
            raise InputError([Problem(window.file, 1, 1, f"nested deeper than {MAX_NESTING} levels")])
        keep = action == OPEN
        return self.object(path, keep) if start == "{" else self.array(path, keep)

    def object(self, path: PathKey, keep: bool) -> dict[str, Any] | None:
        window = self.window
        window.expect("{")
        found: dict[str, Any] = {}
        if window.peek() == "}":
            window.pos += 1
            return found if keep else None
        while True:
            if window.peek() != '"':
                raise window.invalid("Expecting property name enclosed in double quotes")
            key_at = window.position()
            key = window.decode(self.decoder)
            if key in found:
                raise self.duplicate(key)
            self.count_keys(1)
            child = (*path, key)
            if keep:
                self.source.keys[child] = key_at
            window.expect(":")
            value = self.value(child, keep)
            found[key] = value if keep else None  # a dropped object keeps its keys, to find duplicates
            if self.stopped:
                return found if keep else None
            if window.expect(",}") == "}":
                break
        return found if keep else None

    def array(self, path: PathKey, keep: bool) -> list[Any] | None:
        window = self.window
        window.expect("[")
        found: list[Any] = []
        if window.peek() == "]":
            window.pos += 1
            return found if keep else None
        index = 0
        while True:
            if keep and index and self.plan.action((*path, index)) == STOP:
                self.stopped = True
                return found
            value = self.value((*path, index), keep)
            if keep:
                found.append(value)
            if self.stopped:
                return found if keep else None
            index += 1
            if window.expect(",]") == "]":
                break
        return found if keep else None


def load_planned(
    handle: TextIO, file: str, plan: Plan, max_value: int, non_finite: bool = False
) -> tuple[Any, SourceMap]:
    """The document in `handle` as `plan` keeps it, and the positions of what it opened."""
    source = SourceMap(file)
    window = _Window(handle, file, max_value)
    walker = _Walker(window, plan, source, non_finite)
    if not window.peek():
        raise InputError([Problem(file, 1, 1, "invalid JSON: the file is empty")])
    data = walker.value(())
    if not walker.stopped and window.peek():
        raise window.invalid("Extra data")
    return data, source


def count_members(text: str, file: str) -> int | None:
    """How many keys the top-level object of `text` has (None when the top is not an object), each value
    decoded and dropped at once: a flat file of a million keys is counted — and refused — without building the
    million-entry object json.loads would."""
    window = _Window(None, file, len(text), text)
    decoder = json.JSONDecoder()
    if window.peek() != "{":
        return None
    window.pos += 1
    if window.peek() == "}":
        return 0
    count = 0
    while True:
        if window.peek() != '"':
            raise window.invalid("Expecting property name enclosed in double quotes")
        window.decode(decoder)
        window.expect(":")
        window.decode(decoder)
        count += 1
        if window.expect(",}") == "}":
            return count

"""Limits on what the gate reads, enforced before (or while) parsing, so no input can exhaust the runner.

Config and results come from the pull request or commit being evaluated: a YAML alias bomb, JSON nested ten
thousand deep or a file of 45 MB must end in a clear "too large" (exit 2), not in minutes of CPU, gigabytes of
memory or a RecursionError. The numbers are far above what real evaluation outputs need (docs/limits.md).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vibe_action.errors import InputError, Problem

MAX_CONFIG_BYTES = 256 * 1024
MAX_JSON_RESULTS_BYTES = 16 * 1024 * 1024  # native, flat and harness JSON: every value gets a position
MAX_RESULTS_FILE_BYTES = 512 * 1024 * 1024  # per-item JSONL / CSV, read line by line
MAX_LINE_BYTES = 64 * 1024 * 1024  # one JSONL line: 64 samples of 40,000-token answers fit 4 times over
MAX_RESULTS_FILES = 200
MAX_NESTING = 64
MAX_BENCHMARKS = 500
MAX_ITEMS = 200_000  # per benchmark
MAX_JSON_KEYS = 2_000_000  # keys in all of one JSON file: parsing stops past them (a 16 MiB file could hold 4 M)
MAX_NAME_LENGTH = 200  # benchmark, metric, model names
MAX_TITLE_LENGTH = 255  # a rendered build title (Netlify shows ~100 characters)
MAX_HOOK_BODY_BYTES = 64 * 1024
# Numbers a results file may hold: far beyond any real benchmark, and small enough that squares, sums and the
# ledger's digests stay finite (2 bytes a count: 65,535 samples per item at most).
MAX_ABS_SCORE = 1e9
MAX_STDERR = 1e6
MAX_SAMPLES_PER_ITEM = 65_535
MAX_ITEM_COUNT = 10**9


def too_large(display: str, size: int, limit: int, what: str) -> InputError:
    return InputError(
        [
            Problem(
                display,
                1,
                1,
                f"{what} is {size:,} bytes; the limit is {limit:,}",
                hint="point the gate at the summary file, not at raw logs (docs/limits.md)",
            )
        ]
    )


def read_limited(path: Path, display: str, limit: int, what: str) -> bytes:
    """The file's bytes, refusing before reading it whole when it is larger than `limit`."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_large(display, size, limit, what)
        # Ask for what the file holds (plus one byte, to notice growth): read(limit) would allocate the limit.
        data = handle.read(size + 1) if size else handle.read(min(limit + 1, 1 << 20))
    if len(data) > limit:  # grew while being read (or a special file that reports no size)
        raise too_large(display, len(data), limit, what)
    return data


CONTAINERS = frozenset({dict, list})
PLAIN_NUMBERS = frozenset({int, bool, type(None)})


def nesting_depth(data: Any) -> int:
    """The deepest nesting of lists and objects, without recursion (so no input can overflow the stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            return depth
        if isinstance(value, list) and not CONTAINERS & set(map(type, value)):
            continue  # a list of plain values (64 samples of one item): nothing deeper, checked in C
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def check_nesting(data: Any, display: str) -> None:
    if nesting_depth(data) > MAX_NESTING:
        raise InputError(
            [Problem(display, 1, 1, f"nested deeper than {MAX_NESTING} levels", hint="no evaluation output is")]
        )


def bad_values(data: Any, key_types: bool = True, finite: bool = True) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, what is wrong) for values no input may hold: keys that are not text, text that is not valid
    Unicode (a lone surrogate cannot be written to the ledger or a report), numbers that are not finite (unless
    `finite` is False: a harness file, whose reader refuses them where they matter)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if not isinstance(key, str):
                    if key_types:  # (the YAML loader reports these itself, at the key's own position)
                        yield path, f"key {key!r} is not text"
                    continue
                if not _encodable(key):
                    yield (*path, key), "key is not valid Unicode text (a lone surrogate)"
                    continue
                stack.append((child, (*path, key)))
        elif isinstance(value, list):
            kinds = set(map(type, value))
            if kinds <= PLAIN_NUMBERS:
                continue  # ints and booleans (the common per-sample lists) cannot be wrong here
            stack.extend((child, (*path, index)) for index, child in enumerate(value))
        elif isinstance(value, str) and not _encodable(value):
            yield path, "text is not valid Unicode (a lone surrogate)"
        elif finite and isinstance(value, float) and not math.isfinite(value):
            yield path, f"{value} is not a finite number"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

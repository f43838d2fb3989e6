"""One glob matcher for everything the gate matches: result discovery, "did this push change results?", and
branch rules. Two matchers (Python's `glob` for discovery, a regex for changed files) disagreed on `**` and
`[...]`, so a push that changed a results file could be skipped unevaluated.

Semantics (those of GitHub's path and branch filters): `*` is any run of characters within one path segment,
`?` one character, `[abc]`, `[a-z]`, `[!a]` a class within a segment, `**/` zero or more folders, a trailing
`**` anything below. Dot files are matched like any other. Patterns are relative to the repository: absolute
patterns and `..` segments are refused, and a match whose real path leaves the repository (a symlink) is
reported, never read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from vibe_action.errors import InputError

WILDCARDS = frozenset("*?[")
MAX_FILES_VISITED = 200_000


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as a regex to `fullmatch` against a `/`-separated relative path or a branch name."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := _class_end(pattern, i)) > 0:
            out.append(_class(pattern[i + 1 : end]))
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the class that opens at `start`, or -1 (then `[` is a literal)."""
    j = start + 1
    if j < len(pattern) and pattern[j] in "!^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    return pattern.find("]", j)


def _class(body: str) -> str:
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    chars = "".join(ch if ch == "-" else re.escape(ch) for ch in body if ch != "/")
    return f"[^/{chars}]" if negate else f"(?!/)[{chars or '/'}]"


def matches(pattern: str, path: str) -> bool:
    return glob_regex(pattern).fullmatch(path) is not None


def pattern_problem(pattern: str) -> str:
    """Why a results pattern is refused, or ''."""
    if "\0" in pattern:
        return "contains a NUL character"
    if pattern.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", pattern):
        return "is absolute; results globs are relative to the repository root"
    if ".." in re.split(r"[\\/]", pattern):
        return "leaves the repository ('..'); results globs are relative to the repository root"
    return ""


def check_patterns(patterns: Iterable[str], origin: str) -> None:
    problems = [f"{origin}: '{p}' {why}" for p in patterns if (why := pattern_problem(p))]
    if problems:
        raise InputError("\n".join(problems))


def find_files(patterns: Iterable[str], root: Path) -> tuple[list[Path], list[str]]:
    """(files under `root` matching any pattern, sorted; relative paths that matched but resolve outside
    `root`). Only the folder below each pattern's literal prefix is walked, and never through a symlink."""
    found: dict[str, Path] = {}
    outside: set[str] = set()
    real_root = root.resolve()
    visited = 0
    for pattern in patterns:
        regex = glob_regex(pattern)
        prefix, depth = _walk_plan(pattern)
        start = root / prefix if prefix else root
        if not start.is_dir():
            continue
        for folder, dirs, files in os.walk(start):
            rel_folder = Path(folder).relative_to(root).as_posix()
            rel_folder = "" if rel_folder == "." else rel_folder + "/"
            dirs[:] = sorted(d for d in dirs if d != ".git")
            if depth is not None and rel_folder.count("/") >= depth - 1:
                dirs[:] = []
            visited += len(files) + len(dirs)
            if visited > MAX_FILES_VISITED:
                raise InputError(
                    f"results glob '{pattern}' walks more than {MAX_FILES_VISITED:,} files; make it narrower"
                )
            for name in files:
                rel = rel_folder + name
                if rel in found or not regex.fullmatch(rel):
                    continue
                path = root / rel
                try:
                    inside = path.resolve().is_relative_to(real_root)
                except (OSError, RuntimeError):  # a symlink loop
                    inside = False
                if not inside:
                    outside.add(rel)
                elif path.is_file():
                    found[rel] = path
    return [found[key] for key in sorted(found)], sorted(outside)


def _walk_plan(pattern: str) -> tuple[str, int | None]:
    """(the folder before the first wildcard, how many segments deep a match can be; None with `**`)."""
    segments = pattern.split("/")
    literal: list[str] = []
    for segment in segments[:-1]:
        if WILDCARDS & set(segment):
            break
        literal.append(segment)
    depth = None if "**" in pattern else len(segments)
    return "/".join(literal), depth

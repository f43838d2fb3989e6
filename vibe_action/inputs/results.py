"""Result files → one merged, validated `Results`: find the files (one glob matcher), read each in its format
(native and flat here, harness formats through the readers), check the sizes, merge.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.benchmarks import Benchmark, Model, Results, Source, merge
from vibe_action.inputs.formats import HEAD_CHARS, Ignored, jsonl_kind
from vibe_action.inputs.globs import check_patterns, find_files
from vibe_action.inputs.limits import (
    MAX_ABS_SCORE,
    MAX_BENCHMARKS,
    MAX_ITEM_COUNT,
    MAX_ITEMS,
    MAX_JSON_RESULTS_BYTES,
    MAX_LINE_BYTES,
    MAX_NAME_LENGTH,
    MAX_RESULTS_FILE_BYTES,
    MAX_RESULTS_FILES,
    MAX_SAMPLES_PER_ITEM,
    MAX_STDERR,
    read_limited,
    too_large,
)
from vibe_action.inputs.native import NATIVE_POSITION_DEPTH, UnplacedError, parse_results
from vibe_action.inputs.per_item import lines_of
from vibe_action.inputs.readers import (
    JSONL_FORMATS,
    STREAMED_FORMATS,
    Parsed,
    ReadOptions,
    detect,
    read,
    read_lines,
    read_planned,
)
from vibe_action.inputs.runs import newest_runs
from vibe_action.inputs.scales import STDERR_KIND_KEY, UNIT_KEY
from vibe_action.inputs.sourcemap import load_json
from vibe_action.inputs.stream import count_members

__all__ = ["Benchmark", "Model", "Results", "Source", "load_results", "merge", "parse_results", "read_results_file"]


def load_results(
    sources: Iterable[Source | str],
    root: Path,
    origin: str = "",
    tasks: Mapping[str, tuple[str, str | None]] | None = None,
    gated: Collection[str] | None = None,
    scales: Mapping[str, float] | None = None,
) -> Results:
    """Read every file the sources match; `origin` says where the globs came from, for the error. Only
    `gated` benchmarks (None: all) must be unambiguous in a file; others that are ambiguous are skipped."""
    entries = [Source(s) if isinstance(s, str) else s for s in sources]
    files = _matched_files(entries, root, origin)
    parts: list[Results] = []
    problems: list[Problem] = []
    for display in sorted(files):  # read every file, so one run reports every broken file at once
        path, entry = files[display]
        options = ReadOptions(
            entry.benchmark,
            entry.metric,
            dict(tasks or {}),
            entry.model,
            gated,
            dict(scales or {}),
            entry.id_field,
            entry.correct_field,
        )
        try:
            parts.append(read_results_file(path, display, entry.format, options))
        except InputError as exc:
            problems.extend(exc.problems or [Problem(display, 1, 1, str(exc))])
    if problems:
        raise InputError(problems)
    newest, notes = newest_runs(parts)
    merged = merge(newest)
    return check_sizes(replace(merged, notes=(*merged.notes, *notes)))


def _matched_files(entries: list[Source], root: Path, origin: str) -> dict[str, tuple[Path, Source]]:
    """Every file the entries' globs match (the first entry to match a file names its format), or an error:
    none at all, too many, or one that resolves outside the repository."""
    check_patterns([e.path for e in entries], origin or "results")
    files: dict[str, tuple[Path, Source]] = {}
    outside: list[str] = []
    for entry in entries:
        found, escaped = find_files([entry.path], root)
        outside += escaped
        for path in found:
            files.setdefault(path.relative_to(root).as_posix(), (path, entry))
    if outside:
        raise InputError(
            [
                Problem(
                    rel,
                    1,
                    1,
                    "resolves outside the repository (a symlink); it is not read",
                    hint="commit the file itself",
                )
                for rel in outside
            ]
        )
    if not files:
        where = f" (from {origin})" if origin else ""
        raise InputError(
            f"no results files match {', '.join(repr(e.path) for e in entries)}{where} under {root}; "
            "write your evaluation results there or change 'results:' in deploy.yaml / --results"
        )
    if len(files) > MAX_RESULTS_FILES:
        raise InputError(
            f"{len(files)} results files match {', '.join(repr(e.path) for e in entries)}; the limit is "
            f"{MAX_RESULTS_FILES} — narrow the globs to the summary files"
        )
    return files


def check_sizes(results: Results) -> Results:
    """Counts and name lengths within the documented limits (they bound the hook body and ledger records)."""
    problems = []
    if len(results.benchmarks) > MAX_BENCHMARKS:
        problems.append(
            Problem(results.files[0], 1, 1, f"{len(results.benchmarks)} benchmarks; the limit is {MAX_BENCHMARKS}")
        )
    for bench in results.benchmarks.values():
        if len(bench.name) > MAX_NAME_LENGTH:
            problems.append(
                Problem(
                    bench.file,
                    bench.line,
                    1,
                    f"benchmark name is {len(bench.name)} characters; the limit is {MAX_NAME_LENGTH}",
                )
            )
        problems += [Problem(bench.file, bench.line, 1, text, hint=NUMBER_HINT) for text in _out_of_range(bench)]
        if bench.items is not None and len(bench.items.scores) > MAX_ITEMS:
            problems.append(
                Problem(
                    bench.file,
                    bench.line,
                    1,
                    f"'{bench.name}' has {len(bench.items.scores):,} items; the limit is {MAX_ITEMS:,}",
                )
            )
    if results.model is not None and len(results.model.name) + len(results.model.revision or "") > MAX_NAME_LENGTH:
        problems.append(Problem(results.files[0], 1, 1, f"model name and revision exceed {MAX_NAME_LENGTH} characters"))
    if problems:
        raise InputError(problems[:50])
    return results


NUMBER_HINT = "fix the value in the results file (every number the gate reads has a finite, documented range)"


def _out_of_range(bench: Benchmark) -> list[str]:
    """What of a benchmark's numbers is outside the range where the statistics stay finite."""
    found = []
    if not math.isfinite(bench.score) or abs(bench.score) > MAX_ABS_SCORE:
        found.append(f"'{bench.name}': score {bench.score:g} is out of range (at most {MAX_ABS_SCORE:g} in size)")
    if bench.stderr is not None and not (math.isfinite(bench.stderr) and 0 <= bench.stderr <= MAX_STDERR):
        found.append(f"'{bench.name}': stderr {bench.stderr:g} is out of range (0 to {MAX_STDERR:g})")
    if bench.samples_per_problem is not None and not 1 <= bench.samples_per_problem <= MAX_SAMPLES_PER_ITEM:
        found.append(
            f"'{bench.name}': {bench.samples_per_problem:,} samples per problem is out of range (1 to "
            f"{MAX_SAMPLES_PER_ITEM:,})"
        )
    if bench.n is not None and not 1 <= bench.n <= MAX_ITEM_COUNT:
        found.append(f"'{bench.name}': n = {bench.n:,} is out of range (1 to {MAX_ITEM_COUNT:,})")
    return found


def read_results_file(
    path: Path, display: str, format_name: str = "auto", options: ReadOptions | None = None
) -> Results:
    """One results file in its format: a JSONL file a line at a time and a harness's JSON a value at a time
    (both up to MAX_RESULTS_FILE_BYTES, held no more than a line or a value at once), this project's own JSON
    and summary tables whole (MAX_JSON_RESULTS_BYTES)."""
    options = options or ReadOptions()
    try:
        kind = format_name
        if kind == "auto" and display.lower().endswith(".jsonl"):
            first = _first_line(path)  # (a line past the limit: the reader refuses it, whatever the format)
            kind = jsonl_kind(first.decode("utf-8-sig", "replace")) if len(first) <= MAX_LINE_BYTES else "correctness"
            del first
        elif kind == "auto":
            kind = detect(display, _head(path).decode("utf-8-sig", "ignore"))
        if kind in JSONL_FORMATS or kind in STREAMED_FORMATS:
            return _read_streamed(path, display, kind, options)
        limit = MAX_JSON_RESULTS_BYTES if path.suffix.lower() == ".json" or kind in ("native", "flat") else 0
        raw = read_limited(path, display, limit or MAX_RESULTS_FILE_BYTES, "the results file")
    except OSError as exc:
        raise InputError([Problem(display, 1, 1, f"cannot read results file: {exc.strerror}")]) from None
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows tools write one) is no content
    except UnicodeDecodeError:
        raise InputError([Problem(display, 1, 1, "results file is not UTF-8 text")]) from None
    del raw  # the text holds it: no second copy while the file is parsed
    if kind == "flat":  # counted before it is parsed: a flat file of a million keys is refused in 1x its size
        flat_count_check(text, display)
    if kind in ("native", "flat"):
        data, source = load_json(
            text,
            display,
            max_depth=NATIVE_POSITION_DEPTH,
            compact_samples=True,
            precheck=benchmark_count_check,
            map_lazily_below=NATIVE_POSITION_DEPTH - 1,  # item ids: mapped only for an error about an item
        )
        try:
            return parse_results(data, source, digest)
        except UnplacedError as exc:
            if exc.closest is None or format_name != "auto":
                raise
            closest = exc.closest
        # Another format by its structure, past what the first 64 KiB showed (json.dump(sort_keys=True) puts
        # lm-eval's long `configs` before `results`): read as that format.
        del data, source, text
        return _read_streamed(path, display, closest, options)
    return _results(_guarded(kind, display, partial(read, kind, text, display, options)), display, digest)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_CHARS)


def _first_line(path: Path) -> bytes | bytearray:
    """The first line that is not blank, read no further than the line limit (a longer one is refused by the
    reader): which JSONL format a file is in shows only in a whole line (Qwen2.5-Math's verdicts come last)."""
    with path.open("rb") as handle:
        return next((line for line in lines_of(handle) if not line.isspace()), b"")


def _read_streamed(path: Path, display: str, kind: str, options: ReadOptions) -> Results:
    """A file read a line (JSONL) or a value (harness JSON) at a time, after its size is checked, and hashed as
    it is read: a line past the limit is refused having read no more of the file than that."""
    with path.open("rb", buffering=0) as raw:
        size = os.fstat(raw.fileno()).st_size
        if size > MAX_RESULTS_FILE_BYTES:
            raise too_large(display, size, MAX_RESULTS_FILE_BYTES, "the results file")
        hashed = _Hashed(raw)
        handle = io.BufferedReader(hashed, 1 << 20)
        if kind in JSONL_FORMATS:
            parsed = _guarded(kind, display, partial(read_lines, kind, handle, display, options))
        else:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")  # newline="": the text as written
            try:
                parsed = _guarded(kind, display, partial(read_planned, kind, text, display, options))
            except UnicodeDecodeError:
                raise InputError([Problem(display, 1, 1, "results file is not UTF-8 text")]) from None
            finally:
                text.detach()
        while handle.read(1 << 20):  # what a reader did not need (after LiveCodeBench's metrics): hashed too
            pass
        return _results(parsed, display, hashed.digest.hexdigest())


class _Hashed(io.RawIOBase):
    """The file's bytes as they are read, hashed on the way (the results digest the ledger keeps)."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer) or 0
        self.digest.update(memoryview(buffer)[:count])
        return count


def flat_count_check(text: str, file: str) -> None:
    count = count_members(text, file)
    if count is not None and count > MAX_BENCHMARKS:
        raise InputError([Problem(file, 1, 1, f"{count:,} benchmarks; the limit is {MAX_BENCHMARKS}")])


def benchmark_count_check(data: Any, file: str) -> None:
    """Too many benchmarks, told from the parsed data before every value is given its position (the slow,
    large part: a flat file of a million keys was refused after 37 s and 831 MB)."""
    table = data.get("benchmarks") if isinstance(data, dict) and isinstance(data.get("benchmarks"), dict) else data
    count = len(table) if isinstance(table, dict) else 0
    if count > MAX_BENCHMARKS:
        raise InputError([Problem(file, 1, 1, f"{count:,} benchmarks; the limit is {MAX_BENCHMARKS}")])


def _guarded(kind: str, display: str, reader: Callable[[], list[Parsed]]) -> list[Parsed] | Ignored:
    """A reader that meets a shape it does not know refuses the file by name rather than crash the run; a file
    that holds no scores by design comes back as the note that says so."""
    try:
        return reader()
    except Ignored as ignored:
        return ignored
    except (InputError, UnicodeDecodeError):
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError, RecursionError) as exc:
        raise InputError(
            [
                Problem(
                    display,
                    1,
                    1,
                    f"cannot read this file as {kind} ({type(exc).__name__}); it is not shaped as that tool writes it",
                    hint="name the format in 'results:' (format: …), or report it if the tool really wrote this",
                )
            ]
        ) from None


def _results(parsed: list[Parsed] | Ignored, display: str, digest: str) -> Results:
    if isinstance(parsed, Ignored):
        return Results(MappingProxyType({}), (display,), None, digest, (parsed.note,))
    notes = tuple(note for p in parsed for note in p.notes)
    named = next((p.model for p in parsed if p.model), None)
    model = Model(*named) if named else None
    return Results(
        MappingProxyType({p.name: _from_parsed(p, display) for p in parsed}), (display,), model, digest, notes
    )


def _from_parsed(parsed: Parsed, file: str) -> Benchmark:
    marks = {UNIT_KEY: parsed.unit} if parsed.unit else {}
    if parsed.stderr_kind:
        marks[STDERR_KIND_KEY] = parsed.stderr_kind
    return Benchmark(
        name=parsed.name,
        score=parsed.score,
        n=parsed.n,
        samples_per_problem=parsed.items.samples if parsed.items else parsed.samples,
        stderr=parsed.stderr,
        file=file,
        line=parsed.line,
        items=parsed.items,
        settings=MappingProxyType({**parsed.settings, **marks}),
        factor=parsed.factor,
        read_as=parsed.read_as,
        from_items=parsed.items is not None and not parsed.aggregate,
        direction=parsed.direction,
        stamp=parsed.stamp,
        run_time=parsed.run_time,
    )

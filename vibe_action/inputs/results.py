"""Result files → one merged, validated `Results`.

Two formats are read: the native one (`{"model": {...}, "benchmarks": {"aime25": {"score": 74.4, ...}}}`)
and the flat one that existing deploy scripts read with `jq '.aime25'` (`{"aime25": 74.4}`). Several files are
merged; a benchmark reported by two files is an error, because which score counts would otherwise be a guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.globs import check_patterns, find_files
from vibe_action.inputs.limits import (
    MAX_BENCHMARKS,
    MAX_ITEMS,
    MAX_JSON_RESULTS_BYTES,
    MAX_NAME_LENGTH,
    MAX_RESULTS_FILE_BYTES,
    MAX_RESULTS_FILES,
    read_limited,
)
from vibe_action.inputs.readers import Item, Parsed, ReadOptions, detect, read
from vibe_action.inputs.sourcemap import SourceMap, load_json
from vibe_action.inputs.validation import load_schema, validate

MAX_ITEM_PROBLEMS = 20  # enough to show the pattern of a broken file
NATIVE_POSITION_DEPTH = 4  # benchmarks.<name>.items.<id>: where any error in a native file can point
MEAN_TOLERANCE = 0.05  # points: an aggregate and its per-item file of the same run agree to rounding
FORMAT_HINT = 'a results file is {"benchmarks": {"aime25": {"score": 74.4}}} or flat {"aime25": 74.4}'


@dataclass(frozen=True)
class Benchmark:
    """One benchmark's score on a 0-100 scale, with where it was read from."""

    name: str
    score: float
    n: int | None = None
    samples_per_problem: int | None = None
    stderr: float | None = None
    file: str = ""
    line: int = 0
    items: Item | None = None  # per-item results, for paired tests
    settings: Mapping[str, Any] = field(default_factory=dict)  # generation settings, when recorded
    from_items: bool = False  # the score was computed from a per-item file (it may complete an aggregate)
    direction: str | None = None  # the format's own higher_is_better, when it says
    stamp: str | None = None  # the run's timestamp, when the file name carries one


@dataclass(frozen=True)
class Source:
    """One `results:` entry: a glob, and optionally its format, benchmark name and metric key."""

    path: str
    format: str = "auto"
    benchmark: str | None = None
    metric: str | None = None
    model: str | None = None  # the model column of a summary table with several


@dataclass(frozen=True)
class Model:
    name: str
    revision: str | None = None


@dataclass(frozen=True)
class Results:
    benchmarks: Mapping[str, Benchmark]
    files: tuple[str, ...] = ()
    model: Model | None = None
    digest: str = ""
    notes: tuple[str, ...] = ()  # what a reader chose for the user (e.g. the last of several rows)

    def scores(self) -> dict[str, float]:
        return {name: bench.score for name, bench in self.benchmarks.items()}


def load_results(
    sources: Iterable[Source | str],
    root: Path,
    origin: str = "",
    tasks: Mapping[str, tuple[str, str | None]] | None = None,
    gated: Collection[str] | None = None,
) -> Results:
    """Read every file the sources match; `origin` says where the globs came from, for the error. Only
    `gated` benchmarks (None: all) must be unambiguous in a file; others that are ambiguous are skipped."""
    entries = [Source(s) if isinstance(s, str) else s for s in sources]
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
    parts: list[Results] = []
    problems: list[Problem] = []
    for display in sorted(files):  # read every file, so one run reports every broken file at once
        path, entry = files[display]
        options = ReadOptions(entry.benchmark, entry.metric, dict(tasks or {}), entry.model, gated)
        try:
            parts.append(read_results_file(path, display, entry.format, options))
        except InputError as exc:
            problems.extend(exc.problems or [Problem(display, 1, 1, str(exc))])
    if problems:
        raise InputError(problems)
    return check_sizes(merge(parts))


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


def read_results_file(
    path: Path, display: str, format_name: str = "auto", options: ReadOptions | None = None
) -> Results:
    limit = MAX_JSON_RESULTS_BYTES if path.suffix.lower() == ".json" else MAX_RESULTS_FILE_BYTES
    try:
        raw = read_limited(path, display, limit, "the results file")
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(display, 1, 1, "results file is not UTF-8 text")]) from None
    except OSError as exc:
        raise InputError([Problem(display, 1, 1, f"cannot read results file: {exc.strerror}")]) from None
    digest = hashlib.sha256(raw).hexdigest()
    del raw  # the text holds it: no second copy while the file is parsed
    kind = detect(display, text) if format_name == "auto" else format_name
    if kind in ("native", "flat"):
        data, source = load_json(text, display, max_depth=NATIVE_POSITION_DEPTH)
        return parse_results(data, source, digest)
    try:
        parsed = read(kind, text, display, options or ReadOptions())
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError, RecursionError) as exc:
        # A reader met a shape it does not know. Refuse the file by name rather than crash the run.
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
    notes = tuple(note for p in parsed for note in p.notes)
    return Results(
        MappingProxyType({p.name: _from_parsed(p, display) for p in parsed}), (display,), None, digest, notes
    )


def _from_parsed(parsed: Parsed, file: str) -> Benchmark:
    return Benchmark(
        name=parsed.name,
        score=parsed.score,
        n=parsed.n,
        samples_per_problem=parsed.items.samples if parsed.items else None,
        stderr=parsed.stderr,
        file=file,
        line=parsed.line,
        items=parsed.items,
        settings=MappingProxyType(dict(parsed.settings)),
        from_items=parsed.items is not None,
        direction=parsed.direction,
        stamp=parsed.stamp,
    )


def _native_items(entry: Mapping[str, Any]) -> Item | None:
    """`items` of the native format: id -> fraction correct, or id -> list of 0/1 per sample."""
    raw = entry.get("items")
    if not raw:
        return None
    scores: dict[str, float] = {}
    samples = int(entry.get("samples_per_problem") or 1)
    lists = False
    for ident, value in raw.items():
        if isinstance(value, list):
            lists = True
            samples = max(samples, len(value))
            scores[str(ident)] = sum(value) / len(value)  # validated: 0/1 or booleans
        else:
            scores[str(ident)] = float(value)
    continuous = not lists and samples <= 1 and any(v not in (0.0, 1.0) for v in scores.values())
    return Item(scores, samples, continuous)


def _split_items(data: dict[str, Any], source: SourceMap) -> tuple[dict[str, Any], list[Problem]]:
    """(the document with each non-empty `items` object replaced by a one-item stand-in, the problems of
    the items themselves). The schema validator would check 64,000 samples one by one; this does it in one
    pass, with the same rules (a fraction in [0, 1], or a non-empty list of 0/1 per sample)."""
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, dict):
        return data, []
    problems: list[Problem] = []
    shallow_benchmarks: dict[str, Any] = {}
    for name, entry in benchmarks.items():
        items = entry.get("items") if isinstance(entry, dict) else None
        if not isinstance(items, dict) or not items:
            shallow_benchmarks[name] = entry
            continue
        shallow_benchmarks[name] = {**entry, "items": {"_": 0}}
        for ident, value in items.items():
            if not _valid_item(value):
                problems.append(
                    source.problem(
                        ("benchmarks", name, "items", ident),
                        "must be a fraction correct in [0, 1] or a non-empty list of 0/1 per sample",
                    )
                )
                if len(problems) >= MAX_ITEM_PROBLEMS:
                    return {**data, "benchmarks": shallow_benchmarks}, problems
    return {**data, "benchmarks": shallow_benchmarks}, problems


def _valid_item(value: Any) -> bool:
    if isinstance(value, list):  # set() and map() run in C: True == 1 and False == 0 for the value check
        return bool(value) and set(map(type, value)) <= {int, bool} and set(value) <= {0, 1}
    return type(value) in (int, float) and 0 <= value <= 1


def parse_results(data: Any, source: SourceMap, digest: str = "") -> Results:
    """Validate one parsed file against the shipped schema and convert it."""
    schema = load_schema("results")
    native = isinstance(data, dict) and "benchmarks" in data
    definition = "native" if native else "flat"
    shallow, item_problems = _split_items(data, source) if native else (data, [])
    problems = validate(shallow, {**schema, "$ref": f"#/$defs/{definition}"}, source) + item_problems
    if problems:
        if not native:
            problems = [
                Problem(p.file, p.line, p.column, p.message, p.json_path, p.hint or FORMAT_HINT) for p in problems
            ]
        raise InputError(problems)
    file = source.file
    benchmarks: dict[str, Benchmark] = {}
    model = None
    if native:
        if "model" in data:
            model = Model(data["model"]["name"], data["model"].get("revision"))
        for name, entry in data["benchmarks"].items():
            items = _native_items(entry)
            score = entry.get("score")
            if score is None and items is not None:
                score = sum(items.scores.values()) / len(items.scores) * 100.0
            benchmarks[name] = Benchmark(
                name=name,
                score=float(score),
                n=entry.get("n") or (len(items.scores) if items else None),
                samples_per_problem=entry.get("samples_per_problem") or (items.samples if items else None),
                stderr=entry.get("stderr"),
                file=file,
                line=source.key_at(("benchmarks", name)).line,
                items=items,
                settings=MappingProxyType(dict(entry.get("settings") or {})),
            )
    else:
        for name, score in data.items():
            benchmarks[name] = Benchmark(name, float(score), file=file, line=source.key_at((name,)).line)
    return Results(MappingProxyType(benchmarks), (file,), model, digest)


def _combine(one: Benchmark, other: Benchmark) -> Benchmark:
    """The aggregate's score and standard error, with the per-item file's items (lm-eval results + samples).
    Both must come from one run: the same timestamp (when both file names carry one), as many items as the
    aggregate counted, and a mean that gives its score."""
    aggregate, per_item = (other, one) if one.from_items else (one, other)
    assert per_item.items is not None  # noqa: S101 — from_items means a reader built items
    count = len(per_item.items.scores)
    where = f"{per_item.file} and {aggregate.file}"
    if aggregate.stamp and per_item.stamp and aggregate.stamp != per_item.stamp:
        raise InputError(
            [
                Problem(
                    per_item.file,
                    1,
                    1,
                    f"'{aggregate.name}': the samples are from the run of {per_item.stamp}, the results from "
                    f"{aggregate.stamp}",
                    hint="keep one run's results and samples files together",
                )
            ]
        )
    if aggregate.n is not None and aggregate.n != count:
        raise InputError(
            [
                Problem(
                    per_item.file,
                    1,
                    1,
                    f"'{aggregate.name}': {count} items, but {aggregate.file} counts {aggregate.n}",
                    hint=f"{where} are not from the same run",
                )
            ]
        )
    if abs(per_item.score - aggregate.score) > MEAN_TOLERANCE:
        raise InputError(
            [
                Problem(
                    per_item.file,
                    1,
                    1,
                    f"'{aggregate.name}': the items average {per_item.score:.2f}, but {aggregate.file} says "
                    f"{aggregate.score:.2f}",
                    hint=f"{where} are not from the same run, or not the same metric and filter",
                )
            ]
        )
    return replace(
        aggregate,
        items=per_item.items,
        samples_per_problem=per_item.samples_per_problem,
        n=aggregate.n or per_item.n,
        settings=MappingProxyType({**per_item.settings, **aggregate.settings}),
    )


def merge(parts: list[Results]) -> Results:
    """One `Results` from several files; duplicates and conflicting model names are errors."""
    benchmarks: dict[str, Benchmark] = {}
    problems: list[Problem] = []
    model: Model | None = None
    model_file = ""
    for part in parts:
        for name, bench in part.benchmarks.items():
            if name in benchmarks and benchmarks[name].from_items != bench.from_items:
                benchmarks[name] = _combine(benchmarks[name], bench)  # an aggregate and its per-item file
                continue
            if name in benchmarks:
                first = benchmarks[name]
                problems.append(
                    Problem(
                        bench.file,
                        bench.line,
                        1,
                        f"benchmark '{name}' is also in {first.file}:{first.line}",
                        hint="keep each benchmark in one results file",
                    )
                )
                continue
            benchmarks[name] = bench
        if part.model is not None:
            if model is not None and part.model.name != model.name:
                problems.append(
                    Problem(
                        part.files[0],
                        1,
                        1,
                        f"model '{part.model.name}' differs from '{model.name}' in {model_file}",
                        hint="evaluate one model per commit",
                    )
                )
            elif model is None:
                model, model_file = part.model, part.files[0]
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256("\n".join(f"{p.files[0]} {p.digest}" for p in parts).encode()).hexdigest()
    files = tuple(f for p in parts for f in p.files)
    notes = tuple(note for p in parts for note in p.notes)
    return Results(MappingProxyType(benchmarks), files, model, digest, notes)

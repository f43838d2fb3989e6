"""The parsed results: one `Benchmark` per benchmark, `Results` per file, and how files merge into one.

Several files are merged; a benchmark reported by two files is an error, because which score counts would
otherwise be a guess — except an aggregate and its per-item file of the same run (lm-eval results and
samples), which are combined once they agree on timestamp, item count and mean.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.formats import Item

MEAN_TOLERANCE = 0.05  # points: an aggregate and its per-item file of the same run agree to rounding


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
    run_time: float | None = None  # when the run started, as the file records it (lm-eval's `date`, epoch seconds)
    factor: float | None = None  # what the value as written was multiplied by (100: a fraction); None: unknown
    read_as: str = ""  # the convention that chose the scale, as `validate` and `run` say it


@dataclass(frozen=True)
class Source:
    """One `results:` entry: a glob, and optionally its format, benchmark name and metric key."""

    path: str
    format: str = "auto"
    benchmark: str | None = None
    metric: str | None = None
    model: str | None = None  # the model column of a summary table with several
    id_field: str | None = None  # per-problem JSONL: the field naming the problem
    correct_field: str | None = None  # per-problem JSONL: the field with the verdicts


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

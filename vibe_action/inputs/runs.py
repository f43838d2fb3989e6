"""A harness's run history, read as it is written: lm-evaluation-harness writes a new `results_<timestamp>.json`
(and `samples_<task>_<timestamp>.jsonl`) on every run, lighteval a new `results_<timestamp>.json`, into the
same folder. When several runs report one benchmark, the newest run counts — by the time the file records
(lm-eval's `date`), else by the timestamp in its name, else by its name — and its own samples (the same
timestamp) are paired with its results, never an older run's. LiveCodeBench's runs carry no time: its file
names say the run's samples per problem and temperature (`codegeneration_16_0.2_eval.json`), and the run with the
most samples per problem counts — the most precise measure of the same problems; two runs with as many are
refused, naming them. A note names the file used and the ones passed over. Files that are not runs (no
timestamp at all) still may not report one benchmark twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.benchmarks import Benchmark, Results
from vibe_action.inputs.formats import STAMP


@dataclass(frozen=True)
class _Entry:
    part: int  # index of the file's Results among the parts
    bench: Benchmark

    @property
    def is_run(self) -> bool:
        return self.bench.stamp is not None or self.bench.run_time is not None


def _untimed(entries: Sequence[_Entry]) -> bool:
    """Runs named without a time (LiveCodeBench's): chosen by samples per problem, not by name."""
    return all(e.bench.stamp is not None and not STAMP.fullmatch(e.bench.stamp) for e in entries)


def _newest(entries: Sequence[_Entry]) -> _Entry:
    if all(e.bench.run_time is not None for e in entries):
        return max(entries, key=lambda e: (e.bench.run_time or 0.0, e.bench.file))
    if all(e.bench.stamp is not None for e in entries):
        return max(entries, key=lambda e: (e.bench.stamp or "", e.bench.file))
    return max(entries, key=lambda e: e.bench.file)


def _most_samples(entries: Sequence[_Entry]) -> _Entry:
    """The run with the most samples per problem; a tie between runs is the user's to settle."""
    runs: dict[str, int] = {}
    for entry in entries:
        runs[_run_of(entry)] = max(runs.get(_run_of(entry), 0), entry.bench.samples_per_problem or 0)
    most = max(runs.values())
    tied = sorted(run for run, samples in runs.items() if samples == most)
    if len(tied) > 1:
        name = entries[0].bench.name
        raise InputError(
            [
                Problem(
                    entries[0].bench.file,
                    1,
                    1,
                    f"'{name}': {len(tied)} runs with {most or 'unknown'} samples per problem ({', '.join(tied)}); "
                    "which one counts is not for the gate to guess",
                    hint=f"narrow the results glob to one run, e.g. '{tied[-1]}_eval*.json'",
                )
            ]
        )
    return next(e for e in entries if _run_of(e) == tied[0])


def newest_runs(parts: Sequence[Results]) -> tuple[list[Results], list[str]]:
    """The parts with every benchmark that an older run also reports left out of the older files; notes."""
    by_name: dict[str, list[_Entry]] = {}
    for index, part in enumerate(parts):
        for name, bench in part.benchmarks.items():
            by_name.setdefault(name, []).append(_Entry(index, bench))
    dropped: set[tuple[int, str]] = set()
    notes: list[str] = []
    for name, entries in sorted(by_name.items()):
        aggregates = [e for e in entries if not e.bench.from_items]
        per_item = [e for e in entries if e.bench.from_items]
        if (len(aggregates) < 2 and len(per_item) < 2) or not all(e.is_run for e in entries):
            continue  # one run (merge pairs results and samples), or files that are not runs: merge decides
        if _untimed(entries):  # a run's own files share its name: keep them all
            chosen = _run_of(_most_samples(entries))
            kept = [e for e in entries if _run_of(e) == chosen]
        else:
            kept = [_newest(aggregates)] if aggregates else []
            own = [e for e in per_item if kept and e.bench.stamp is not None and e.bench.stamp == kept[0].bench.stamp]
            kept += own[:1] if kept else [_newest(per_item)] if per_item else []
        passed_over = [e for e in entries if e not in kept]
        dropped.update((e.part, name) for e in passed_over)
        used = " and ".join(e.bench.file for e in kept)
        older = ", ".join(sorted(e.bench.file for e in passed_over))
        runs = len({*map(_run_of, entries)})
        why = (
            f"the run with the most samples per problem ({max(e.bench.samples_per_problem or 0 for e in kept)}) "
            f"of {runs} runs"
            if _untimed(entries)
            else f"the newest of {runs} runs"
        )
        notes.append(f"{name}: read {used}, {why} (not {older})")
    if not dropped:
        return list(parts), []
    kept_parts = [
        replace(
            part,
            benchmarks=MappingProxyType({n: b for n, b in part.benchmarks.items() if (index, n) not in dropped}),
        )
        for index, part in enumerate(parts)
    ]
    return kept_parts, notes


def _run_of(entry: _Entry) -> str:
    """Which run a file belongs to: results and samples of one run share the stamp in their names."""
    bench = entry.bench
    return bench.stamp or (str(bench.run_time) if bench.run_time is not None else bench.file)

"""A sampling plan: what each benchmark can detect with the data it has, and what it would with more (issue 32).

A gain the re-run test cannot see is refused as "within noise" — often on a benchmark that could never have
seen it: 30 problems with one sample each detect only gains of about 28 points. This says so before the first
gain is refused (`init`, `validate`, the first `run` on a benchmark), with the numbers of the test the gate
decides with (`stats.planned_mde`, at the level its first comparison with a live version is judged at).

Projections need each problem's solve rate. With several samples per problem they are the observed ones (a
problem never or always solved contributes no noise, so a projection to more samples is optimistic where
many are at 0 or 1); with one sample every observed rate is 0 or 1, so every problem is taken at the
benchmark's aggregate rate — the assumption is stated with the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vibe_action.decide.stats import POWER, planned_mde, spent_level
from vibe_action.inputs.results import Benchmark
from vibe_action.inputs.scales import UNIT_KEY, item_points

PROJECTED = (16, 64)  # samples per problem a plan projects to (lighteval's pass@1:16_samples, 64 as in
# VibeThinker's own evaluation)
PER_ITEM_SOURCES = (
    "Per-problem data makes the paired test possible: lm-eval's --log_samples (samples_*.jsonl), LiveCodeBench's "
    "*_eval_all.json, or a JSONL of {id, correctness: [...]}; lighteval's details are parquet files the gate "
    "does not read"
)


@dataclass(frozen=True)
class Plan:
    """What one benchmark detects now, and at more samples per problem."""

    benchmark: str
    problems: int | None
    samples: int | None  # per problem now; None: an aggregate without per-item data
    level: float  # the confidence the first comparison is judged at
    now: float | None  # the smallest gain it detects with 80 % power, in points
    projected: tuple[tuple[int, float], ...]  # (samples per problem, detectable gain)
    assumption: str

    def line(self) -> str:
        """`aime25: 30 problems x 1 sample detects gains ≥ 28.0 points at 97 % with 80 % power; x 16 samples
        ≥ 7.0; x 64 ≥ 3.5 (…)`."""
        power = f"at {self.level * 100:.3g} % with {POWER * 100:.0f} % power"
        more = ", ".join(f"x {k} ≥ {mde:.1f}" for k, mde in self.projected)
        if self.samples is None:
            size = f"its {self.problems} problems" if self.problems else "its problems"
            return (
                f"{self.benchmark}: an aggregate score — no per-problem data, so no paired test. With it, {size} "
                f"would detect gains of: {more} points per sample count ({self.assumption}, {power}). "
                f"{PER_ITEM_SOURCES}"
            )
        sample_word = "sample" if self.samples == 1 else "samples"
        size = f"{self.problems} problems x {self.samples} {sample_word}"
        head = f"{self.benchmark}: {size} detects gains ≥ {self.now:.1f} points {power}"
        return f"{head}; with more samples: {more} ({self.assumption})" if more else f"{head} ({self.assumption})"

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "problems": self.problems,
            "samples": self.samples,
            "confidence": self.level,
            "power": POWER,
            "detects": self.now,
            "projected": [{"samples": k, "detects": mde} for k, mde in self.projected],
            "assumption": self.assumption,
            "text": self.line(),
        }


def first_level(confidence: float) -> float:
    """The confidence the first comparison with a live version is judged at (`stats.spent_level`)."""
    return 1.0 - spent_level(1.0 - confidence, 1)


def plan_for(bench: Benchmark, confidence: float) -> Plan | None:
    """The plan of one benchmark, or None when it has neither per-item data nor a problem count, or its values
    are not counts of attempts."""
    level = first_level(confidence)
    scale = item_points(bench.settings.get(UNIT_KEY))
    items = bench.items
    if items is not None and not items.continuous and items.samples >= 1 and len(items.scores) >= 2:
        k = items.samples
        observed = list(items.scores.values())
        aggregate = sum(observed) / len(observed)
        if k == 1:
            rates = [aggregate] * len(observed)
            assumption = (
                f"projected from the aggregate solve rate {aggregate * 100:.0f} %: at one sample every problem's "
                "observed rate is 0 or 1"
            )
        else:
            rates = observed
            assumption = "projected from each problem's observed solve rate"
        now = planned_mde(rates, k, k, level, scale)
        projected = tuple((m, planned_mde(rates, m, m, level, scale)) for m in PROJECTED if m > k)
        return Plan(bench.name, len(observed), k, level, now, projected, assumption)
    if bench.n and bench.n >= 2 and 0 <= bench.score <= 100 and bench.settings.get(UNIT_KEY) != "own":
        rate = bench.score / 100
        rates = [rate] * bench.n
        projected = tuple((m, planned_mde(rates, m, m, level, scale)) for m in (1, *PROJECTED))
        assumption = f"every problem at the score's rate, {bench.score:.0f} %"
        return Plan(bench.name, bench.n, None, level, None, projected, assumption)
    return None


def sampling_plan(benchmarks: Mapping[str, Benchmark], confidence: float) -> list[Plan]:
    return [plan for name in sorted(benchmarks) if (plan := plan_for(benchmarks[name], confidence)) is not None]

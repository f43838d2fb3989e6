"""The sampling plan (issue 32): its numbers are the gate's own test's (`stats.rerun`), and a simulation with a
fixed seed finds gains of the stated size about as often as the stated power says."""

from __future__ import annotations

import random

import pytest

from vibe_action.decide import stats
from vibe_action.decide.plan import first_level, plan_for
from vibe_action.inputs.benchmarks import Benchmark
from vibe_action.inputs.formats import Item

AIME_RATES = [0.05, 0.2, 0.3, 0.35, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7] * 3  # 30 problems, none always solved


def test_the_plan_at_one_sample_projects_from_the_aggregate_rate_and_says_so() -> None:
    scores = {f"aime25-{i:02d}": float(i < 22) for i in range(30)}  # 22 of 30 solved once: 73 %
    plan = plan_for(Benchmark("aime25", 73.3, items=Item(scores, samples=1)), 0.95)
    assert plan is not None
    assert plan.samples == 1
    assert plan.now is not None
    assert 24 < plan.now < 32  # "detects gains ≥ 29 points" (issue 32), at the first comparison's 97 %
    (k16, at16), (k64, at64) = plan.projected
    assert (k16, k64) == (16, 64)
    assert at16 == pytest.approx(plan.now / 4)  # the spread falls as 1/sqrt(k)
    assert at64 == pytest.approx(plan.now / 8)
    assert "projected from the aggregate solve rate 73 %" in plan.line()
    assert "at one sample every problem's observed rate is 0 or 1" in plan.line()
    assert plan.level == pytest.approx(first_level(0.95))


def test_an_aggregate_names_what_would_give_per_problem_data() -> None:
    plan = plan_for(Benchmark("hmmt25", 50.4, n=30), 0.95)
    assert plan is not None
    assert plan.samples is None
    assert "--log_samples" in plan.line()
    assert "lighteval's details are parquet files the gate does not read" in plan.line()
    assert plan_for(Benchmark("mystery", 50.0), 0.95) is None  # no problem count, no per-item data: no numbers


@pytest.mark.parametrize("k", [4, 16])
def test_the_planned_gain_is_the_one_the_rerun_test_reports_for_typical_counts(k: int) -> None:
    """The plan's formula and the test's own `mde` agree on counts drawn at the planned rates."""
    rng = random.Random(k)
    level = first_level(0.95)
    planned = stats.planned_mde(AIME_RATES, k, k, level)
    seen = []
    for _ in range(40):
        counts = [
            (sum(rng.random() < p for _ in range(k)), sum(rng.random() < p for _ in range(k))) for p in AIME_RATES
        ]
        mde = stats.rerun(counts, k, k, level).mde
        assert mde is not None
        seen.append(mde)
    assert sum(seen) / len(seen) == pytest.approx(planned, rel=0.15)


@pytest.mark.parametrize("k", [4, 16])
def test_a_simulation_detects_the_planned_gain_about_as_often_as_the_stated_power(k: int) -> None:
    """Runs drawn with a known gain of the planned size, each tested as the gate tests: the share the test finds
    is the power the plan states (80 %), within what 300 draws and the counts' steps allow; with no gain, the
    share is within the level."""
    rng = random.Random(2026 + k)
    level = first_level(0.95)
    gain = stats.planned_mde(AIME_RATES, k, k, level)
    after = [p + gain / 100 for p in AIME_RATES]  # every problem up by the gain: none leaves [0, 1]
    assert max(after) <= 1.0

    def share(rates_now: list[float], draws: int = 300) -> float:
        found = 0
        for _ in range(draws):
            counts = [
                (sum(rng.random() < now for _ in range(k)), sum(rng.random() < then for _ in range(k)))
                for now, then in zip(rates_now, AIME_RATES, strict=True)
            ]
            found += stats.rerun(counts, k, k, level).p_value < 1 - level
        return found / draws

    assert share(after) == pytest.approx(0.8, abs=0.1)
    assert share(AIME_RATES) <= (1 - level) + 0.03

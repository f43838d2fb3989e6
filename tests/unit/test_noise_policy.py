"""Noise-aware decisions: significance on per-item data, stderr fallback, comparability, significant guards."""

from __future__ import annotations

from typing import Any

import pytest

from tests.noise_data import K, base_counts, bench, config, others, results, run, within_noise
from vibe_action.inputs.results import Benchmark, Results


def noise_rule(decision: Any) -> dict[str, Any]:
    """The primary's noise check, as the JSON output shows it."""
    (check,) = [r.to_json() for r in decision.metrics[0].rules if r.rule == "noise"]
    return check


def test_plus_1_3_within_sampling_noise_does_not_deploy() -> None:
    base = base_counts()
    now = within_noise(base)
    deployed = results(bench("aime25", base), *others())
    current = results(bench("aime25", now), *others())
    gain = current.benchmarks["aime25"].score - deployed.benchmarks["aime25"].score
    assert gain == pytest.approx(1.302, abs=0.01)
    decision = run(config(), current, deployed)
    assert decision.verdict == "skip"
    reason = decision.reasons[0]
    assert reason.startswith("aime25: +1.3")
    assert "meets min_gain" in reason  # the point gain is enough ...
    assert "(gain ≥ -" in reason  # ... but its one-sided bound is below 0
    assert "p = " in reason
    assert "— within noise; this benchmark detects ≥ " in reason
    gain_rule = noise_rule(decision)
    assert gain_rule["significance"]["method"] == "paired"
    assert gain_rule["significance"]["p_value"] > 0.05
    assert gain_rule["significance"]["mde"] > 1.3


def test_a_real_gain_on_per_problem_data_deploys() -> None:
    base = base_counts()
    now = [min(K, c + 5) if c < K else c for c in base]
    decision = run(config(), results(bench("aime25", now), *others()), results(bench("aime25", base), *others()))
    assert decision.verdict == "deploy", decision.reasons
    assert "p < 0.0001) — significant" in decision.reasons[0]  # not a rounded "p = 0"
    assert "over deployed" in decision.reasons[0]


def test_a_partial_run_blocks_even_when_comparability_warns() -> None:
    base = base_counts()
    current = results(bench("aime25", [min(K, c + 8) for c in base[:28]]), *others())
    for extra in ("", "comparability: warn\n"):
        decision = run(config(extra), current, results(bench("aime25", base), *others()))
        assert decision.verdict == "block"
        assert decision.reasons[0] == "aime25: partial run: 28 of the deployed run's 30 items"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"samples": 32}, "samples per item differ (32 vs 64 deployed)"),
        ({"temperature": 1.0}, "temperature differs (1.0 vs 0.6 deployed)"),
    ],
)
def test_runs_made_differently_block_by_default_and_warn_on_request(change: dict[str, object], reason: str) -> None:
    base = base_counts()
    samples = int(change.get("samples", K))  # type: ignore[call-overload]
    temperature = change.get("temperature", 0.6)
    now = [min(samples, round(c * samples / K) + 3) for c in base]
    current = results(bench("aime25", now, samples, temperature=temperature), *others())
    deployed = results(bench("aime25", base, K, temperature=0.6), *others())
    blocked = run(config(), current, deployed)
    assert blocked.verdict == "block"
    assert reason in blocked.reasons[0]
    warned = run(config("comparability: warn\n"), current, deployed)
    assert warned.verdict != "block"
    assert any(reason in r.detail for r in warned.metrics[0].rules if r.rule == "comparable")


def test_one_sample_per_item_uses_exact_mcnemar() -> None:
    base = [1] * 15 + [0] * 15
    now = [1] * 15 + [0] * 15
    now[15:21] = [1] * 6  # six problems newly solved, none lost
    current = results(bench("aime25", now, 1), *others())
    decision = run(config(), current, results(bench("aime25", base, 1), *others()))
    gain = noise_rule(decision)["significance"]
    assert gain["method"] == "mcnemar"
    assert gain["p_value"] == pytest.approx(1 / 64)
    assert decision.verdict == "deploy"


def test_stderr_fallback_when_only_aggregates_exist() -> None:
    def agg(score: float, se: float) -> Results:
        return results(
            Benchmark("aime25", score, 30, None, se), Benchmark("hmmt25", 50.0), Benchmark("livecodebench_v6", 50.0)
        )

    # By default (auto) the aggregate test informs: the user's rule (floor, gain >= 2 %) decides.
    noisy = run(config(), agg(76.0, 8.0), agg(74.4, 8.0))
    assert noisy.verdict == "deploy"
    rule = noise_rule(noisy)
    assert rule["significance"]["method"] == "stderr"
    assert (rule["passed"], rule["advisory"]) == (False, True)
    assert "within noise; this benchmark detects ≥" in rule["detail"]
    assert "shown, not deciding (only aggregate standard errors)" in rule["detail"]
    assert "lm-eval --log_samples" in rule["detail"]
    assert "significance.method: stderr" in rule["detail"]
    below = run(config(), agg(74.5, 8.0), agg(74.4, 8.0))
    assert below.verdict == "skip"  # the gain rule still decides: +0.1 is below min_gain
    # Asked for explicitly, the aggregate test decides.
    strict = run(config("significance:\n  method: stderr\n"), agg(76.0, 8.0), agg(74.4, 8.0))
    assert strict.verdict == "skip"
    assert "advisory" not in noise_rule(strict)
    clear = run(config("significance:\n  method: stderr\n"), agg(90.0, 2.0), agg(74.4, 2.0))
    assert clear.verdict == "deploy"


def test_a_paired_test_on_per_item_data_still_decides_by_default() -> None:
    base = base_counts()
    noisy = [*base[:-1], base[-1] + 1]  # one more correct sample on one problem: within noise
    decision = run(config(), results(bench("aime25", noisy), *others()), results(bench("aime25", base), *others()))
    rule = noise_rule(decision)
    assert rule["significance"]["method"] in ("paired", "mcnemar")
    assert "advisory" not in rule


def test_no_error_bars_decides_on_the_point_estimate_and_says_so() -> None:
    flat = results(Benchmark("aime25", 77.5), Benchmark("hmmt25", 50.0), Benchmark("livecodebench_v6", 50.0))
    old = results(Benchmark("aime25", 74.4), Benchmark("hmmt25", 50.0), Benchmark("livecodebench_v6", 50.0))
    decision = run(config(), flat, old)
    assert decision.verdict == "deploy"
    assert decision.reasons[0].endswith("no error bars: not tested")
    forced = run(config("significance:\n  method: paired\n"), flat, old)
    assert forced.verdict == "skip"
    assert "significance method paired needs per-item results in both runs" in forced.reasons[0]


def test_method_off_ignores_noise() -> None:
    base = base_counts()
    now = within_noise(base)
    decision = run(
        config("significance:\n  method: 'off'\n"),
        results(bench("aime25", now), *others()),
        results(bench("aime25", base), *others()),
    )
    assert decision.verdict == "deploy"


def test_guards_on_significant_drops_only_when_asked() -> None:
    base = base_counts()
    hmmt_base = [32] * 30
    hmmt_noisy = [32] * 30
    for i, step in enumerate([-25, 15, -25, 15, -25, 15, -25, 10]):  # -2.3 points, all over the place
        hmmt_noisy[i] += step
    now = [min(K, c + 5) if c < K else c for c in base]
    current = results(bench("aime25", now), bench("hmmt25", hmmt_noisy), bench("livecodebench_v6", [30] * 30))
    deployed = results(bench("aime25", base), bench("hmmt25", hmmt_base), bench("livecodebench_v6", [30] * 30))
    assert run(config(), current, deployed).verdict == "block"  # point estimate: -2.4 > max_drop 2
    relaxed = run(config("significance:\n  guards: significant\n"), current, deployed)
    assert relaxed.verdict == "deploy"
    guard = next(r for r in relaxed.metrics[1].rules if r.rule == "guard")
    assert "but not significantly (Holm-adjusted p = " in guard.detail
    hmmt_real = [c - 6 for c in hmmt_base]  # every problem loses 6 of 64 samples: a real drop
    current = results(bench("aime25", now), bench("hmmt25", hmmt_real), bench("livecodebench_v6", [30] * 30))
    assert run(config("significance:\n  guards: significant\n"), current, deployed).verdict == "block"


def test_another_task_version_is_not_comparable() -> None:
    base = base_counts()
    current = results(bench("aime25", [min(K, c + 5) for c in base], task_hash="new1"), *others())
    deployed = results(bench("aime25", base, task_hash="old0"), *others())
    decision = run(config(), current, deployed)
    assert decision.verdict == "block"
    assert decision.reasons[0] == "aime25: task_hash differs (new1 vs old0 deployed)"

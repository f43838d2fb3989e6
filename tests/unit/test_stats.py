"""The standard-library statistics against scipy (a test-only dependency), on random cases, to 1e-6."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from scipy import stats as scipy_stats

from vibe_action.decide import stats
from vibe_action.decide.movers import FDR, benjamini_hochberg, fisher


@pytest.mark.parametrize("seed", range(40))
def test_t_distribution_matches_scipy(seed: int) -> None:
    rng = random.Random(seed)
    df = rng.choice([1, 2, 3, 4, 7, 10, 29, 63, 200, 999])
    t = rng.uniform(-10, 10)
    assert stats.t_sf(t, df) == pytest.approx(scipy_stats.t.sf(t, df), abs=1e-9)
    q = rng.uniform(0.0005, 0.9995)
    assert stats.t_ppf(q, df) == pytest.approx(scipy_stats.t.ppf(q, df), rel=1e-7, abs=1e-7)


@pytest.mark.parametrize("seed", range(30))
def test_paired_test_matches_scipy(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([5, 12, 30, 100, 1000])
    samples = rng.choice([1, 4, 16, 64])
    base = [rng.randint(0, samples) / samples for _ in range(n)]
    current = [min(1.0, max(0.0, b + rng.choice([-1, 0, 0, 1]) / samples)) for b in base]
    diffs = [c - b for c, b in zip(current, base, strict=True)]
    if len(set(diffs)) < 2:
        diffs[0] += 1 / samples
    confidence = rng.choice([0.9, 0.95, 0.99])
    result = stats.paired(diffs, confidence)
    reference = scipy_stats.ttest_1samp(diffs, 0.0, alternative="greater")
    assert result.p_value == pytest.approx(reference.pvalue, abs=1e-6)
    # The interval matches the one-sided test: its lower end is scipy's one-sided bound at `confidence`.
    (low, _) = scipy_stats.ttest_1samp(diffs, 0.0, alternative="greater").confidence_interval(confidence)
    _, high = scipy_stats.ttest_1samp(diffs, 0.0, alternative="less").confidence_interval(confidence)
    assert result.ci_low == pytest.approx(low * 100, abs=1e-6)
    assert result.ci_high == pytest.approx(high * 100, abs=1e-6)
    assert (result.bound is not None and result.bound > 0) == (result.p_value < 1 - confidence)
    se = scipy_stats.sem(diffs)
    expected_mde = (scipy_stats.t.ppf(confidence, n - 1) + scipy_stats.t.ppf(0.8, n - 1)) * se * 100
    assert result.mde == pytest.approx(expected_mde, abs=1e-6)


@pytest.mark.parametrize(("improved", "worsened"), [(0, 0), (3, 1), (7, 2), (1, 9), (12, 12), (25, 3)])
def test_exact_mcnemar_matches_the_binomial_test(improved: int, worsened: int) -> None:
    result = stats.mcnemar(improved, worsened, 30, 0.95)
    if improved + worsened:
        reference = scipy_stats.binomtest(improved, improved + worsened, 0.5, alternative="greater").pvalue
        assert result.p_value == pytest.approx(reference, abs=1e-12)
    assert result.delta == pytest.approx((improved - worsened) / 30 * 100)
    discordant = improved + worsened
    if discordant:
        # Clopper-Pearson's one-sided bound on the share that improved, in points: scipy's exact interval
        low = scipy_stats.binomtest(improved, discordant, 0.5, alternative="greater").proportion_ci(0.95).low
        assert result.ci_low == pytest.approx(discordant / 30 * (2 * low - 1) * 100, abs=1e-9)
        assert (result.ci_low > 0) == (result.p_value < 0.05)


@pytest.mark.parametrize(
    ("improved", "worsened"),
    [(540, 484), (600, 608), (2600, 2400), (100_400, 99_600), (99_000, 101_000)],  # 1,024, 1,208, 5,000, 200,000
)
def test_exact_mcnemar_has_no_overflow_at_any_size(improved: int, worsened: int) -> None:
    discordant = improved + worsened
    items = discordant + 1_000
    result = stats.mcnemar(improved, worsened, items, 0.95)
    test = scipy_stats.binomtest(improved, discordant, 0.5, alternative="greater")
    assert result.p_value == pytest.approx(test.pvalue, rel=1e-8, abs=1e-12)
    low = test.proportion_ci(0.95).low
    assert result.ci_low == pytest.approx(discordant / items * (2 * low - 1) * 100, abs=1e-6)
    assert (result.ci_low > 0) == (result.p_value < 0.05)


def test_exact_mcnemar_with_nothing_changed_is_no_evidence() -> None:
    assert stats.mcnemar(0, 0, 30, 0.95).p_value == 1.0
    assert stats.mcnemar(0, 0, 5_000, 0.95).p_value == 1.0


@pytest.mark.parametrize("seed", range(30))
def test_the_bound_and_the_test_never_disagree_for_mcnemar(seed: int) -> None:
    rng = random.Random(seed)
    improved, worsened = rng.randint(0, 25), rng.randint(0, 25)
    confidence = rng.choice([0.9, 0.95, 0.99])
    result = stats.mcnemar(improved, worsened, 60, confidence)
    assert result.bound is not None
    assert (result.bound > 0) == (result.p_value is not None and result.p_value < 1 - confidence)


@pytest.mark.parametrize("seed", range(15))
def test_paired_t_on_continuous_values_matches_scipy(seed: int) -> None:
    rng = random.Random(seed)
    then = [rng.random() for _ in range(40)]
    now = [min(1.0, max(0.0, v + rng.gauss(0.03, 0.1))) for v in then]
    result = stats.paired([a - b for a, b in zip(now, then, strict=True)], 0.95)
    reference = scipy_stats.ttest_rel(now, then, alternative="greater")
    assert result.p_value == pytest.approx(reference.pvalue, abs=1e-9)
    assert result.ci_low == pytest.approx(reference.confidence_interval(0.95).low * 100, abs=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_stderr_z_test_matches_scipy(seed: int) -> None:
    rng = random.Random(seed)
    a, b = rng.uniform(40, 90), rng.uniform(40, 90)
    se_a, se_b = rng.uniform(0.2, 5), rng.uniform(0.2, 5)
    result = stats.stderr_test(a, b, se_a, se_b, 0.95)
    se = (se_a**2 + se_b**2) ** 0.5
    assert result.p_value == pytest.approx(scipy_stats.norm.sf((a - b) / se), abs=1e-9)
    assert result.ci_low == pytest.approx(a - b - scipy_stats.norm.ppf(0.95) * se, abs=1e-9)  # one-sided
    assert result.mde == pytest.approx((scipy_stats.norm.ppf(0.95) + scipy_stats.norm.ppf(0.8)) * se, abs=1e-9)


def test_holm_matches_the_textbook_procedure() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone: 0.02, 0.03, 0.06, 0.06
    assert stats.holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.holm([]) == []


def test_betainc_edges() -> None:
    assert stats.betainc(2, 3, 0.0) == 0.0
    assert stats.betainc(2, 3, 1.0) == 1.0
    assert stats.betainc(2.5, 0.5, 0.3) == pytest.approx(scipy_stats.beta.cdf(0.3, 2.5, 0.5), abs=1e-12)
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.t_ppf(1.0, 5)


def _scipy_rerun_p(counts: list[tuple[int, int]], k_now: int, k_then: int) -> tuple[float, float]:
    """P(sum of counts now >= observed | each problem's total) and P(... <= observed), by numpy convolution of
    scipy's hypergeometric laws: an independent computation of the re-run test's p-values (gain, drop)."""
    import numpy as np

    law, offset = np.array([1.0]), 0
    for c, b in counts:
        total = c + b
        low, high = max(0, total - k_then), min(total, k_now)
        pmf = scipy_stats.hypergeom.pmf(np.arange(low, high + 1), k_now + k_then, total, k_now)
        law, offset = np.convolve(law, pmf), offset + low
    observed = sum(c for c, _ in counts)
    return float(law[observed - offset :].sum()), float(law[: observed - offset + 1].sum())


@pytest.mark.parametrize("seed", range(40))
def test_the_rerun_test_matches_scipys_hypergeometric_laws(seed: int) -> None:
    """Issue 29: one test for every k — exact (small) or normal (large), both held against scipy."""
    rng = random.Random(seed)
    n = rng.choice([5, 30, 30, 120])
    k_now, k_then = rng.choice([(1, 1), (4, 4), (16, 16), (64, 64), (8, 16), (64, 1)])
    rates = [rng.choice([0.0, 0.05, 0.3, 0.5, 0.8, 1.0]) for _ in range(n)]
    shift = rng.choice([0.0, 0.0, 0.05, 0.15])
    counts = [
        (
            sum(rng.random() < min(1.0, r + shift) for _ in range(k_now)),
            sum(rng.random() < r for _ in range(k_then)),
        )
        for r in rates
    ]
    confidence = rng.choice([0.9, 0.95, 0.99])
    result = stats.rerun(counts, k_now, k_then, confidence)
    reference, lower = _scipy_rerun_p(counts, k_now, k_then)
    exact = stats._exact_work([(0, [0.0] * (min(c + b, k_now) + 1)) for c, b in counts if 0 < c + b < k_now + k_then])
    if exact <= stats.EXACT_WORK:
        assert result.p_value == pytest.approx(reference, abs=1e-9)
        assert result.p_drop() == pytest.approx(lower, abs=1e-9)
    else:  # the normal approximation with a continuity correction, on many problems
        assert result.p_value == pytest.approx(reference, abs=0.01)
        assert result.p_drop() == pytest.approx(lower, abs=0.01)
    delta = sum(c / k_now - b / k_then for c, b in counts) / n * 100
    assert result.delta == pytest.approx(delta)
    assert (result.p_value < 1 - confidence) == (result.bound is not None and result.bound > 0)


@pytest.mark.parametrize("seed", range(12))
def test_the_rerun_test_at_one_sample_is_exact_mcnemar(seed: int) -> None:
    rng = random.Random(seed)
    counts = [(rng.randint(0, 1), rng.randint(0, 1)) for _ in range(rng.choice([10, 30, 500]))]
    improved = sum(1 for c, b in counts if c > b)
    worsened = sum(1 for c, b in counts if c < b)
    reference = scipy_stats.binomtest(improved, improved + worsened, 0.5, alternative="greater").pvalue
    assert stats.rerun(counts, 1, 1, 0.95).p_value == pytest.approx(reference if improved + worsened else 1.0)


def test_the_rerun_test_on_problems_that_never_moved_is_no_evidence() -> None:
    """Every problem solved always or never in both runs: nothing to test, and no division by zero."""
    result = stats.rerun([(0, 0), (64, 64), (64, 64)], 64, 64, 0.95)
    assert (result.p_value, result.delta, result.mde) == (1.0, 0.0, None)


def test_the_rerun_tests_bound_crosses_zero_where_p_crosses_alpha() -> None:
    """Walking every problem's count now up by one attempt at a time: the bound is above 0 exactly when
    p < alpha, at every step, in exact mode (30 x 64) and in the normal one (500 x 64)."""
    for problems in (6, 100):
        base = [(10, 12), (30, 31), (50, 45), (2, 5), (60, 58)] * problems
        seen = []
        for extra in range(0, 12):
            counts = [(min(64, c + extra), b) for c, b in base]
            result = stats.rerun(counts, 64, 64, 0.95)
            assert result.bound is not None
            assert (result.p_value < 0.05) == (result.bound > 0), (problems, extra)
            seen.append(result.p_value < 0.05)
        assert (seen[0], seen[-1]) == (False, True)  # the walk crosses the line


def test_the_levels_of_successive_comparisons_add_up_to_the_budget() -> None:
    """alpha 6/(pi^2 j^2): the first at 0.61 alpha, and no number of comparisons spends more than alpha."""
    levels = [stats.spent_level(0.05, j) for j in range(1, 100_001)]
    assert levels[0] == pytest.approx(0.05 * 6 / math.pi**2)
    assert all(a > b for a, b in itertools.pairwise(levels))
    assert sum(levels) < 0.05
    assert sum(levels) == pytest.approx(0.05, rel=1e-4)


@pytest.mark.parametrize("seed", range(30))
def test_each_problems_test_is_fishers_exact_test(seed: int) -> None:
    rng = random.Random(seed)
    k_now, k_then = rng.choice([(4, 4), (8, 8), (16, 16), (64, 64), (8, 16)])
    now, then = rng.randint(0, k_now), rng.randint(0, k_then)
    table = [[now, k_now - now], [then, k_then - then]]
    assert fisher(now, then, k_now, k_then) == pytest.approx(scipy_stats.fisher_exact(table).pvalue, abs=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_benjamini_hochberg_rejects_what_scipys_adjusted_p_values_reject(seed: int) -> None:
    rng = random.Random(seed)
    m = rng.choice([5, 30, 500])
    p_values = {f"p{i:03d}": rng.choice([rng.random(), rng.random() ** 6]) for i in range(m)}
    adjusted = scipy_stats.false_discovery_control(list(p_values.values()), method="bh")
    expected = {name for name, adj in zip(p_values, adjusted, strict=True) if adj <= FDR}
    assert benjamini_hochberg(p_values, FDR, m) == expected

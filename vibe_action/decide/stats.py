"""Statistics for small benchmarks, standard library only.

A 30-problem benchmark moves 3.3 points per problem, so a gain must be told apart from sampling noise. With
per-item results on the same items the test is paired (each item against itself); with one sample per item
it is an exact McNemar test; with only aggregate standard errors it is a z test; with neither there are no
error bars. Student's t distribution is computed from the regularized incomplete beta function (continued
fraction, as in Numerical Recipes), and its quantiles by bisection, so no numeric library is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()
POWER = 0.8


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def t_pdf(t: float, df: float) -> float:
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


def t_ppf(q: float, df: float) -> float:
    """The q-quantile of Student's t: Newton's method from the normal quantile, bisection as a fallback."""
    if not 0.0 < q < 1.0:
        raise ValueError("q must be between 0 and 1")
    x = _NORMAL.inv_cdf(q)
    for _ in range(50):
        step = ((1.0 - t_sf(x, df)) - q) / max(t_pdf(x, df), 1e-300)
        x -= step
        if abs(step) < 1e-12 * max(1.0, abs(x)):
            return x
        if not math.isfinite(x) or abs(x) > 1e6:
            break
    lo, hi = -1e6, 1e6  # heavy tails (df = 1, extreme q): bisection always converges
    for _ in range(400):
        mid = (lo + hi) / 2.0
        if 1.0 - t_sf(mid, df) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, abs(mid)):
            break
    return (lo + hi) / 2.0


def normal_sf(z: float) -> float:
    return 1.0 - _NORMAL.cdf(z)


@dataclass(frozen=True)
class Comparison:
    """A gain (current - baseline, in points) with its uncertainty. `p_value` is one-sided: P(no gain)."""

    method: str  # paired | mcnemar | stderr | none
    delta: float
    p_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mde: float | None = None  # the smallest gain this benchmark detects at the confidence, with 80 % power
    n: int = 0

    def p_drop(self) -> float | None:
        """One-sided p-value of a drop (the mirror of `p_value`)."""
        return None if self.p_value is None else 1.0 - self.p_value


def paired(differences: Sequence[float], confidence: float, scale: float = 100.0) -> Comparison:
    """Paired t test on per-item differences (in [-1, 1]); results scaled to points."""
    n = len(differences)
    mean = sum(differences) / n
    if n < 2:
        return Comparison("paired", mean * scale, n=n)
    variance = sum((d - mean) ** 2 for d in differences) / (n - 1)
    se = math.sqrt(variance / n)
    df = n - 1
    alpha = 1.0 - confidence
    t_half = t_ppf(1.0 - alpha / 2.0, df)
    mde = (t_ppf(1.0 - alpha, df) + t_ppf(POWER, df)) * se * scale
    if se == 0.0:
        p = 0.0 if mean > 0 else (1.0 if mean < 0 else 0.5)
        return Comparison("paired", mean * scale, p, mean * scale, mean * scale, 0.0, n)
    p = t_sf(mean / se, df)
    return Comparison("paired", mean * scale, p, (mean - t_half * se) * scale, (mean + t_half * se) * scale, mde, n)


def binomial_sf(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2), exactly."""
    if k <= 0:
        return 1.0
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2.0**n


def mcnemar(improved: int, worsened: int, n_items: int, confidence: float) -> Comparison:
    """Exact McNemar test for one sample per item: of the discordant items, how many improved."""
    discordant = improved + worsened
    delta = (improved - worsened) / n_items * 100.0
    p = binomial_sf(improved, discordant) if discordant else 0.5
    paired_view = paired([1.0] * improved + [-1.0] * worsened + [0.0] * (n_items - discordant), confidence)
    return Comparison("mcnemar", delta, p, paired_view.ci_low, paired_view.ci_high, paired_view.mde, n_items)


def stderr_test(
    current: float, baseline: float, se_current: float, se_baseline: float, confidence: float
) -> Comparison:
    """z = (a - b) / √(se_a² + se_b²) from the aggregates' standard errors (in points)."""
    delta = current - baseline
    se = math.sqrt(se_current**2 + se_baseline**2)
    if se == 0.0:
        return Comparison("stderr", delta)
    z_half = _NORMAL.inv_cdf(1.0 - (1.0 - confidence) / 2.0)
    mde = (_NORMAL.inv_cdf(confidence) + _NORMAL.inv_cdf(POWER)) * se
    return Comparison("stderr", delta, normal_sf(delta / se), delta - z_half * se, delta + z_half * se, mde)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input's order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    m = len(p_values)
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted

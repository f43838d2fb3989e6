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

_NORMAL = NormalDist()  # the standard normal


POWER = 0.8


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 20000):  # converges in O(sqrt(max(a, b))) steps: enough for 10^8 items
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
    """A gain (current - baseline, in points) with its uncertainty. `p_value` is one-sided: P(no gain).

    The interval is two-sided at the level that matches the one-sided test (90 % for a 95 % test), so its
    lower end is the one-sided bound the test uses: "significant" and "the bound is above 0" never disagree."""

    method: str  # paired | mcnemar | stderr | none
    delta: float
    p_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mde: float | None = None  # the smallest gain this benchmark detects at the confidence, with 80 % power
    n: int = 0
    p_lower: float | None = None  # a discrete test's P(a count at most the observed): the p-value of a drop

    @property
    def bound(self) -> float | None:
        """The one-sided lower confidence bound of the gain: the test is significant when it is above 0."""
        return self.ci_low

    def p_drop(self) -> float | None:
        """One-sided p-value of a drop: a discrete test's lower tail, which holds the observed count too (1 - p
        would leave it out, and call drops significant too often), else the mirror of `p_value`."""
        if self.p_lower is not None:
            return self.p_lower
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
    t_one = t_ppf(1.0 - alpha, df)  # one-sided, as the test
    mde = (t_one + t_ppf(POWER, df)) * se * scale
    if se == 0.0:
        p = 0.0 if mean > 0 else (1.0 if mean < 0 else 0.5)
        return Comparison("paired", mean * scale, p, mean * scale, mean * scale, 0.0, n)
    p = t_sf(mean / se, df)
    return Comparison("paired", mean * scale, p, (mean - t_one * se) * scale, (mean + t_one * se) * scale, mde, n)


EXACT_BINOMIAL_UP_TO = 1000  # below this the tail is a sum of exact integers; above, of terms in log space


def binomial_sf(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2): exact integers up to n = 1,000, then log-space terms (2.0**n
    overflows a float past n = 1,023), summed from the tail's far end inward until they vanish."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if n <= EXACT_BINOMIAL_UP_TO:
        return sum(math.comb(n, i) for i in range(k, n + 1)) / (1 << n)
    if k > n / 2:  # the upper tail is the small one: sum it outward from k
        return _tail_sum(n, range(k, n + 1))
    return 1.0 - _tail_sum(n, range(k - 1, -1, -1))  # one minus the lower tail, summed from k - 1 down


def _tail_sum(n: int, indices: range) -> float:
    """The sum of Binomial(n, 1/2) probabilities over `indices`, which move away from the mode (terms shrink)."""
    log_total = math.lgamma(n + 1) - n * math.log(2.0)
    terms: list[float] = []
    for i in indices:
        term = math.exp(log_total - math.lgamma(i + 1) - math.lgamma(n - i + 1))
        terms.append(term)
        if term < 1e-18 * (terms[0] or 1.0) and len(terms) > 1:
            break
    return min(1.0, math.fsum(terms))


def beta_ppf(q: float, a: float, b: float) -> float:
    """The q-quantile of Beta(a, b), by bisection on the incomplete beta function (monotone in x)."""
    low, high = 0.0, 1.0
    for _ in range(80):
        mid = (low + high) / 2.0
        if betainc(a, b, mid) < q:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def mcnemar(improved: int, worsened: int, n_items: int, confidence: float, scale: float = 100.0) -> Comparison:
    """Exact McNemar test for one sample per item: of the discordant items, how many improved.

    The interval is Clopper-Pearson's on the share of discordant items that improved, which is exactly the
    inversion of this exact test; turned into points, its lower end is above 0 just when p < 1 - confidence."""
    discordant = improved + worsened
    delta = (improved - worsened) / n_items * scale
    p = binomial_sf(improved, discordant) if discordant else 1.0  # nothing changed: no evidence of a gain
    alpha = 1.0 - confidence
    mde = paired([1.0] * improved + [-1.0] * worsened + [0.0] * (n_items - discordant), confidence, scale).mde
    if not discordant:
        return Comparison("mcnemar", delta, p, 0.0, 0.0, mde, n_items)
    low = beta_ppf(alpha, improved, worsened + 1) if improved else 0.0
    high = beta_ppf(confidence, improved + 1, worsened) if worsened else 1.0
    share = discordant / n_items * scale
    return Comparison("mcnemar", delta, p, share * (2 * low - 1), share * (2 * high - 1), mde, n_items)


def stderr_test(
    current: float, baseline: float, se_current: float, se_baseline: float, confidence: float
) -> Comparison:
    """z = (a - b) / √(se_a² + se_b²) from the aggregates' standard errors (in points)."""
    delta = current - baseline
    se = math.sqrt(se_current**2 + se_baseline**2)
    if se == 0.0:
        return Comparison("stderr", delta)
    z_one = _NORMAL.inv_cdf(confidence)  # one-sided, as the test
    mde = (z_one + _NORMAL.inv_cdf(POWER)) * se
    return Comparison("stderr", delta, normal_sf(delta / se), delta - z_one * se, delta + z_one * se, mde)


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


# The re-run test: the same problems, solved `c` of `k_now` times now and `b` of `k_then` times before.
#
# Asked of a benchmark: is its score's gain beyond re-run noise — what two runs of the same model would differ
# by? Under that null each problem has one solve rate in both runs, so given the problem's total t = c + b, the
# count now is hypergeometric (t successes among k_now + k_then attempts, k_now of them drawn now), whatever the
# rate. Conditioning removes the unknown rates: the test holds its level at every k, also where a problem was
# solved 0 or k times (its total pins it and it adds nothing). The sum of the counts now is the statistic, and
# the gain in points is a straight line in it. At k = 1 this is exactly McNemar's test (a discordant problem
# improved with probability 1/2). Its null distribution is the convolution of the problems' hypergeometric
# laws, computed exactly while that is cheap, else by the normal approximation with a continuity correction
# (sums of hundreds of bounded terms; tests/unit/test_stats.py holds both against scipy).
EXACT_WORK = 4_000_000  # multiply-adds of the exact convolution before the normal approximation takes over


def hypergeometric(total: int, k_now: int, k_then: int) -> tuple[int, list[float]]:
    """(the smallest count now, the probabilities from there on) of the count now given the problem's total."""
    low, high = max(0, total - k_then), min(total, k_now)
    ways = math.comb(k_now + k_then, total)
    return low, [math.comb(k_now, c) * math.comb(k_then, total - c) / ways for c in range(low, high + 1)]


NEGLIGIBLE = 1e-18  # probabilities this small at the ends of a law are dropped: no level the gate uses sees them


def _trimmed(low: int, pmf: list[float]) -> tuple[int, list[float]]:
    """The law without the negligible probabilities at its two ends (its smallest value moved to match)."""
    start = next((i for i, p in enumerate(pmf) if p > NEGLIGIBLE), 0)
    end = len(pmf) - next((i for i, p in enumerate(reversed(pmf)) if p > NEGLIGIBLE), 0)
    return low + start, pmf[start:end] or [1.0]


def _convolved(laws: Sequence[tuple[int, list[float]]]) -> tuple[int, list[float]]:
    """The law of a sum of independent counts, each given as (its smallest value, its probabilities); the
    negligible ends are trimmed as it grows, which keeps it to the width the sum's spread needs."""
    offset, acc = 0, [1.0]
    for given_low, given in laws:
        low, pmf = _trimmed(given_low, given)
        out = [0.0] * (len(acc) + len(pmf) - 1)
        for i, a in enumerate(acc):
            for j, p in enumerate(pmf):
                out[i + j] += a * p
        offset, acc = _trimmed(offset + low, out)
    return offset, acc


def _exact_work(laws: Sequence[tuple[int, list[float]]]) -> int:
    width, work = 1, 0
    for _, pmf in laws:
        work += width * len(pmf)
        width += len(pmf) - 1
    return work


def rerun(
    counts: Sequence[tuple[int, int]], k_now: int, k_then: int, confidence: float, scale: float = 100.0
) -> Comparison:
    """Is the gain beyond re-run noise? `counts` holds, per problem, (solved now, solved before) of `k_now` and
    `k_then` attempts. One-sided: p = P(a sum of counts now at least the observed | each problem's total).

    The bound, the interval and "detects" come from the same null law, shifted: the bound is the gain less the
    critical gain (half a step below the smallest significant one), so it is above 0 exactly when p < 1 -
    confidence; the detectable gain adds 0.84 of the null's spread (80 % power) to the critical gain."""
    n = len(counts)
    attempts = k_now + k_then
    step = scale / n * attempts / (k_now * k_then)  # points per extra success now (its partner one fewer)
    observed = sum(c for c, _ in counts)
    total_all = sum(c + b for c, b in counts)
    delta = (observed * attempts / k_now - total_all) / k_then * scale / n
    laws = [hypergeometric(c + b, k_now, k_then) for c, b in counts if 0 < c + b < attempts]
    fixed = sum(c for c, b in counts if c + b in (0, attempts))
    mean = fixed + sum(t * k_now / attempts for c, b in counts if 0 < (t := c + b) < attempts)
    variance = sum(
        t * (attempts - t) * k_now * k_then / (attempts**2 * (attempts - 1))
        for c, b in counts
        if 0 < (t := c + b) < attempts
    )
    alpha = 1.0 - confidence
    if variance == 0.0:  # every problem solved always or never, in both runs: nothing moved, no evidence
        return Comparison("rerun", delta, 1.0, delta, delta, None, n, 1.0)
    spread = math.sqrt(variance)
    if _exact_work(laws) <= EXACT_WORK:
        low, pmf = _convolved(laws)
        low += fixed
        tails = list(_upper_tails(pmf))
        p = tails[observed - low] if observed - low < len(tails) else 0.0
        p_lower = 1.0 - tails[observed - low + 1] if observed - low + 1 < len(tails) else 1.0
        critical = low + next((i for i, tail in enumerate(tails) if tail < alpha), len(tails))  # as p < alpha
    else:
        p = normal_sf((observed - 0.5 - mean) / spread)
        p_lower = 1.0 - normal_sf((observed + 0.5 - mean) / spread)
        critical = math.floor(mean + _NORMAL.inv_cdf(confidence) * spread + 0.5) + 1  # as p < alpha
    threshold = (critical - mean) * step - step / 2  # the gain half a step below the smallest significant one
    mde = threshold + step / 2 + _NORMAL.inv_cdf(POWER) * spread * step
    return Comparison(
        "rerun", delta, min(1.0, p), delta - threshold, delta + threshold, mde, n, max(0.0, min(1.0, p_lower))
    )


def planned_mde(rates: Sequence[float], k_now: int, k_then: int, confidence: float, scale: float = 100.0) -> float:
    """The gain the re-run test above detects with 80 % power at `confidence`, for problems solved at these
    rates with `k_now` and `k_then` attempts each: its own normal approximation (the critical gain plus 0.84 of
    the null's spread), with each problem's null variance taken in expectation over its total — for a total
    t ~ Binomial(k_now + k_then, p), E[t (A - t)] k_now k_then / (A^2 (A - 1)) = p (1 - p) k_now k_then / A."""
    n = len(rates)
    attempts = k_now + k_then
    variance = sum(p * (1 - p) for p in rates) * k_now * k_then / attempts
    step = scale / n * attempts / (k_now * k_then)
    z = _NORMAL.inv_cdf(confidence) + _NORMAL.inv_cdf(POWER)
    return z * math.sqrt(variance) * step


def _upper_tails(pmf: Sequence[float]) -> list[float]:
    """P(X >= i) for each i, summed from the far end (the small terms first)."""
    tails = [0.0] * len(pmf)
    running = 0.0
    for i in range(len(pmf) - 1, -1, -1):
        running += pmf[i]
        tails[i] = running
    return tails


def spent_level(alpha: float, comparison: int) -> float:
    """The level the `comparison`-th test against one live version is judged at: alpha * 6 / (pi^2 j^2).

    Every results change is compared with the same live version until the next deploy. Testing each at alpha
    would deploy an unchanged model sooner or later ("test until it passes"); these levels add up to alpha over
    any number of comparisons (the sum of 1/j^2 is pi^2/6), so the chance of ever deploying noise against one
    live version stays within alpha. The first comparison is judged at 0.61 alpha, the second at 0.15 alpha."""
    return alpha * 6.0 / (math.pi**2 * max(1, comparison) ** 2)

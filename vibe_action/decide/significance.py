"""The evidence behind each metric's verdict: a comparison with its uncertainty, and comparability problems.

Pure: the policy calls it with the parsed results and the deployed run's ledger details. Defaults follow
deploy.yaml's `significance:` (confidence 0.95, method auto, guards on the point estimate) and
`comparability:` (block).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vibe_action.decide.noise import Deployed, compare, describe, differences
from vibe_action.decide.stats import Comparison, holm
from vibe_action.inputs.config import Config
from vibe_action.inputs.results import Benchmark

# The question each test answers, as the report and the JSON name it.
QUESTIONS = {
    "rerun": "is the gain beyond re-run noise?",
    "paired": "would the gain hold on other problems like these?",
    "stderr": "is the gain beyond the runs' standard errors?",
    "rerun-stderr": "is the gain beyond re-run noise? (the runs' standard errors across repeats)",
}


# How the report words each test's verdict, so it names the question answered (significant, not significant).
NOISE_WORDS = {
    "rerun": ("beyond re-run noise", "within re-run noise"),
    "paired": ("significant across problems", "within the spread across problems"),
    "rerun-stderr": ("beyond re-run noise", "within re-run noise"),
}


@dataclass(frozen=True)
class Evidence:
    comparison: Comparison | None
    problems: tuple[str, ...] = ()
    fatal: bool = False  # a partial run, or scores in other units: blocks whatever `comparability:` says

    def stats_json(self, confidence: float) -> dict[str, object] | None:
        c = self.comparison
        if c is None:
            return None
        return {
            "method": c.method,
            "question": QUESTIONS.get(c.method, "aggregate standard errors"),
            "confidence": confidence,
            "p_value": c.p_value,
            "ci": [c.ci_low, c.ci_high],  # two-sided at 1 - 2 (1 - confidence): ci[0] is the one-sided bound
            "bound": c.bound,
            "mde": c.mde,
            "n": c.n,
        }


def measure(
    config: Config,
    bench: Benchmark | None,
    base_score: float | None,
    base: Deployed | None,
    direction: str,
    confidence: float | None = None,
) -> Evidence | None:
    """The evidence for one metric, at `confidence` (the primary's spent level) or the configured one."""
    if bench is None or base_score is None or base is None:
        return None
    problems, fatal = differences(bench, base)
    comparable = not problems
    sign = 1.0 if direction == "higher" else -1.0
    settings = config.significance
    level = settings.confidence if confidence is None else confidence
    comparison = compare(bench, base_score, base, settings.method, level, comparable, sign, settings.question)
    return Evidence(comparison, tuple(problems), fatal)


def adjusted_drop_p(evidence: Mapping[str, Evidence | None], guarded: list[str]) -> dict[str, float]:
    """Holm-adjusted one-sided p-values of a drop, across the guarded metrics that have error bars."""
    names = [n for n in guarded if (e := evidence.get(n)) and e.comparison and e.comparison.p_value is not None]
    drops = [evidence[n].comparison.p_drop() for n in names]  # type: ignore[union-attr]
    return dict(zip(names, holm([p for p in drops if p is not None]), strict=True))


def noise_detail(evidence: Evidence | None, confidence: float) -> tuple[bool, str]:
    """(significant, words) for the noise check — e.g. `(gain ≥ -2.1 at 95 %, p = 0.23) — within noise; this
    benchmark detects ≥ 4.2 points`. A change that is no improvement at all is said to be one, not "noise"."""
    comparison = evidence.comparison if evidence else None
    text = describe(comparison, confidence)
    if comparison is None or comparison.p_value is None:
        return False, text
    beyond, within = NOISE_WORDS.get(comparison.method, ("significant", "within noise"))
    if comparison.p_value < 1.0 - confidence:
        return True, f"{text} — {beyond}"
    if comparison.delta <= 0:
        return False, f"{text} — no improvement to test"
    detects = f"; this benchmark detects ≥ {comparison.mde:.1f} points" if comparison.mde else ""
    return False, f"{text} — {within}{detects}"

"""The rules that account for noise: the comparability check, the noise check beside a gain, and guards that
block only on a significant drop (`guards: significant`). Pure; the policy calls `with_evidence` per metric.

By default (`method: auto`) a test on per-item results of both runs (paired, McNemar) decides; a test on the
aggregates' standard errors alone only informs: with 30 problems it detects only gains of about 29 points,
so deciding on it would make the user's own rule (a floor, a 2 % gain) unreachable. `method: stderr` makes it
decide, as an explicit choice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vibe_action.decide.decision import RuleCheck
from vibe_action.decide.significance import Evidence, noise_detail
from vibe_action.inputs.config import Config

ADVISORY_NOISE = (
    "shown, not deciding (only aggregate standard errors): per-problem samples (lm-eval --log_samples) give the "
    "per-problem test that decides; significance.method: stderr lets this one decide"
)


# A guarded drop the data cannot judge against noise (aggregates without standard errors): said plainly.
UNTESTED_DROP = "no error bars, so not tested against noise: the drop measured blocks"


@dataclass(frozen=True)
class Spent:
    """Which comparison with the live version this is, and the confidence its gain test is judged at."""

    comparison: int = 1
    confidence: float = 0.95


def with_evidence(
    checks: list[RuleCheck], config: Config, evidence: Evidence | None, drop_p: float | None, spent: Spent
) -> list[RuleCheck]:
    """Add comparability, and make gain (and, if asked, guard) checks account for noise."""
    out: list[RuleCheck] = []
    if evidence and evidence.problems:
        fatal = evidence.fatal or config.comparability == "block"
        detail = "; ".join(evidence.problems) + ("" if fatal else " (comparability: warn)")
        out.append(RuleCheck("comparable", config.comparability, not fatal, detail))
    for check in checks:
        if check.rule == "gain":
            out += noisy_gain(check, config, evidence, spent)
        elif check.rule == "guard":
            out.append(noisy_guard(check, config, evidence, drop_p))
        else:
            out.append(check)
    return out


def noisy_gain(check: RuleCheck, config: Config, evidence: Evidence | None, spent: Spent) -> list[RuleCheck]:
    """The gain check as measured in points, and beside it, when the significance method is on, the noise
    check: is the gain larger than sampling noise (one-sided)? Each is shown with its own mark. The noise
    check is judged at the level this comparison with the live version spends (`spent`), and says which."""
    settings = config.significance
    if settings.method == "off" or check.threshold == "off":
        return [check]
    alpha = round(1.0 - spent.confidence, 6)
    stats = evidence.stats_json(spent.confidence) if evidence else None
    if stats is not None:
        stats = {**stats, "comparison": spent.comparison, "alpha": alpha}
    if stats is None:
        if settings.method == "auto":
            return [check, RuleCheck("noise", None, True, "no error bars: not tested")]
        need = "per-item results" if settings.method == "paired" else "standard errors"
        return [
            check,
            RuleCheck("noise", alpha, False, f"significance method {settings.method} needs {need} in both runs"),
        ]
    significant, words = noise_detail(evidence, spent.confidence)
    if spent.comparison > 1:
        words = f"{words}; {budget_note(spent, settings.confidence)}"
    if settings.method == "auto" and stats.get("method") in ("stderr", "rerun-stderr"):  # aggregate bars: informs
        words = words if significant else f"{words} — {ADVISORY_NOISE}"
        return [check, RuleCheck("noise", alpha, significant, words, stats=stats, advisory=True)]
    return [check, RuleCheck("noise", alpha, significant, words, stats=stats)]


def noisy_guard(check: RuleCheck, config: Config, evidence: Evidence | None, drop_p: float | None) -> RuleCheck:
    """With `guards: significant`, a drop past max_drop blocks only when it is significant (Holm-adjusted)."""
    settings = config.significance
    stats = evidence.stats_json(settings.confidence) if evidence else None
    if check.passed or settings.guards != "significant":
        return replace(check, stats=stats)
    if drop_p is None:
        return replace(check, detail=f"{check.detail}; {UNTESTED_DROP}", stats=stats)
    if drop_p < 1.0 - settings.confidence:
        return replace(check, detail=f"{check.detail}; significant (Holm-adjusted p = {drop_p:.2g})", stats=stats)
    sees = evidence.comparison.mde if evidence and evidence.comparison else None
    blind = f"; this benchmark detects drops ≥ {sees:.1f} points" if sees else ""  # what the data can see
    return replace(
        check,
        passed=True,
        detail=f"{check.detail}, but not significantly (Holm-adjusted p = {drop_p:.2g}){blind}",
        stats=stats,
    )


def budget_note(spent: Spent, confidence: float) -> str:
    """`comparison 3 with the live version: judged at p < 0.0034 (of its 5 % budget)` — said from the second
    comparison on; the first one's level shows in its bound (`at 97 %` of a 95 % test)."""
    alpha = 1.0 - confidence
    return (
        f"comparison {spent.comparison} with the live version: judged at p < {1.0 - spent.confidence:.2g} "
        f"(of its {alpha * 100:g} % budget)"
    )

"""The deploy policy: pure functions from (config, results, baseline, context) to a `Decision`.

No I/O, no environment, no clock: everything the decision depends on is an argument, so every rule can be
tested with a table and the same inputs always give the same decision.

Order of precedence, strongest first:
1. the same commit is already deployed → skip;
2. a required metric is missing, under its floor, or dropped past its guard → block (fail closed);
3. the primary metric did not gain enough over the deployed baseline → skip;
4. the branch has no deploying rule → report only (verdict skip, `would` says what it would have been);
5. the monthly quota is used up → block, with the count;
6. otherwise → deploy (a pull request only previews it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from vibe_action.decide.decision import BaselineRef, Decision, MetricRow, QuotaState, RuleCheck, Verdict
from vibe_action.decide.evidence_checks import Spent, with_evidence
from vibe_action.decide.movers import ProblemDiff, problems_against
from vibe_action.decide.noise import Deployed
from vibe_action.decide.plan import sampling_plan
from vibe_action.decide.significance import Evidence, adjusted_drop_p, measure
from vibe_action.decide.stats import spent_level
from vibe_action.decide.units import aligned
from vibe_action.inputs.config import Amount, BranchRule, Config, MetricRule
from vibe_action.inputs.results import Benchmark, Results

# Scores are decimals written in JSON; 76.4 - 74.4 is 2.0000000000000057 in binary floating point. Anything
# within this tolerance of a threshold counts as exactly at it.
# The only events that may ever deploy; every other event (pull_request, or a name nobody knows) only previews.
DEPLOY_EVENTS = frozenset({"push", "workflow_dispatch", "schedule", "repository_dispatch"})
PREVIEW_EVENTS = frozenset({"pull_request"})
KNOWN_EVENTS = DEPLOY_EVENTS | PREVIEW_EVENTS

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Baseline:
    """The last deployed snapshot: its commit, scores, and per-benchmark details (items, stderr, settings)."""

    sha: str
    scores: Mapping[str, float]
    details: Mapping[str, Deployed] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Facts about this run that the caller gathers (git, ledger, event); the policy only reads them."""

    sha: str
    branch: str
    event: str = "push"
    deploys_this_month: int = 0
    version_builds_this_month: int = 0  # lasting version branch builds (priced by versions.credits_per_build)
    deployed_shas: frozenset[str] = field(default_factory=frozenset)
    dry_run: bool = False
    environment: str | None = None
    production_lock: str = ""  # what pins production (a rollback's lock), described; "" when nothing does
    # Which comparison with the live version this is: 1 for the first results change since it went live (a
    # deploy or a rollback starts the count again). The gain test is judged at the level that number spends.
    comparison: int = 1


LOCKED_ADVICE = (
    "Netlify would build this deploy but not publish it (a locked deploy stays published) — release the lock with "
    "`vibe-gate unlock` (action: `command: unlock`), or unlock it in Netlify's Deploys page, and run again"
)


def decide(config: Config, results: Results, baseline: Baseline | None, context: Context) -> Decision:
    notes: list[str] = []
    if baseline is not None:  # records written before a metric's scale was known: on this run's scale
        scores, details, notes = aligned(results.benchmarks, baseline.scores, baseline.details)
        baseline = replace(baseline, scores=scores, details=details)
    branch_rule = config.branch_rule(context.branch)
    rows = tuple(_metric_rows(config, results, baseline, branch_rule, context.comparison))
    quota = _quota_state(config, context)
    reasons: list[str] = []
    verdict = _verdict(rows, baseline, branch_rule, quota, context, reasons)

    report_only = branch_rule is None or not branch_rule.deploy
    would: Verdict | None = None
    if report_only and not _already_deployed(context):
        would = verdict
        where = "matches no rule under branches:" if branch_rule is None else f"matches '{branch_rule.pattern}'"
        reasons.insert(0, f"branch '{context.branch}' {where}, which only reports")
        verdict = "skip"
    preview = context.event not in DEPLOY_EVENTS  # fail closed: an unknown event never deploys
    if preview and context.event in PREVIEW_EVENTS:
        reasons.append("pull request: shows what a push would do; nothing is deployed from a pull request")
    elif preview:
        reasons.append(f"event '{context.event}' only previews: only {', '.join(sorted(DEPLOY_EVENTS))} may deploy")
    environment = environment_for(config, context.branch, context.environment)
    decision = Decision(
        verdict=verdict,
        reasons=tuple(reasons),
        sha=context.sha,
        branch=context.branch,
        baseline=None if baseline is None else BaselineRef(baseline.sha, dict(baseline.scores)),
        metrics=rows,
        primary=config.primary,
        quota=quota,
        config_file=config.file,
        event=context.event,
        report_only=report_only,
        would=would,
        preview=preview,
        dry_run=context.dry_run,
        environment=environment,
        problems=_problems(results, baseline),
        plan=tuple(sampling_plan(_new_to_comparison(results, baseline), config.significance.confidence)),
    )
    return decision.with_warnings(*notes) if notes else decision


def _problems(results: Results, baseline: Baseline | None) -> tuple[ProblemDiff, ...]:
    """Per problem, for each benchmark with per-item data here and in the deployed run's record."""
    if baseline is None:
        return ()
    found = []
    for name in sorted(results.benchmarks):
        deployed = baseline.details.get(name)
        diff = problems_against(name, results.benchmarks[name].items, deployed.digest if deployed else None)
        if diff is not None:
            found.append(diff)
    return tuple(found)


def _new_to_comparison(results: Results, baseline: Baseline | None) -> dict[str, Benchmark]:
    """The benchmarks no deployed run has compared yet: the first run on them says what they can detect."""
    known = baseline.details if baseline is not None else {}
    return {name: bench for name, bench in results.benchmarks.items() if name not in known}


def environment_for(config: Config | None, branch: str | None = None, override: str | None = None) -> str:
    """The ledger environment, by one rule for every command: an explicit override, the rule of the branch
    being evaluated (a decision; commands about the ledger evaluate none), the config's, else production."""
    rule = config.branch_rule(branch) if config is not None and branch is not None else None
    configured = config.environment if config is not None else None
    return override or (rule.environment if rule else None) or configured or "production"


def _already_deployed(context: Context) -> bool:
    return context.sha in context.deployed_shas


def _verdict(
    rows: tuple[MetricRow, ...],
    baseline: Baseline | None,
    branch_rule: BranchRule | None,
    quota: QuotaState,
    context: Context,
    reasons: list[str],
) -> Verdict:
    if _already_deployed(context):
        reasons.append(f"commit {context.sha[:7]} is already deployed")
        return "skip"
    failures = [
        f"{row.name}: {check.detail}"
        for row in rows
        for check in row.rules
        if not check.passed and check.rule not in ("gain", "noise")
    ]
    if failures:
        reasons.extend(failures)
        return "block"
    primary = next(row for row in rows if row.primary)
    gain_checks = [check for check in primary.rules if check.rule in ("gain", "noise")]
    if any(not check.passed and check.decides for check in gain_checks):  # below min_gain, and/or within noise
        reasons.append(f"{primary.name}: {'; '.join(check.detail for check in gain_checks)}")
        return "skip"
    if baseline is None:
        reasons.append("first deploy: no deployed baseline; floors and guards pass")
    elif gain_checks:
        reasons.append(f"{primary.name}: {'; '.join(check.detail for check in gain_checks)}")
    deploys_here = branch_rule is not None and branch_rule.deploy
    if deploys_here and quota.limit is not None:
        assert branch_rule is not None  # noqa: S101 — narrowed by deploys_here
        allowed = quota.limit if branch_rule.use_reserve else quota.limit - quota.reserve
        if quota.spent >= allowed:
            kept = (
                ""
                if branch_rule.use_reserve or not quota.reserve
                else f"; the last {quota.reserve} are kept for branches with use_reserve"
            )
            reasons.insert(0, f"quota used up: {quota.line()}{kept}")
            return "block"
    if deploys_here and context.production_lock:  # Netlify would build it and not publish it
        reasons.insert(0, f"production is locked on {context.production_lock}: {LOCKED_ADVICE}")
        return "block"
    return "deploy"


def _quota_state(config: Config, context: Context) -> QuotaState:
    per = config.quota.credits_per_deploy if config.quota.monthly_credits is not None else None
    return QuotaState(
        used=context.deploys_this_month,
        limit=config.quota.limit,
        reserve=config.quota.reserve,
        credits_per_deploy=per,
        version_builds=context.version_builds_this_month if config.versions.enabled else 0,
        credits_per_build=config.versions.credits_per_build,
    )


def _metric_rows(
    config: Config, results: Results, baseline: Baseline | None, branch_rule: BranchRule | None, comparison: int = 1
) -> list[MetricRow]:
    names = list(config.metrics) + [name for name in results.benchmarks if name not in config.metrics]
    evidence: dict[str, Evidence | None] = {}
    spent = Spent(comparison, 1.0 - spent_level(1.0 - config.significance.confidence, comparison))
    for name in names:
        base_score = None if baseline is None else baseline.scores.get(name)
        details = None if baseline is None else baseline.details.get(name, Deployed())
        level = spent.confidence if name == config.primary else None  # the gain test is the primary's
        evidence[name] = measure(
            config, results.benchmarks.get(name), base_score, details, config.rule_for(name).direction, level
        )
    guarded = [n for n in names if config.rule_for(n).max_drop is not None]
    drop_p = adjusted_drop_p(evidence, guarded) if config.significance.guards == "significant" else {}
    rows = []
    for name in names:
        rule = config.rule_for(name)
        bench = results.benchmarks.get(name)
        current = None if bench is None else bench.score
        base = None if baseline is None else baseline.scores.get(name)
        primary = name == config.primary
        checks = _checks(rule, current, base, primary, branch_rule, results)
        if current is not None and base is not None:
            checks = with_evidence(checks, config, evidence[name], drop_p.get(name), spent)
        rows.append(
            MetricRow(
                name=name,
                current=current,
                baseline=base,
                direction=rule.direction,
                primary=primary,
                rules=tuple(checks),
                file=bench.file if bench else config.file,
                line=bench.line if bench else rule.line,
                config_line=rule.line,
            )
        )
    return rows


def _checks(
    rule: MetricRule,
    current: float | None,
    base: float | None,
    primary: bool,
    branch_rule: BranchRule | None,
    results: Results,
) -> list[RuleCheck]:
    if current is None:
        have = ", ".join(sorted(results.benchmarks)) or "nothing"
        if rule.optional:
            return [RuleCheck("present", None, True, "missing, optional: not checked")]
        return [
            RuleCheck(
                "present",
                None,
                False,
                f"missing from the results (they have: {have}); add it or mark it optional",
            )
        ]
    checks = []
    if rule.minimum is not None:
        ok = current >= rule.minimum - TOLERANCE
        hint = _scale_hint(current, rule.minimum) if not ok else ""
        checks.append(
            RuleCheck(
                "floor",
                rule.minimum,
                ok,
                f"{_num(current)} {'≥' if ok else '<'} floor {_num(rule.minimum)}{hint}",
                rule.minimum,
            )
        )
    if rule.maximum is not None:
        ok = current <= rule.maximum + TOLERANCE
        checks.append(
            RuleCheck(
                "ceiling",
                rule.maximum,
                ok,
                f"{_num(current)} {'≤' if ok else '>'} ceiling {_num(rule.maximum)}",
                rule.maximum,
            )
        )
    if primary:
        checks.append(_gain_check(rule, current, base, branch_rule))
    if rule.max_drop is not None:
        checks.append(_guard_check(rule, rule.max_drop, current, base))
    return checks


def _scale_hint(current: float, floor: float) -> str:
    """A native score of 0.612 against a floor of 50: the file is on a 0-1 scale, the gate on 0-100."""
    if 0.0 <= current <= 1.0 < floor:
        return f" (scores are on a 0-100 scale: {_num(current)} looks like a fraction — write {_num(current * 100)})"
    return ""


def _improvement(direction: str, current: float, base: float) -> float:
    """Change in the good direction: positive is better for both higher- and lower-is-better metrics."""
    return current - base if direction == "higher" else base - current


def _bound(direction: str, base: float, points: float) -> float:
    """The score that an improvement of `points` (negative: a drop) reaches from `base`."""
    return base + points if direction == "higher" else base - points


def _gain_check(rule: MetricRule, current: float, base: float | None, branch_rule: BranchRule | None) -> RuleCheck:
    if branch_rule is not None and not branch_rule.gain_rule:
        moved = "" if base is None else f" ({current - base:+.4g} vs deployed {base:.4g})"
        return RuleCheck(
            "gain",
            "off",
            True,
            f"gain rule off on '{branch_rule.pattern}': no gain test, so this ships on floors and guards alone{moved}",
        )
    amount = branch_rule.min_gain if branch_rule and branch_rule.min_gain else rule.min_gain
    threshold = None if amount is None else amount.as_json()
    if base is None:
        return RuleCheck("gain", threshold, True, "no deployed baseline to gain over")
    change = _improvement(rule.direction, current, base)
    shown = _signed(current - base) + _pct(current - base, base)
    if amount is None:
        ok = change > TOLERANCE
        return RuleCheck(
            "gain", None, ok, f"{shown} over deployed {_num(base)} ({'an' if ok else 'no'} improvement)", base
        )
    need = amount.points(base)
    ok = change >= need - TOLERANCE
    return RuleCheck(
        "gain",
        threshold,
        ok,
        f"{shown} over deployed {_num(base)} {'meets' if ok else 'is below'} min_gain {_describe(amount, need)}",
        _bound(rule.direction, base, need),
    )


def _guard_check(rule: MetricRule, max_drop: Amount, current: float, base: float | None) -> RuleCheck:
    if base is None:
        return RuleCheck("guard", max_drop.as_json(), True, "no deployed baseline to compare")
    drop = -_improvement(rule.direction, current, base)
    allowed = max_drop.points(base)
    ok = drop <= allowed + TOLERANCE
    shown = _signed(current - base) + _pct(current - base, base)
    verb = "within" if ok else "exceeds"
    return RuleCheck(
        "guard",
        max_drop.as_json(),
        ok,
        f"{shown} vs deployed {_num(base)} {verb} max_drop {_describe(max_drop, allowed)}",
        _bound(rule.direction, base, -allowed),
    )


def _describe(amount: Amount, points: float) -> str:
    """A threshold in points, to four decimals: 2 % of 74.4 is 1.488, and 1.49 would hide why +1.487 fails."""
    number = f"{round(points, 4):g}"
    shown = f"{number} {'point' if number == '1' else 'points'}"
    return f"{amount} ({shown})" if amount.relative else shown


def _num(value: float) -> str:
    """Two decimals, as the table shows them: a reason never says 74.4271 where the table says 74.43."""
    return f"{round(value, 2):g}"


def _signed(value: float) -> str:
    """A change, to two decimals: benchmark scores are not more precise than that."""
    return f"{'+' if value >= 0 else '-'}{round(abs(value), 2):g}"


def _pct(delta: float, base: float) -> str:
    if base == 0:
        return ""
    pct = delta / abs(base) * 100
    return f" ({'+' if pct >= 0 else '-'}{abs(pct):.2f}%)"

"""The decision as data: one immutable object that the report renders, the ledger stores and outputs expose.

The JSON shape is a public interface (`vibe-gate run --json`, the action's outputs): fields may be added,
never renamed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vibe_action.decide.movers import ProblemDiff
from vibe_action.decide.plan import Plan
from vibe_action.errors import EXIT_BLOCKED, EXIT_EXTERNAL_FAILURE, EXIT_UNRECORDED

Verdict = Literal["deploy", "skip", "block"]
HookState = Literal["accepted", "rejected", "unreachable", "unknown"]


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to one metric: `threshold` as configured, `required` as a bound on the score."""

    rule: str
    threshold: float | str | None
    passed: bool
    detail: str
    required: float | None = None
    stats: Mapping[str, Any] | None = None  # method, p_value, ci, mde — when the rule accounted for noise
    advisory: bool = False  # shown, but not deciding: the noise test on aggregate standard errors by default

    @property
    def decides(self) -> bool:
        """Whether a failure of this check changes the verdict."""
        return not self.advisory

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "threshold": self.threshold,
            "passed": self.passed,
            "required": _round(self.required),
            "detail": self.detail,
        }
        if self.advisory:
            data["advisory"] = True
        if self.stats is not None:
            data["significance"] = dict(self.stats)
        return data


@dataclass(frozen=True)
class MetricRow:
    name: str
    current: float | None
    baseline: float | None
    direction: str = "higher"
    primary: bool = False
    rules: tuple[RuleCheck, ...] = ()
    file: str = ""
    line: int = 0
    config_line: int = 0  # the metric's key in deploy.yaml; 0 when it is not listed there

    @property
    def delta(self) -> float | None:
        if self.current is None or self.baseline is None:
            return None
        return self.current - self.baseline

    @property
    def delta_pct(self) -> float | None:
        delta = self.delta
        if delta is None or self.baseline == 0:
            return None
        assert self.baseline is not None  # noqa: S101 — narrowed by delta above
        return delta / abs(self.baseline) * 100.0

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "current": self.current,
            "baseline": self.baseline,
            "delta": _round(self.delta),
            "delta_pct": _round(self.delta_pct),
            "direction": self.direction,
            "primary": self.primary,
            "rules": [check.to_json() for check in self.rules],
            "passed": self.passed,
        }


@dataclass(frozen=True)
class BaselineRef:
    sha: str
    scores: dict[str, float]


@dataclass(frozen=True)
class PreviewDeploy:
    """A candidate's build uploaded as a preview (never production, never a ledger deploy): its URL, or why
    there is none (no upload folder, no token in a fork's pull request, the host cannot)."""

    url: str | None
    message: str
    deploy_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "deploy_id": self.deploy_id, "message": self.message}


@dataclass(frozen=True)
class QuotaState:
    """Deploys used this calendar month against the limit; `credits_*` when the quota is in credits."""

    used: int
    limit: int | None
    reserve: int = 0
    credits_per_deploy: int | None = None
    version_builds: int = 0  # lasting version branch builds this month, counted apart
    credits_per_build: int = 0

    @property
    def spent(self) -> int:
        """Deploys used, with the version builds' credits turned into deploys when the quota is in credits."""
        if not self.credits_per_deploy or not self.version_builds or not self.credits_per_build:
            return self.used
        extra = self.version_builds * self.credits_per_build
        return self.used + -(-extra // self.credits_per_deploy)  # rounded up: never overspend

    def line(self) -> str:
        builds = ""
        if self.version_builds:
            cost = self.version_builds * self.credits_per_build
            builds = f"; {self.version_builds} version branch build{'s' if self.version_builds != 1 else ''}"
            builds += f" ({cost} credits)" if self.credits_per_build else " (0 credits)"
        if self.limit is None:
            return f"{self.used} {'deploy' if self.used == 1 else 'deploys'} this month (no quota set){builds}"
        text = f"{self.used}/{self.limit} deploys used this month"
        if self.credits_per_deploy:
            per = self.credits_per_deploy
            spent = self.used * per + self.version_builds * self.credits_per_build
            text += f" ({spent}/{self.limit * per} credits)"
        if self.reserve:
            text += f", {self.reserve} kept for hotfixes"
        return text + builds

    def to_json(self) -> dict[str, Any]:
        return {
            "used": self.used,
            "limit": self.limit,
            "reserve": self.reserve,
            "credits_per_deploy": self.credits_per_deploy,
            "version_builds": self.version_builds,
            "credits_per_build": self.credits_per_build,
            "line": self.line(),
        }


@dataclass(frozen=True)
class DeployOutcome:
    """What happened after the verdict: the build the hook (or API) started, what Netlify showed, the ledger's
    record and the lasting URL. `hook_state` is None when nothing was sent; then only warnings may be set."""

    message: str = ""
    hook_state: HookState | None = None
    hook_status: int | None = None  # the hook's HTTP status, when one came
    record_id: str | None = None
    deploy_id: str | None = None
    deploy_url: str | None = None
    netlify_state: str | None = None  # the confirmation's state (ready, error, timeout, not_found, unavailable)
    warnings: tuple[str, ...] = ()
    ledger_error: str | None = None  # the build was (maybe) started and the ledger could not record it
    unrecorded: Mapping[str, Any] | None = None  # the record to restore by hand, then
    version_message: str | None = None
    version_url: str | None = None

    @property
    def sent(self) -> bool:
        return self.hook_state is not None

    def warned(self, *more: str) -> DeployOutcome:
        return replace(self, warnings=(*self.warnings, *more))

    def to_json(self) -> dict[str, Any]:
        """Every field once something was sent (scripts read `deploy_id: null`); else only what is set."""
        data: dict[str, Any] = {
            "message": self.message,
            "hook_state": self.hook_state,
            "hook_status": self.hook_status,
            "record_id": self.record_id,
            "deploy_id": self.deploy_id,
            "deploy_url": self.deploy_url,
            "netlify_state": self.netlify_state,
            "warnings": list(self.warnings),
            "ledger_error": self.ledger_error,
            "unrecorded": None if self.unrecorded is None else dict(self.unrecorded),
            "version_message": self.version_message,
            "version_url": self.version_url,
        }
        if self.sent:
            return {k: v for k, v in data.items() if v is not None or k in _ALWAYS_SHOWN}
        return {k: v for k, v in data.items() if v}


_ALWAYS_SHOWN = frozenset({"hook_status", "record_id", "deploy_id", "deploy_url", "netlify_state"})


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[str, ...]
    sha: str
    branch: str
    baseline: BaselineRef | None
    metrics: tuple[MetricRow, ...]
    primary: str
    quota: QuotaState
    config_file: str = "config/deploy.yaml"
    event: str = "push"
    report_only: bool = False
    would: Verdict | None = None
    preview: bool = False
    dry_run: bool = False
    deployed: bool = False
    environment: str = "production"
    outcome: DeployOutcome = field(default_factory=DeployOutcome)
    preview_deploy: PreviewDeploy | None = None  # the candidate's own build, uploaded for people to try
    problems: tuple[ProblemDiff, ...] = ()  # what changed per problem against the deployed run (issue 32)
    plan: tuple[Plan, ...] = ()  # what each benchmark new to the comparison can detect, and with more samples

    @property
    def should_fire(self) -> bool:
        """Fire the build hook only for a real deploy verdict, never in a dry run or a PR preview."""
        return self.verdict == "deploy" and not self.dry_run and not self.preview

    def row(self, name: str) -> MetricRow | None:
        return next((row for row in self.metrics if row.name == name), None)

    @property
    def headline(self) -> str:
        """The one reason that matters most: the first one."""
        return self.reasons[0] if self.reasons else self.verdict

    def with_outcome(self, deployed: bool, outcome: DeployOutcome) -> Decision:
        return replace(self, deployed=deployed, outcome=outcome)

    def with_preview_deploy(self, preview: PreviewDeploy) -> Decision:
        return replace(self, preview_deploy=preview)

    def with_warnings(self, *warnings: str) -> Decision:
        return replace(self, outcome=self.outcome.warned(*warnings))

    def to_json(self) -> dict[str, Any]:
        """Standard JSON: a number that is not finite (a gain over a baseline of 5e-324 in percent) is null."""
        data: dict[str, Any] = finite(self._json())
        return data

    def _json(self) -> dict[str, Any]:
        return {
            "decision": self.verdict,
            "reasons": list(self.reasons),
            "sha": self.sha,
            "branch": self.branch,
            "event": self.event,
            "environment": self.environment,
            "primary": self.primary,
            "baseline": None
            if self.baseline is None
            else {"sha": self.baseline.sha, "scores": dict(self.baseline.scores)},
            "metrics": [row.to_json() for row in self.metrics],
            "quota": self.quota.to_json(),
            "report_only": self.report_only,
            "would": self.would,
            "preview": self.preview,
            "deployed": self.deployed,
            "dry_run": self.dry_run,
            **({"outcome": outcome} if (outcome := self.outcome.to_json()) else {}),
            **({"preview_deploy": self.preview_deploy.to_json()} if self.preview_deploy else {}),
            "problems": [diff.to_json() for diff in self.problems],
            "sampling_plan": [plan.to_json() for plan in self.plan],
        }


def finite(value: Any) -> Any:
    """`value` with every float that is not finite replaced by None, through dicts and lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def _round(value: float | None) -> float | None:
    """Hide float noise (77.5 - 74.4 = 3.0999999999999943) in what people and scripts read."""
    return None if value is None else round(value, 6)


def exit_code(decision: Decision, fail_on: str = "block") -> int:
    """4 when a started build could not be recorded, 3 when the build failed (or its outcome is unknown), 1 for
    the verdicts `fail_on` names."""
    if decision.outcome.ledger_error:
        return EXIT_UNRECORDED
    if decision.outcome.sent and not decision.deployed:
        return EXIT_EXTERNAL_FAILURE
    if fail_on == "never":
        return 0
    if decision.verdict == "block" or (fail_on == "skip" and decision.verdict == "skip"):
        return EXIT_BLOCKED
    return 0

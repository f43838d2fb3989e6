"""Carry out a deploy verdict: take the lock, start the build, confirm it on Netlify, record the outcome.

Never twice, even concurrently: the ledger is read again just before firing (another run may have deployed
this commit, or a newer snapshot may have gone live: then the decision is made again against it), and the
`in_progress` record written before the build starts is the lock — when two runs write one for the same commit,
the later one cancels itself without firing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from vibe_action.decide.decision import Decision, DeployOutcome, HookState
from vibe_action.errors import ExternalError, InputError
from vibe_action.inputs.settings import Versions
from vibe_action.interrupts import Interrupted, deferred
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import SPENT_STATUSES, Ledger, Outcome, Record, finished
from vibe_action.netlify.models import (
    ACCESS_NAMES,
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    Deploy,
    check_hook_url,
)

if TYPE_CHECKING:  # the clients are passed in; importing them would load requests for a dry run
    import requests

    from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.confirm import Before, Confirmation, confirm, known_deploys
from vibe_action.netlify.versions import BranchMaker, lasting_build, lasting_outcome
from vibe_action.redact import Secrets

CANCELLED_BY_IGNORE = (
    "Netlify cancelled the gate's build {deploy} ({reason!r}): the netlify.toml 'ignore' command exited 0 for it, "
    "so nothing was deployed — with netlify.trigger: api the command must let API builds through (they get no "
    'INCOMING_HOOK_* variables): use the recipe in docs/netlify.md, "trigger: api"'
)
# What a failed POST to find an unconfirmed deploy may cost at most, however long the configured budget.
UNKNOWN_OUTCOME_BUDGET = 120.0


@dataclass(frozen=True)
class Services:
    """The I/O clients of one run, passed in (tests hand in ones pointed at local servers)."""

    ledger: Ledger
    session: requests.Session | None
    secrets: Secrets
    netlify: NetlifyClient | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    progress: Callable[[str], None] = field(default=lambda _text: None)  # a line while waiting (CLI: stderr)
    branches: BranchMaker | None = None  # where lasting version branches are created (GitHub, or git)


@dataclass(frozen=True)
class Trigger:
    """How to start the build: the hook (URL) or the API (`netlify.trigger: api`)."""

    kind: str
    title: str
    branch: str | None
    body: dict[str, Any]
    hook_url: str | None
    confirm_timeout: float
    poll_interval: float
    read_timeout: float = READ_TIMEOUT


@dataclass(frozen=True)
class Started:
    state: HookState
    message: str
    deploy_id: str | None = None
    status_code: int | None = None


def check_trigger(trigger: Trigger, services: Services) -> Trigger:
    """Fail before anything is recorded when the build cannot be started at all; the hook URL comes back
    stripped of the whitespace a pasted secret brings."""
    names = ACCESS_NAMES.get()
    if trigger.kind == "api" and services.netlify is None:
        raise InputError(
            f"netlify.trigger is 'api' but no Netlify token and site id are set: set {names.token} and "
            f"{names.site}, or use trigger: hook"
        )
    if trigger.kind == "hook" and not trigger.hook_url:
        raise InputError(
            f"the decision is deploy but no build hook URL is set: set {names.hook} from a secret; use a dry run "
            "to decide without deploying"
        )
    if trigger.kind == "hook" and trigger.hook_url:
        url = check_hook_url(trigger.hook_url, "build hook URL")
        services.secrets.add_url(url)
        return replace(trigger, hook_url=url)
    return trigger


def stand_down_reason(fresh: list[Record], mine: Record, seen: frozenset[str], stale: Callable[[Record], bool]) -> str:
    """Why this run must not fire, given the ledger read again after its own `in_progress` record: another
    run's live `in_progress` record ahead of it (that run fires, this one stands down), or a build recorded
    after this run read the ledger (its baseline, quota count or already-deployed check would be stale).
    Ahead means written earlier: file order locally, deployment id on GitHub. One deploy at a time per
    environment, whatever the commits."""
    for record in fresh:
        if record.id == mine.id:
            return ""
        if record.environment != mine.environment:
            continue
        if record.status == "in_progress" and not stale(record):
            return f"another run is deploying commit {record.sha[:7]} (record {record.id})"
        rebuilt = record.extra.rebuilt
        if record.status in SPENT_STATUSES and record.id not in seen and (record.decision != "rollback" or rebuilt):
            return f"commit {record.sha[:7]} was deployed (record {record.id}) after this run read the ledger"
    return ""


def carry_out(
    decision: Decision,
    record: Record,
    trigger: Trigger,
    services: Services,
    redecide: Callable[[list[Record]], Decision],
    seen: frozenset[str] = frozenset(),
    stale: Callable[[Record], bool] = lambda _record: False,
    versions: Versions = Versions(),  # noqa: B008 — frozen, never mutated
) -> Decision:
    """Lock, look again, fire, confirm, record; then, for a version that went live, its lasting branch build.
    `redecide` runs the policy again on fresh ledger records; `seen` are the ids of the records the decision
    was made on; `stale` tells an abandoned in_progress record."""
    ledger = services.ledger
    started = ledger.start(record)  # raises before anything is fired when the ledger cannot be written
    fresh = ledger.records(record.environment, record.sha)
    reason = stand_down_reason(fresh, started, seen, stale)
    if reason:
        _finish(ledger, started, Outcome("cancelled", f"stood down: {reason}"))
        return replace(
            decision,
            verdict="skip",
            reasons=(f"not fired: {reason}; run the gate again to decide against it", *decision.reasons),
        )
    again = redecide([r for r in fresh if r.id != started.id])
    if again.baseline != decision.baseline:  # a newer snapshot went live meanwhile: decide against it
        decision = replace(again, reasons=(*again.reasons, "decided again: a newer snapshot went live meanwhile"))
        if not decision.should_fire:
            _finish(ledger, started, Outcome("cancelled", "a newer snapshot went live before this one fired"))
            return decision
    before = _known_before(trigger, fresh, services)
    fired_at = services.wall_clock()
    try:
        result = start_build(trigger, services)
        confirmation = _confirm(result, trigger, fired_at, services, before)
    except (KeyboardInterrupt, Interrupted) as exc:
        name = exc.args[0] if isinstance(exc, Interrupted) else "SIGINT"
        with deferred():
            _finish_after_interrupt(ledger, started, name)
        raise
    status, outcome, ending = _recorded_outcome(decision, started, result, confirmation, services)
    try:
        with deferred():
            final = ledger.finish(started, ending)
    except (ExternalError, InputError, OSError) as exc:  # the build was (maybe) started: never pretend otherwise
        outcome = replace(
            outcome,
            message=f"{outcome.message}; but the ledger could not record the outcome: {exc}",
            ledger_error=str(exc),
            unrecorded=finished(started, ending).to_json(),
        )
        return decision.with_outcome(status == "success", outcome)
    outcome = replace(outcome, record_id=final.id)
    if status == "success" and versions.enabled:
        outcome = _lasting(final, trigger, services, versions, outcome)
    return decision.with_outcome(status == "success", outcome)


def _recorded_outcome(
    decision: Decision, started: Record, result: Started, confirmation: Confirmation | None, services: Services
) -> tuple[str, DeployOutcome, Outcome]:
    """(ledger status, the decision's outcome fields, the ledger's outcome) of a started build. What an answer
    echoed (a token, the hook URL) reaches neither the ledger nor the report."""
    status, message, extra, warnings = _outcome(result, confirmation, started.sha, services)
    message, extra = (
        services.secrets.scrub(message),
        RecordExtra.from_json(services.secrets.scrub_data(extra.to_json())),
    )
    deploy = confirmation.deploy if confirmation else None
    outcome = DeployOutcome(
        message=message,
        hook_state=result.state,
        hook_status=result.status_code,
        record_id=started.id,
        deploy_id=deploy.id if deploy else result.deploy_id,
        deploy_url=deploy.url if deploy and status == "success" else None,
        netlify_state=confirmation.state if confirmation else None,
        warnings=tuple(services.secrets.scrub(w) for w in (*decision.outcome.warnings, *warnings)),
    )
    return status, outcome, Outcome(status, message, outcome.deploy_url, outcome.deploy_id, extra)


def _lasting(
    final: Record, trigger: Trigger, services: Services, versions: Versions, outcome: DeployOutcome
) -> DeployOutcome:
    """Build the version's lasting URL and record it on the same snapshot (a second, later outcome)."""
    result = lasting_build(final, trigger, services, versions, services.branches)
    try:
        with deferred():
            services.ledger.finish(final, lasting_outcome(final, result))
    except (ExternalError, InputError, OSError) as exc:
        return replace(
            outcome, version_message=f"{result.message} (not recorded in the ledger: {exc})", version_url=result.url
        )
    outcome = replace(outcome, version_message=result.message, version_url=result.url)
    return outcome if result.ok else outcome.warned(f"no lasting URL for this version: {result.message}")


def _finish(ledger: Ledger, started: Record, outcome: Outcome) -> None:
    """Close a record whose build was never started; if that write fails, the stale check resolves it later."""
    with deferred():
        ledger.finish(started, outcome)


def _finish_after_interrupt(ledger: Ledger, started: Record, signal_name: str) -> None:
    """The POST may have been sent when the signal came: `unconfirmed` (it counts, and is never fired again)."""
    try:
        ledger.finish(
            started,
            Outcome(
                "unconfirmed",
                f"interrupted by {signal_name} after the build was triggered; the build may have started",
            ),
        )
    except (ExternalError, InputError, OSError) as exc:
        print(
            f"error: interrupted by {signal_name} and the ledger could not record it ({exc}); "
            f"record {started.id} stays in_progress until a later run resolves it",
            file=sys.stderr,
        )


def start_build(
    trigger: Trigger,
    services: Services,
    title: str | None = None,
    branch: str | None = None,
    body: dict[str, Any] | None = None,
) -> Started:
    """One build, by the hook or the API; `title`, `branch` and `body` override the trigger's."""
    title = title or trigger.title
    branch = branch or trigger.branch
    body = trigger.body if body is None else body
    if trigger.kind == "api":
        assert services.netlify is not None  # noqa: S101 — check_trigger() made sure
        from vibe_action.netlify.api import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

        try:
            deploy_id = services.netlify.start_build(title, branch)
        except MaybeActedError as exc:
            return Started("unknown", f"{exc}; the build may have started — not started again")
        except ExternalError as exc:
            return Started("rejected", f"Netlify API could not start the build: {exc}")
        return Started("accepted", f"Netlify build started (deploy {deploy_id})", deploy_id)
    assert trigger.hook_url is not None  # noqa: S101 — check_trigger() made sure
    from vibe_action.netlify import hook  # noqa: PLC0415 — requests is loaded only when something is sent

    if services.session is None:
        raise InputError("a dry run sends nothing; this run was asked to fire the build hook")
    fired = hook.fire(
        services.session,
        trigger.hook_url,
        title,
        services.secrets,
        branch=branch,
        body=body,
        timeout=(CONNECT_TIMEOUT, trigger.read_timeout),
        on_wait=lambda seconds: services.progress(f"build hook: nothing was started; trying again in {seconds:.0f} s"),
    )
    return Started(fired.state, fired.message, None, fired.status_code)


def _known_before(trigger: Trigger, fresh: list[Record], services: Services) -> Before:
    """Deploys the hook's build cannot be: those listed before the POST and those the ledger already holds."""
    recorded = frozenset(r.deploy_id for r in fresh if r.deploy_id)
    if services.netlify is None or trigger.kind != "hook":
        return Before(None, recorded)
    return known_deploys(services.netlify, recorded)


def _confirm(
    result: Started, trigger: Trigger, fired_at: datetime, services: Services, before: Before
) -> Confirmation | None:
    """With API access: find the deploy (also after an unknown outcome) and wait for it within the budget."""
    if services.netlify is None or result.state in ("rejected", "unreachable"):
        return None
    budget = trigger.confirm_timeout
    if result.state == "unknown":
        budget = min(max(budget, trigger.poll_interval), UNKNOWN_OUTCOME_BUDGET)
    elif budget <= 0:
        return None
    try:
        return confirm(
            services.netlify,
            title=trigger.title,
            fired_at=fired_at,
            before=before,
            budget=budget,
            first_interval=trigger.poll_interval,
            deploy_id=result.deploy_id,
            clock=services.clock,
            sleep=services.sleep,
            progress=services.progress,
        )
    except ExternalError as exc:
        return Confirmation("unavailable", f"could not confirm on Netlify: {exc}")


def _outcome(
    result: Started, confirmation: Confirmation | None, sha: str, services: Services
) -> tuple[str, str, RecordExtra, list[str]]:
    """(ledger status, message, what the record adds, warnings) for what happened."""
    warnings: list[str] = []
    extra = RecordExtra()
    if result.state in ("rejected", "unreachable"):
        return "failure", result.message, extra, warnings
    if confirmation is None:
        status = "success" if result.state == "accepted" else "unconfirmed"
        if status == "unconfirmed":
            warnings.append(
                "the build may or may not have started; without a Netlify token the gate cannot "
                "look, so the commit is recorded as unconfirmed and not fired again"
            )
        return status, result.message, extra, warnings
    message = f"{result.message}; {confirmation.message}"
    deploy = confirmation.deploy
    if deploy is not None:
        mismatch = confirmation.commit_mismatch(sha)
        extra = RecordExtra(
            netlify_deploy_id=deploy.id,
            netlify_state=deploy.state,
            commit_ref=deploy.commit_ref,
            commit_mismatch=mismatch,
        )
        if mismatch:
            warnings.append(
                f"Netlify built commit {deploy.commit_ref[:7]}, not the evaluated {sha[:7]}: a build "
                "hook builds the branch head; use the netlify.toml recipe in the README to build "
                "exactly the evaluated commit"
            )
    if confirmation.state == "error":
        if deploy is not None and "canceled build" in deploy.error_message.lower():
            message = f"{result.message}; {CANCELLED_BY_IGNORE.format(deploy=deploy.id, reason=deploy.error_message)}"
        return "failure", message, extra, warnings
    if confirmation.state == "ready":
        warnings += _publish_warnings(deploy, services)
        return "success", message, extra, warnings
    if result.state == "unknown" and deploy is None:
        warnings.append("the hook did not answer and no matching deploy appeared: recorded as unconfirmed")
        return "unconfirmed", message, extra, warnings
    warnings.append(f"{confirmation.message}; the snapshot is recorded, its permalink is not known yet")
    return "success", message, extra, warnings


def _publish_warnings(deploy: Deploy | None, services: Services) -> list[str]:
    """A locked published deploy means auto-publishing is off: the new snapshot is built but not live."""
    if services.netlify is None or deploy is None:
        return []
    try:
        published = services.netlify.published_deploy()
    except ExternalError:
        return []
    if published is not None and published.locked and published.id != deploy.id:
        return [
            f"auto-publishing is off (the published deploy {published.id} is locked): the new snapshot "
            f"{deploy.url} is built but not live; publish it in Netlify or unlock the published deploy"
        ]
    return []

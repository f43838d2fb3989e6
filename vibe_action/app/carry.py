"""Carry out a deploy verdict: take the lock, start the build, confirm it on the host, record the outcome.

Never twice, even concurrently: the ledger is read again just before firing (another run may have deployed
this commit, or a newer snapshot may have gone live: then the decision is made again against it), and the
`in_progress` record written before the build starts is the lock — when two runs write one for the same commit,
the later one cancels itself without firing. Nothing here knows the host: a `DeployTarget` starts and confirms.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from vibe_action.decide.decision import Decision, DeployOutcome
from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.protocol import Build, DeployTarget, Landed, Started
from vibe_action.interrupts import Interrupted, deferred
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import SPENT_STATUSES, Ledger, Outcome, Record, finished
from vibe_action.redact import Secrets


@dataclass(frozen=True)
class Carrier:
    """What carrying out one verdict uses: the ledger (the lock), the host, the secrets to scrub, the clock."""

    ledger: Ledger
    target: DeployTarget
    secrets: Secrets
    wall_clock: Callable[[], datetime]


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
    build: Build,
    carrier: Carrier,
    redecide: Callable[[list[Record]], Decision],
    seen: frozenset[str] = frozenset(),
    stale: Callable[[Record], bool] = lambda _record: False,
) -> Decision:
    """Lock, look again, fire, confirm, record; then, for a version that went live, its lasting URL.
    `redecide` runs the policy again on fresh ledger records; `seen` are the ids of the records the decision
    was made on; `stale` tells an abandoned in_progress record."""
    ledger = carrier.ledger
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
    status, outcome, ending = _fire(decision, started, build, carrier, fresh)
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
    if status == "success" and carrier.target.capabilities.lasting_versions:
        outcome = _lasting(final, build, carrier, outcome)
    return decision.with_outcome(status == "success", outcome)


def _fire(
    decision: Decision, started: Record, build: Build, carrier: Carrier, fresh: list[Record]
) -> tuple[str, DeployOutcome, Outcome]:
    """Start the build and see what it became; a signal meanwhile leaves the record `unconfirmed`."""
    target = carrier.target
    before = target.before(frozenset(r.deploy_id for r in fresh if r.deploy_id))
    fired_at = carrier.wall_clock()
    try:
        result = target.start(build, before)
        if result.state in ("rejected", "unreachable"):
            landed = Landed("failure", "")
        elif target.capabilities.upload and result.deploy_id and not _recorded_id(carrier.ledger, started, result):
            landed = Landed("failure", "nothing was uploaded: the ledger could not record the deploy's id first")
        else:
            landed = target.land(build, result, fired_at, before, started.sha)
    except (KeyboardInterrupt, Interrupted) as exc:
        name = exc.args[0] if isinstance(exc, Interrupted) else "SIGINT"
        with deferred():
            _finish_after_interrupt(carrier.ledger, started, name)
        raise
    return _recorded_outcome(decision, started, result, landed, carrier.secrets)


def _recorded_id(ledger: Ledger, started: Record, result: Started) -> bool:
    """An upload's deploy, recorded `in_progress` with its id before any file is sent: a run that dies mid-upload
    leaves a record that names the deploy (resolved by it later), never a second deploy made blindly."""
    try:
        with deferred():
            uploading = f"uploading to deploy {result.deploy_id}"
            ledger.finish(started, Outcome("in_progress", uploading, result.deploy_url, result.deploy_id))
    except (ExternalError, InputError, OSError):
        return False
    return True


def _recorded_outcome(
    decision: Decision, started: Record, result: Started, landed: Landed, secrets: Secrets
) -> tuple[str, DeployOutcome, Outcome]:
    """(ledger status, the decision's outcome, the ledger's outcome) of a started build. What an answer echoed
    (a token, the hook URL) reaches neither the ledger nor the report."""
    message = secrets.scrub(f"{result.message}; {landed.message}" if landed.message else result.message)
    extra = RecordExtra.from_json(secrets.scrub_data(landed.extra.to_json()))
    outcome = DeployOutcome(
        message=message,
        hook_state=result.state,
        hook_status=result.status_code,
        record_id=started.id,
        deploy_id=landed.deploy_id or result.deploy_id,
        deploy_url=landed.deploy_url,
        netlify_state=landed.state,
        warnings=tuple(secrets.scrub(w) for w in (*decision.outcome.warnings, *landed.warnings)),
    )
    return landed.status, outcome, Outcome(landed.status, message, outcome.deploy_url, outcome.deploy_id, extra)


def _lasting(final: Record, build: Build, carrier: Carrier, outcome: DeployOutcome) -> DeployOutcome:
    """Build the version's lasting URL and record it on the same snapshot (a second, later outcome)."""
    result = carrier.target.lasting(final, build)
    try:
        with deferred():
            carrier.ledger.finish(final, result.outcome)
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

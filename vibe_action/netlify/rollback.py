"""Roll back to any version: restore its deploy while Netlify still has it, else build its commit again.

A restore costs nothing: the deploy is published again and locked (or the next auto-published build would
replace it). Netlify deletes deploys after its retention period, so an older version's deploy may be gone
(HTTP 404) — or, deployed without a token, it was never known by id and is searched for by its title and
commit. Then the version is *rebuilt*: one POST to the build hook whose body carries the version's sha (the
exact-commit build recipe in docs/netlify.md checks it out), counted against the quota like any build, and
locked once Netlify reports it ready. When neither works, the error says which step failed and why. Every
rollback is recorded in the ledger, so the next decision compares with what is live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError, InputError
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import (
    ALL_SNAPSHOTS,
    LIVE_STATUSES,
    Ledger,
    Outcome,
    Record,
    deploys_in_month,
)
from vibe_action.ledger.versions import ANY_TIME, NUMBERED_STATUSES, build_history
from vibe_action.netlify.confirm import Before, confirm, known_deploys
from vibe_action.netlify.deploy import Services, Trigger, start_build
from vibe_action.netlify.models import ACCESS_NAMES

if TYPE_CHECKING:  # the client is passed in; importing it would load requests for commands that send nothing
    from vibe_action.netlify.api import NetlifyClient

VERSION_NAME = re.compile(r"v(\d{1,9})")


@dataclass(frozen=True)
class Rebuild:
    """What a rebuild needs: how to start a build (None: no hook URL and no API trigger) and the quota."""

    trigger: Trigger | None
    services: Services
    monthly_limit: int | None = None


def _candidates(records: list[Record], environment: str) -> list[Record]:
    """Snapshots that went live once (deploys, also pruned ones, and earlier rollbacks), oldest first."""
    return [
        r
        for r in records
        if r.environment == environment
        and (r.status in NUMBERED_STATUSES if r.decision != "rollback" else r.status in LIVE_STATUSES)
    ]


def rollback_target(records: list[Record], environment: str, to: str) -> tuple[Record, Record | None]:
    """(the snapshot to bring back, the one live now). `to`: `previous`, a version (`v12`), or a commit prefix."""
    candidates = _candidates(records, environment)
    live = [r for r in candidates if r.status in LIVE_STATUSES]
    current = live[-1] if live else None
    named = VERSION_NAME.fullmatch(to)
    if to == "previous":
        target = next((r for r in reversed(live) if current is None or r.sha != current.sha), None)
        if target is None:
            raise InputError("there is no earlier deployed snapshot to roll back to; 'vibe-gate history' lists them")
    elif named:
        version = build_history(records, environment, ANY_TIME).find(int(named.group(1)))
        if version is None:
            raise InputError(f"there is no version {to} in the {environment} ledger; 'vibe-gate history' lists them")
        target = version.record
    else:
        if len(to) < 7:
            raise InputError(f"'{to}' is too short to name a commit: give at least 7 characters of the sha, or vN")
        commits = sorted({r.sha for r in candidates if r.sha.startswith(to.lower())})
        if len(commits) > 1:
            raise InputError(
                f"'{to}' names {len(commits)} deployed commits ({', '.join(c[:12] for c in commits[:5])}): give "
                "more characters of the sha, or the version (vN)"
            )
        target = next((r for r in reversed(candidates) if commits and r.sha == commits[0]), None)
        if target is None:
            raise InputError(
                f"no deployed snapshot of commit {to} in the {environment} ledger; "
                "'vibe-gate history' lists the snapshots you can roll back to"
            )
    return target, current


def find_on_netlify(netlify: NetlifyClient, target: Record) -> str | None:
    """The deploy id of a snapshot recorded without one (deployed without a token): the newest ready deploy
    with the gate's title for it, else of its commit; None when the site's newest 500 have neither."""
    title = target.extra.title
    deploys = [d for d in netlify.deploys(per_page=100, max_pages=5) if d.state == "ready"]
    match = next((d for d in deploys if title and d.title == title), None)
    match = match or next((d for d in deploys if d.commit_ref and target.sha.startswith(d.commit_ref)), None)
    return match.id if match else None


@dataclass(frozen=True)
class Plan:
    """One rollback: the ledger's snapshots, the one to bring back and the one live now, and how to say it."""

    ledger: Ledger
    netlify: NetlifyClient | None
    records: list[Record]
    target: Record
    current: Record | None
    now: datetime
    number: int | None
    name: str
    lock: bool


def rollback(
    ledger: Ledger,
    netlify: NetlifyClient | None,
    environment: str,
    to: str,
    lock: bool,
    now: datetime,
    rebuild: Rebuild | None = None,
) -> Record:
    # Every snapshot with its status: a version's number counts the ones before it (a rollback is rare; on
    # GitHub this costs one status request per deployment listed).
    records = ledger.records(environment, None, live=ALL_SNAPSHOTS)
    target, current = rollback_target(records, environment, to)
    history = build_history(records, environment, now)
    number = next((v.number for v in history.versions if v.record is target), None) or target.extra.version_number
    name = f"v{number} ({target.sha[:7]})" if number is not None else target.sha[:7]
    if current is not None and current.sha == target.sha:  # restoring or rebuilding it would change nothing
        return replace(current, reasons=(f"{name} is live already; nothing was restored, rebuilt or recorded",))
    plan = Plan(ledger, netlify, records, target, current, now, number, name, lock)
    restored = _restore(plan)
    if isinstance(restored, Record):
        return restored
    if rebuild is None or rebuild.trigger is None:
        names = ACCESS_NAMES.get()
        raise InputError(
            f"cannot roll back to {name}: it cannot be restored ({restored}), and it cannot be rebuilt: no build "
            f"hook URL is set — set {names.hook} to rebuild its commit through the hook"
            + ("" if netlify else f", or {names.token} and {names.site} to restore it if Netlify still has it")
        )
    return _rebuild(plan, restored, rebuild)


def _restore(plan: Plan) -> Record | str:
    """Restore (and lock) the target's deploy on Netlify: the final record, or why it cannot be restored."""
    netlify, target = plan.netlify, plan.target
    if netlify is None:
        return "there is no Netlify token, and only the API can restore a deploy"
    deploy_id = target.deploy_id or find_on_netlify(netlify, target)
    if not deploy_id:
        return f"no ready deploy of {target.sha[:7]} or with its title among the site's newest 500"
    try:
        restored = netlify.restore(deploy_id)
    except ExternalError as exc:
        if exc.status != 404:
            raise
        return f"Netlify deleted its deploy {deploy_id} (HTTP 404: past its retention, or pruned)"
    if plan.lock:
        netlify.lock(deploy_id)
    message = _message(plan.current, target, plan.name, f"restored Netlify deploy {deploy_id}", plan.lock)
    record = _rollback_record(target, plan.current, plan.now, message, plan.number, restored.url, plan.lock)
    started = plan.ledger.start(record)
    return plan.ledger.finish(started, Outcome("success", message, started.deploy_url, deploy_id))


def _message(current: Record | None, target: Record, name: str, how: str, lock: bool) -> str:
    since = f" from {current.sha[:7]}" if current and current.sha != target.sha else ""
    locked = " and locked it" if lock else " (not locked: the next auto-published build replaces it)"
    return f"rolled back{since} to {name}: {how}{locked}"


def _rollback_record(
    target: Record, current: Record | None, now: datetime, message: str, number: int | None, url: str | None, lock: bool
) -> Record:
    return replace(
        target,
        id="",
        time=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="in_progress",
        decision="rollback",
        reasons=(message,),
        deploy_url=url or target.deploy_url,
        extra=RecordExtra(
            benchmarks=target.extra.benchmarks,  # the next paired test compares with what is live again
            report=target.extra.report,
            rollback_of=current.sha if current else None,
            locked=lock,  # production stays on it until `vibe-gate unlock` (ledger/locks.py)
            version_number=number,
        ),
    )


def _rebuild(plan: Plan, why: str, rebuild: Rebuild) -> Record:
    """One build of the version's commit through the hook (or the API), counted, confirmed and locked."""
    assert rebuild.trigger is not None  # noqa: S101 — the caller checked
    ledger, netlify, target, name, now = plan.ledger, plan.netlify, plan.target, plan.name, plan.now
    used = deploys_in_month(plan.records, now)
    if rebuild.monthly_limit is not None and used >= rebuild.monthly_limit:
        raise InputError(
            f"cannot roll back to {name}: it cannot be restored ({why}), and rebuilding it needs a build, but the "
            f"quota is used up ({used}/{rebuild.monthly_limit} builds this month) — restore it by hand in Netlify "
            "if it still exists, or raise quota.monthly_deploys"
        )
    locks = plan.lock and netlify is not None  # without a token nothing can be locked
    record = _rollback_record(target, plan.current, now, f"rebuilding {name}: {why}", plan.number, None, locks)
    record = replace(
        record,
        deploy_url=None,
        deploy_id=None,
        extra=replace(record.extra, rebuilt=True, month=now.strftime("%Y-%m"), month_spent_before=used),
    )
    started = ledger.start(record)
    body = {"sha": target.sha, "branch": target.branch, "scores": dict(target.scores), "rollback_to": name}
    if target.model:
        body["model"] = dict(target.model)
    before = known_deploys(netlify) if netlify is not None else Before()  # an earlier rollback to it, too
    fired_at = rebuild.services.wall_clock()
    result = start_build(rebuild.trigger, rebuild.services, title=f"rollback to {name}", body=body)
    if result.state in ("rejected", "unreachable") or (result.state == "unknown" and netlify is None):
        status = "unconfirmed" if result.state == "unknown" else "failure"
        ledger.finish(started, Outcome(status, f"rebuilding {name} failed: {result.message}"))
        raise ExternalError(f"cannot roll back to {name}: it cannot be restored ({why}); {result.message}")
    if netlify is None:
        message = _message(plan.current, target, name, f"rebuilt its commit through the build hook ({why})", False)
        message += "; with no Netlify token the gate cannot wait for the build or lock it"
        return ledger.finish(started, Outcome("success", message))
    return _confirm_rebuild(plan, netlify, started, Rebuilt(result.deploy_id, fired_at, before, why), rebuild)


@dataclass(frozen=True)
class Rebuilt:
    """What the rebuild's POST left to confirm: the deploy id when the API said it, when, what was there."""

    deploy_id: str | None
    fired_at: datetime
    before: Before
    why: str


def _confirm_rebuild(plan: Plan, netlify: NetlifyClient, started: Record, rebuilt: Rebuilt, rebuild: Rebuild) -> Record:
    """Wait for the rebuilt deploy, lock it, and record it as what is live."""
    assert rebuild.trigger is not None  # noqa: S101 — the caller checked
    services, name = rebuild.services, plan.name
    confirmation = confirm(
        netlify,
        title=f"rollback to {name}",
        fired_at=rebuilt.fired_at,
        before=rebuilt.before,
        budget=rebuild.trigger.confirm_timeout,
        first_interval=rebuild.trigger.poll_interval,
        deploy_id=rebuilt.deploy_id,
        clock=services.clock,
        sleep=services.sleep,
        progress=services.progress,
    )
    deploy = confirmation.deploy
    if confirmation.state != "ready" or deploy is None:
        status = "failure" if confirmation.state == "error" else "unconfirmed"
        plan.ledger.finish(started, Outcome(status, f"rebuilding {name}: {confirmation.message}"))
        raise ExternalError(f"rolling back to {name}: the rebuild was started but {confirmation.message}")
    if plan.lock:
        netlify.lock(deploy.id)
    message = _message(
        plan.current, plan.target, name, f"rebuilt as Netlify deploy {deploy.id} ({rebuilt.why})", plan.lock
    )
    return plan.ledger.finish(started, Outcome("success", message, deploy.url, deploy.id))

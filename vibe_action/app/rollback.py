"""Roll back to any version, on any host: restore its deploy while the host still has it, else build its
commit again.

A restore costs nothing: the host publishes the deploy again, and the rollback is locked (by the host when it
can lock a deploy, else in the ledger: the gate deploys nothing until `unlock`), or the next build would
replace it. A host deletes old deploys (Netlify after its retention period), or a version deployed without API
access was never known by id — then the version is *rebuilt*: one build of the version's commit through the
target (`hosting.DeployTarget.start`, the hook or the API), counted against the quota like any build,
confirmed, and locked once the host reports it ready. When neither works, the error says which step failed
and why. Every rollback is recorded in the ledger, so the next decision compares with what is live.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.protocol import Build, DeployTarget, Restored
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import (
    ALL_SNAPSHOTS,
    LIVE_STATUSES,
    NUMBERED_STATUSES,
    Ledger,
    Outcome,
    Record,
    deploys_in_month,
)
from vibe_action.ledger.versions import ANY_TIME, build_history

VERSION_NAME = re.compile(r"v(\d{1,9})")


def _candidates(records: list[Record], environment: str) -> list[Record]:
    """Snapshots that went live once (deploys, also pruned ones, and earlier rollbacks), oldest first."""
    return [
        r
        for r in records
        if r.environment == environment
        and (r.status in NUMBERED_STATUSES if r.decision != "rollback" else r.status in LIVE_STATUSES)
    ]


def live_snapshot(records: list[Record], environment: str) -> Record | None:
    """The snapshot live now: the newest that went live (a deploy, or a rollback to an earlier one)."""
    live = [r for r in _candidates(records, environment) if r.status in LIVE_STATUSES]
    return live[-1] if live else None


def rollback_target(records: list[Record], environment: str, to: str) -> tuple[Record, Record | None]:
    """(the snapshot to bring back, the one live now). `to`: a version (`v12`), a commit prefix, or `previous`:
    the version that was live before the one live now — walking back through what went live (deploys and
    rollbacks, in ledger order) to the first of another commit; after a rollback, the version it replaced."""
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


@dataclass(frozen=True)
class Rebuild:
    """What a rebuild needs: the run's wall clock (when the build was started) and the monthly quota."""

    wall_clock: Callable[[], datetime]
    monthly_limit: int | None = None


@dataclass(frozen=True)
class Plan:
    """One rollback: the ledger's snapshots, the one to bring back and the one live now, and how to say it."""

    ledger: Ledger
    target: DeployTarget
    records: list[Record]
    version: Record
    current: Record | None
    now: datetime
    number: int | None
    name: str
    lock: bool


def rollback(
    ledger: Ledger, target: DeployTarget, environment: str, to: str, lock: bool, now: datetime, rebuild: Rebuild
) -> Record:
    """Bring back the version `to` names (`previous`, `vN`, a commit prefix) and record it; the final record."""
    # Every snapshot with its status: a version's number counts the ones before it (a rollback is rare; on
    # GitHub this costs one status request per deployment listed).
    records = ledger.records(environment, None, live=ALL_SNAPSHOTS)
    version, current = rollback_target(records, environment, to)
    history = build_history(records, environment, now)
    number = next((v.number for v in history.versions if v.record is version), None) or version.extra.version_number
    name = f"v{number} ({version.sha[:7]})" if number is not None else version.sha[:7]
    if current is not None and current.sha == version.sha:  # restoring or rebuilding it would change nothing
        return replace(current, reasons=(f"{name} is live already; nothing was restored, rebuilt or recorded",))
    plan = Plan(ledger, target, records, version, current, now, number, name, lock)
    restored = target.restore(version) if target.capabilities.restore else f"{target.name} cannot restore a deploy"
    if isinstance(restored, Restored):
        return _record_restore(plan, restored)
    if target.capabilities.upload:  # the folder here is this checkout's build, never the older version's
        raise InputError(
            f"cannot roll back to {name}: it cannot be restored ({restored}), and in upload mode it cannot be "
            f"rebuilt here — the upload folder holds this checkout's build, not {version.sha[:7]}'s: check out "
            f"{version.sha[:7]}, build it and run the gate there, or restore it in {target.name} by hand"
        )
    try:
        target.check()  # a build can be started: the hook URL (or API access) is there
    except InputError as exc:
        raise InputError(
            f"cannot roll back to {name}: it cannot be restored ({restored}), and it cannot be rebuilt: {exc}"
        ) from None
    return _rebuild(plan, restored, rebuild)


def _record_restore(plan: Plan, restored: Restored) -> Record:
    """Lock what the host restored (when it can) and record it as what is live."""
    host_lock = plan.lock and plan.target.capabilities.lock
    if host_lock:
        plan.target.lock(restored.deploy_id)
    message = _message(plan, restored.how, host_lock)
    record = _rollback_record(plan, message, restored.url, plan.lock)
    started = plan.ledger.start(record)
    return plan.ledger.finish(started, Outcome("success", message, started.deploy_url, restored.deploy_id))


def _message(plan: Plan, how: str, host_locked: bool) -> str:
    current, version = plan.current, plan.version
    since = f" from {current.sha[:7]}" if current and current.sha != version.sha else ""
    if not plan.lock:
        locked = " (not locked: the next build the host publishes replaces it)"
    elif host_locked:
        locked = " and locked it"
    else:
        locked = (
            f" and locked it in the ledger: the gate deploys nothing until `unlock` ({plan.target.name} has no "
            "deploy lock: a build it starts by itself still replaces it)"
        )
    return f"rolled back{since} to {plan.name}: {how}{locked}"


def _rollback_record(plan: Plan, message: str, url: str | None, lock: bool) -> Record:
    version, current = plan.version, plan.current
    return replace(
        version,
        id="",
        time=plan.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="in_progress",
        decision="rollback",
        reasons=(message,),
        deploy_url=url or version.deploy_url,
        extra=RecordExtra(
            benchmarks=version.extra.benchmarks,  # the next paired test compares with what is live again
            report=version.extra.report,
            rollback_of=current.sha if current else None,
            locked=lock,  # production stays on it until `vibe-gate unlock` (ledger/locks.py)
            version_number=plan.number,
        ),
    )


def _rebuild(plan: Plan, why: str, rebuild: Rebuild) -> Record:
    """One build of the version's commit through the target, counted, confirmed and locked."""
    ledger, target, version, name, now = plan.ledger, plan.target, plan.version, plan.name, plan.now
    used = deploys_in_month(plan.records, now)
    if rebuild.monthly_limit is not None and used >= rebuild.monthly_limit:
        raise InputError(
            f"cannot roll back to {name}: it cannot be restored ({why}), and rebuilding it needs a build, but the "
            f"quota is used up ({used}/{rebuild.monthly_limit} builds this month) — restore it by hand in "
            f"{target.name} if it still exists, or raise quota.monthly_deploys"
        )
    confirms = target.capabilities.confirm
    record = _rollback_record(plan, f"rebuilding {name}: {why}", None, plan.lock and confirms)
    record = replace(
        record,
        deploy_url=None,
        deploy_id=None,
        extra=replace(record.extra, rebuilt=True, month=now.strftime("%Y-%m"), month_spent_before=used),
    )
    started = ledger.start(record)
    body = {"sha": version.sha, "branch": version.branch, "scores": dict(version.scores), "rollback_to": name}
    if version.model:
        body["model"] = dict(version.model)
    build = Build(target.title(f"rollback to {name}"), None, body)
    before = target.before(frozenset())  # an earlier rollback to it is not this build either
    fired_at = rebuild.wall_clock()
    result = target.start(build)
    if result.state in ("rejected", "unreachable") or (result.state == "unknown" and not confirms):
        status = "unconfirmed" if result.state == "unknown" else "failure"
        ledger.finish(started, Outcome(status, f"rebuilding {name} failed: {result.message}"))
        raise ExternalError(f"cannot roll back to {name}: it cannot be restored ({why}); {result.message}")
    landed = target.land(build, result, fired_at, before, version.sha)
    if not confirms or landed.state is None:
        message = _message(replace(plan, lock=False), f"rebuilt its commit ({why})", False)
        message += f"; without {target.name} API access the gate cannot wait for the build or lock it"
        return ledger.finish(started, Outcome("success", message))
    if landed.state != "ready" or landed.deploy_id is None:
        status = "failure" if landed.state == "error" else "unconfirmed"
        ledger.finish(started, Outcome(status, f"rebuilding {name}: {landed.message}"))
        raise ExternalError(f"rolling back to {name}: the rebuild was started but {landed.message}")
    host_lock = plan.lock and target.capabilities.lock
    if host_lock:
        target.lock(landed.deploy_id)
    message = _message(plan, f"rebuilt as {target.name} deploy {landed.deploy_id} ({why})", host_lock)
    return ledger.finish(started, Outcome("success", message, landed.deploy_url, landed.deploy_id))

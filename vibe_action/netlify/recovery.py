"""Resolve deploys whose run never recorded an outcome (killed with SIGKILL, a runner that vanished).

Such a record stays `in_progress`: it counts against the quota and would block its commit forever. Once it is
older than any run could take (hook timeout + confirmation budget + a margin), the next run resolves it: with
a Netlify token, by finding the deploy the hook started (by its title or commit) and recording what became of
it; without one, as `unconfirmed` with a note — it keeps counting against the quota and is not fired again,
because the build may have happened. README: "When things fail" shows how to clear it by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError
from vibe_action.ledger.records import FUTURE_SKEW, Ledger, Outcome, Record
from vibe_action.netlify.models import CONNECT_TIMEOUT

if TYPE_CHECKING:
    from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.confirm import confirm

STALE_MARGIN = 300.0  # seconds beyond the longest a run can take between its in_progress record and the outcome


def stale_after(hook_timeout: float, confirm_timeout: float) -> timedelta:
    """How old an `in_progress` record must be before no live run can still be writing its outcome."""
    return timedelta(seconds=CONNECT_TIMEOUT + hook_timeout + confirm_timeout + STALE_MARGIN)


def stale_check(now: datetime, age: timedelta) -> Callable[[Record], bool]:
    """Whether an `in_progress` record can no longer belong to a live run: older than any run takes, or dated
    in the future beyond clock skew (no run started then; waiting for it would stand every run down forever)."""

    def stale(record: Record) -> bool:
        if record.status != "in_progress":
            return False
        started = _started(record)
        return started is None or now - started > age or started - now > FUTURE_SKEW

    return stale


def _started(record: Record) -> datetime | None:
    try:
        return datetime.strptime(record.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def resolve_stale(
    records: list[Record],
    ledger: Ledger,
    netlify: NetlifyClient | None,
    stale: Callable[[Record], bool],
    *,
    write: bool,
) -> tuple[list[Record], list[str]]:
    """(records with every stale `in_progress` one resolved, a note per resolution). With `write=False`
    (a dry run) the resolution is only applied in memory."""
    resolved: list[Record] = []
    notes: list[str] = []
    for record in records:
        if not stale(record):
            resolved.append(record)
            continue
        outcome = _look_up(record, netlify)
        started = _started(record)
        why = (
            f"is dated {record.time}, in the future (a clock that is off?), so no live run wrote it"
            if started is not None and started > datetime.now(timezone.utc) + FUTURE_SKEW
            else "was left in_progress by a run that never finished"
        )
        notes.append(
            f"record {record.id} (commit {record.sha[:7]}) {why}; resolved as {outcome.status}: {outcome.message}"
        )
        resolved.append(ledger.finish(record, outcome) if write else replace(record, status=outcome.status))
    return resolved, notes


def _look_up(record: Record, netlify: NetlifyClient | None) -> Outcome:
    note = "the run that fired it did not record an outcome"
    if netlify is None:
        return Outcome("unconfirmed", f"{note}; without a Netlify token the gate cannot look, so it stays counted")
    title = record.extra.title
    fired = datetime.strptime(record.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    try:
        found = confirm(netlify, title=title, fired_at=fired, budget=0, first_interval=0)
    except ExternalError as exc:
        return Outcome("unconfirmed", f"{note}; Netlify could not be asked ({exc})")
    deploy = found.deploy
    if found.state == "ready" and deploy is not None:
        return Outcome("success", f"{note}; found on Netlify: {found.message}", deploy.url, deploy.id)
    if found.state == "error" and deploy is not None:
        return Outcome("failure", f"{note}; found on Netlify: {found.message}", None, deploy.id)
    return Outcome("unconfirmed", f"{note}; {found.message}")

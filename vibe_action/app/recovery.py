"""Resolve deploys whose run never recorded an outcome (killed with SIGKILL, a runner that vanished).

Such a record stays `in_progress`: it counts against the quota and would block its commit forever. Once it is
older than any run could take (the target's `stale_after`), the next run resolves it by asking the host what
became of the build (`DeployTarget.find`); a host that cannot tell leaves it `unconfirmed` with a note — it keeps
counting against the quota and is not fired again, because the build may have happened. docs/troubleshooting.md,
"When things fail", shows how to clear it by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from vibe_action.ledger.records import FUTURE_SKEW, Ledger, Outcome, Record, record_time


def stale_check(now: datetime, age: timedelta) -> Callable[[Record], bool]:
    """Whether an `in_progress` record can no longer belong to a live run: older than any run takes, or dated
    in the future beyond clock skew (no run started then; waiting for it would stand every run down forever)."""

    def stale(record: Record) -> bool:
        if record.status != "in_progress":
            return False
        started = record_time(record.time)  # None: a time no run could have written
        return started is None or now - started > age or started - now > FUTURE_SKEW

    return stale


def resolve_stale(
    records: list[Record],
    ledger: Ledger,
    find: Callable[[Record], Outcome],
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
        outcome = find(record)
        started = record_time(record.time)  # None: a time no run could have written
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

"""`unlock`, on any host: release the lock a rollback put on production (see `ledger/locks.py`).

A host that locks deploys (Netlify) is asked which deploy is published and whether it is locked — a lock lifted
in its UI counts as lifted — and unlocked there. On a host without deploy locks (Cloudflare Pages) the lock is
the ledger's: the newest rollback or unlock entry. Either way an `unlock` entry is written, so runs without API
access know too.
"""

from __future__ import annotations

from datetime import datetime

from vibe_action.hosts.protocol import DeployTarget
from vibe_action.ledger.locks import UNLOCK, ledger_lock, lock_of_deploy
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, Outcome, Record


def unlock(ledger: Ledger, target: DeployTarget, environment: str, now: datetime) -> str:
    """Unlock production on the host (when it locks) and write an `unlock` entry; say what was done."""
    records = ledger.records(environment, None, live=ALL_SNAPSHOTS)
    known = ledger_lock(records, environment)
    commit = ""
    if not target.capabilities.lock:
        if known is None:
            return "nothing to unlock: no rollback holds production (the ledger has no lock)"
        message = f"unlocked {known.name} in the ledger: the next deploy the gate approves goes live"
    else:
        published = target.published()
        commit = published.commit if published else ""
        if published is not None and published.locked:
            target.unlock(published)
            lock = lock_of_deploy(records, published.id, published.published_at)
            message = (
                f"unlocked {lock.name} ({target.name} deploy {published.id}): {target.name} publishes new deploys "
                "again; the next deploy the gate approves goes live"
            )
        elif known is not None:
            message = (
                f"production was no longer locked on {target.name} (lifted in its UI?); recorded that {known.name} "
                "is unlocked, so runs without a token know too"
            )
        else:
            return "nothing to unlock: the published deploy is not locked"
    _record_unlock(ledger, records, environment, now, message, commit)
    return message


def _record_unlock(
    ledger: Ledger, records: list[Record], environment: str, now: datetime, message: str, commit: str
) -> None:
    """An entry that counts for nothing (status `cancelled`: no build, no baseline) and ends the lock."""
    anchor = next((r for r in reversed(records) if r.environment == environment), None)
    sha = commit if len(commit) == 40 else (anchor.sha if anchor else "")
    if not sha:
        return  # an empty ledger knows of no lock; the host's answer is the only one that matters then
    entry = Record(
        sha=sha,
        branch=anchor.branch if anchor else "",
        time=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="in_progress",
        scores={},
        environment=environment,
        decision=UNLOCK,
        reasons=(message,),
    )
    started = ledger.start(entry)
    ledger.finish(started, Outcome("cancelled", message))

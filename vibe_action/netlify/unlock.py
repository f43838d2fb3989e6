"""Whether production is pinned by a lock, and `vibe-gate unlock` to release it (see `ledger/locks.py`).

With a Netlify token the answer is Netlify's: the site's published deploy and its `locked` flag (a lock lifted
in Netlify's UI is lifted). Without one it is the ledger's: the newest rollback or unlock entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError, InputError
from vibe_action.ledger.locks import UNLOCK, ProductionLock, ledger_lock, lock_of_deploy
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, Outcome, Record
from vibe_action.netlify.models import ACCESS_NAMES

if TYPE_CHECKING:  # the client is passed in; importing it would load requests for a dry run
    from vibe_action.netlify.api import NetlifyClient


def current_lock(
    records: list[Record], environment: str, netlify: NetlifyClient | None
) -> tuple[ProductionLock | None, str]:
    """(the lock that pins production, or None; a note when Netlify could not be asked)."""
    if netlify is None:
        return ledger_lock(records, environment), ""
    try:
        published = netlify.published_deploy()
    except ExternalError as exc:
        return ledger_lock(records, environment), f"could not ask Netlify whether production is locked ({exc})"
    if published is None or not published.locked:
        return None, ""
    return lock_of_deploy(records, published.id, published.published_at), ""


def unlock(ledger: Ledger, netlify: NetlifyClient | None, environment: str, now: datetime) -> str:
    """Unlock the published deploy on Netlify and write an `unlock` entry; say what was done."""
    if netlify is None:
        names = ACCESS_NAMES.get()
        raise InputError(f"unlock needs Netlify API access: set {names.token} and {names.site}")
    records = ledger.records(environment, None, live=ALL_SNAPSHOTS)
    published = netlify.published_deploy()
    known = ledger_lock(records, environment)
    if published is not None and published.locked:
        netlify.unlock(published.id)
        lock = lock_of_deploy(records, published.id, published.published_at)
        message = (
            f"unlocked {lock.name} (Netlify deploy {published.id}): Netlify publishes new deploys again; the next "
            "deploy the gate approves goes live"
        )
    elif known is not None:
        message = (
            f"production was no longer locked on Netlify (lifted in its UI?); recorded that {known.name} is "
            "unlocked, so runs without a token know too"
        )
    else:
        return "nothing to unlock: the published deploy is not locked"
    _record_unlock(ledger, records, environment, now, message, published.commit_ref if published else "")
    return message


def _record_unlock(
    ledger: Ledger, records: list[Record], environment: str, now: datetime, message: str, commit: str
) -> None:
    """An entry that counts for nothing (status `cancelled`: no build, no baseline) and ends the lock."""
    anchor = next((r for r in reversed(records) if r.environment == environment), None)
    sha = commit if len(commit) == 40 else (anchor.sha if anchor else "")
    if not sha:
        return  # an empty ledger knows of no lock; Netlify's answer is the only one that matters then
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

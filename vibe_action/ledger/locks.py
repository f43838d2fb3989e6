"""Production pinned by a rollback: what the ledger knows of the lock, as plain data.

`rollback` locks the deploy it brings back, or the next auto-published build would replace it. While it is
locked Netlify still builds new deploys but does not publish them ("Manage deploys" → Lock a deploy in Netlify's
docs), so a deploy the gate approved then would be recorded as live while nobody serves it. The gate therefore
blocks while production is locked; `vibe-gate unlock` releases it and writes an `unlock` entry, so a run
without a Netlify token (which cannot ask Netlify) knows too. With a token the gate asks Netlify instead: a lock
lifted in Netlify's UI counts as lifted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vibe_action.ledger.records import Record

UNLOCK = "unlock"  # the decision of the entry `vibe-gate unlock` writes


@dataclass(frozen=True)
class ProductionLock:
    name: str  # v3 (1a2b3c4), or the deploy id when no record names it
    since: str  # when it was locked (the rollback's time), as the ledger writes times
    deploy_id: str | None = None

    def describe(self) -> str:
        return f"{self.name}, locked since {self.since.replace('T', ' ').removesuffix('Z')} UTC"


def version_name(record: Record) -> str:
    number = record.extra.version_number
    return f"v{number} ({record.sha[:7]})" if number is not None else record.sha[:7]


def ledger_lock(records: Sequence[Record], environment: str) -> ProductionLock | None:
    """The lock as the ledger tells it: the newest rollback or unlock entry of the environment decides."""
    for record in reversed(records):  # ledgers list oldest first
        if record.environment != environment:
            continue
        if record.decision == UNLOCK:
            return None
        if record.decision == "rollback" and record.status == "success":
            if not record.extra.locked:
                return None
            return ProductionLock(version_name(record), record.time, record.deploy_id)
    return None


def lock_of_deploy(records: Sequence[Record], deploy_id: str, published_at: str) -> ProductionLock:
    """Netlify says `deploy_id` is published and locked: name it by the newest record of that deploy."""
    named = [r for r in records if r.deploy_id == deploy_id]
    rollbacks = [r for r in named if r.decision == "rollback"]
    source = (rollbacks or named)[-1] if named else None
    if source is None:
        return ProductionLock(f"Netlify deploy {deploy_id}", published_at or "an unknown time", deploy_id)
    return ProductionLock(version_name(source), source.time, deploy_id)

"""Snapshots after the fact: prune the ones not worth keeping, find builds the gate did not start.

Every build is an immutable Netlify deploy with its own permalink. Pruning deletes only what is neither
published, locked, a kept snapshot, nor recent. Rolling back is `netlify/rollback.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from vibe_action.ledger.records import Ledger, Outcome, Record
from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.confirm import parse_time
from vibe_action.netlify.models import Deploy

FINAL_STATES = frozenset({"ready", "error", "rejected"})


@dataclass(frozen=True)
class PruneRow:
    deploy: Deploy
    action: str  # keep | delete
    why: str
    record: Record | None = None


def prune_plan(
    deploys: list[Deploy],
    published_id: str | None,
    snapshots: list[Record],
    keep: int,
    grace_days: float,
    now: datetime,
) -> list[PruneRow]:
    """Classify every deploy; pure, so the plan can be printed, tested, and applied separately."""
    newest_first = [r for r in reversed(snapshots) if r.deploy_id]  # ledgers list oldest first
    rank: dict[str | None, tuple[int, Record]] = {}
    for snapshot in newest_first:
        rank.setdefault(snapshot.deploy_id, (len(rank), snapshot))
    rows = []
    for deploy in deploys:
        created = parse_time(deploy.created_at)
        age_days = (now - created).total_seconds() / 86400 if created else 0.0
        ranked = rank.get(deploy.id)
        index: int | None = ranked[0] if ranked else None
        record: Record | None = ranked[1] if ranked else None
        if deploy.id == published_id:
            rows.append(PruneRow(deploy, "keep", "published (live)", record))
        elif deploy.locked:
            rows.append(PruneRow(deploy, "keep", "locked", record))
        elif index is not None:
            if index < keep:
                rows.append(PruneRow(deploy, "keep", f"snapshot #{index + 1} of the newest {keep}", record))
            else:
                rows.append(PruneRow(deploy, "delete", f"snapshot #{index + 1}, beyond keep={keep}", record))
        elif deploy.state not in FINAL_STATES:
            rows.append(PruneRow(deploy, "keep", f"still {deploy.state or 'starting'}"))
        elif age_days < grace_days:
            rows.append(PruneRow(deploy, "keep", f"not a snapshot, but younger than {grace_days:g} days"))
        else:
            rows.append(PruneRow(deploy, "delete", f"not a snapshot, {age_days:.0f} days old"))
    return rows


def apply_prune(rows: list[PruneRow], netlify: NetlifyClient, ledger: Ledger) -> int:
    deleted = 0
    for row in rows:
        if row.action != "delete":
            continue
        netlify.delete(row.deploy.id)
        deleted += 1
        if row.record is not None:
            ledger.finish(row.record, Outcome("pruned", f"Netlify deploy {row.deploy.id} deleted by retention"))
    return deleted


def title_pattern(template: str) -> re.Pattern[str]:
    """A regex for titles the gate writes: the template with each placeholder as a wildcard."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts))


def foreign_deploys(deploys: list[Deploy], snapshots: list[Record], template: str) -> list[Deploy]:
    """Production deploys neither in the ledger nor titled like the gate's builds: something else deploys."""
    ours = {r.deploy_id for r in snapshots if r.deploy_id}
    pattern = title_pattern(template)
    return [d for d in deploys if d.context == "production" and d.id not in ours and not pattern.fullmatch(d.title)]

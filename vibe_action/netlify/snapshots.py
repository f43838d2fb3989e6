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


def newest_of_each_branch(deploys: list[Deploy]) -> frozenset[str]:
    """The newest deploy of every branch: what serves `<branch>--<site>.netlify.app` (Netlify keeps these)."""
    newest: dict[str, tuple[str, str]] = {}
    for deploy in deploys:
        key = deploy.branch or deploy.context
        if key not in newest or deploy.created_at > newest[key][0]:
            newest[key] = (deploy.created_at, deploy.id)
    return frozenset(ident for _, ident in newest.values())


def prune_plan(
    deploys: list[Deploy],
    published_id: str | None,
    snapshots: list[Record],
    keep: int,
    grace_days: float,
    now: datetime,
    version_prefix: str | None = None,
) -> list[PruneRow]:
    """Classify every deploy; pure, so the plan can be printed, tested, and applied separately.

    Kept whatever their age: the published deploy, locked ones, the newest deploy of each branch (deleting it
    takes the branch URL down) and every deploy on the lasting version branches (`version_prefix`): their
    URLs are promised for good, and their ids are in no ledger record."""
    if keep < 1:
        raise ValueError("keep must be at least 1")  # the front ends refuse it first, with the option's name
    newest_first = [r for r in reversed(snapshots) if r.deploy_id]  # ledgers list oldest first
    rank: dict[str | None, tuple[int, Record]] = {}
    for snapshot in newest_first:
        rank.setdefault(snapshot.deploy_id, (len(rank), snapshot))
    branch_heads = newest_of_each_branch(deploys)
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
        elif version_prefix and deploy.branch.startswith(version_prefix):
            rows.append(PruneRow(deploy, "keep", f"lasting version branch {deploy.branch}", record))
        elif index is not None and index < keep:
            rows.append(PruneRow(deploy, "keep", f"snapshot #{index + 1} of the newest {keep}", record))
        elif deploy.id in branch_heads:
            rows.append(PruneRow(deploy, "keep", f"newest deploy of {deploy.branch or deploy.context}", record))
        elif index is not None:
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
    """Production deploys that went ready without the gate: neither in the ledger nor titled like its builds.

    Only `ready` ones: with the `ignore` recipe every push still makes a deploy, cancelled (`state: "error"`,
    "Canceled build due to no content change"), and a cancelled or failed build serves nothing."""
    ours = {r.deploy_id for r in snapshots if r.deploy_id}
    pattern = title_pattern(template)
    return [
        d
        for d in deploys
        if d.context == "production" and d.state == "ready" and d.id not in ours and not pattern.fullmatch(d.title)
    ]


def cancelled_by_ignore(deploys: list[Deploy]) -> list[Deploy]:
    """Builds the `ignore` command cancelled: the recipe at work (Netlify's wording in the deploy)."""
    return [d for d in deploys if d.state == "error" and "canceled build" in d.error_message.lower()]

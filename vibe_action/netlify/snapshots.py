"""Snapshots after the fact: roll back to one, prune the ones not worth keeping, find builds the gate did not start.

Every build is an immutable Netlify deploy with its own permalink. Rolling back restores one (and locks it, or
the next auto-published build would replace it) and records it in the ledger, so the next decision compares
with what is live. Pruning deletes only what is neither published, locked, a kept snapshot, nor recent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from vibe_action.errors import InputError
from vibe_action.ledger.records import LIVE_STATUSES, Ledger, Outcome, Record
from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.confirm import parse_time
from vibe_action.netlify.models import ACCESS_NAMES, Deploy

FINAL_STATES = frozenset({"ready", "error", "rejected"})


def no_api() -> str:
    names = ACCESS_NAMES.get()
    return (
        "rollback needs Netlify API access: a build hook can only build the branch head, it cannot bring back an "
        f"earlier snapshot. Set {names.token} and {names.site}; the gate then restores the snapshot's deploy "
        "with POST /sites/{site_id}/deploys/{deploy_id}/restore"
    )


def _live(records: list[Record], environment: str) -> list[Record]:
    return [r for r in records if r.status in LIVE_STATUSES and r.environment == environment]


def rollback_target(records: list[Record], environment: str, to: str) -> tuple[Record, Record | None]:
    """(the snapshot to restore, the one live now). `to` is a commit (or its prefix) or `previous`."""
    live = _live(records, environment)
    current = live[-1] if live else None
    if to == "previous":
        target = next((r for r in reversed(live) if current is None or r.sha != current.sha), None)
        if target is None:
            raise InputError("there is no earlier deployed snapshot to roll back to; 'vibe-gate history' lists them")
    else:
        if len(to) < 7:
            raise InputError(f"'{to}' is too short to name a commit: give at least 7 characters of the sha")
        target = next((r for r in reversed(live) if r.sha.startswith(to)), None)
        if target is None:
            raise InputError(
                f"no deployed snapshot of commit {to} in the {environment} ledger; "
                "'vibe-gate history' lists the snapshots you can roll back to"
            )
    return target, current


def find_on_netlify(netlify: NetlifyClient, target: Record) -> str:
    """The deploy id of a snapshot recorded without one (deployed without a token): the newest ready
    deploy with the gate's title for it, else of its commit."""
    title = str(target.extra.get("title") or "")
    deploys = [d for d in netlify.deploys(per_page=100, max_pages=5) if d.state == "ready"]
    match = next((d for d in deploys if title and d.title == title), None)
    match = match or next((d for d in deploys if d.commit_ref and target.sha.startswith(d.commit_ref)), None)
    if match is None:
        raise InputError(
            f"snapshot {target.sha[:7]} has no recorded Netlify deploy id, and no ready deploy of that commit or "
            f"with its title is among the site's newest 500 (Netlify deletes deploys after 30 days, 90 on paid "
            "plans); restore it by hand in Netlify → Deploys, or rebuild it"
        )
    return match.id


def rollback(
    ledger: Ledger, netlify: NetlifyClient | None, environment: str, to: str, lock: bool, now: datetime
) -> Record:
    if netlify is None:
        raise InputError(no_api())
    records = ledger.records(environment, None if to == "previous" else to, live=2)
    target, current = rollback_target(records, environment, to)
    if not target.deploy_id:
        target = replace(target, deploy_id=find_on_netlify(netlify, target))
    assert target.deploy_id is not None  # noqa: S101 — set just above
    restored = netlify.restore(target.deploy_id)
    if lock:
        netlify.lock(target.deploy_id)
    since = f" from {current.sha[:7]}" if current and current.sha != target.sha else ""
    message = f"rolled back{since} to {target.sha[:7]}: restored Netlify deploy {target.deploy_id}" + (
        " and locked it" if lock else " (not locked: the next auto-published build replaces it)"
    )
    record = replace(
        target,
        id="",
        time=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="in_progress",
        decision="rollback",
        reasons=(message,),
        deploy_url=restored.url or target.deploy_url,
        extra={
            **{k: v for k, v in target.extra.items() if k == "benchmarks"},  # the paired test still needs them
            "rollback_of": current.sha if current else None,
            "locked": lock,
        },
    )
    started = ledger.start(record)
    return ledger.finish(started, Outcome("success", message, record.deploy_url, target.deploy_id))


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

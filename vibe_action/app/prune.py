"""Prune on any host: keep what is live, locked, lasting, a kept snapshot, recent or still building; delete
the rest — as a plan first (pure, printed), applied only when asked.

Each deploy comes from the host (`DeployTarget.deploys`) with `serves` filled in: the host knows which deploys
a URL depends on (Netlify keeps the newest deploy of every branch at `<branch>--<site>`; a Cloudflare Pages
deployment with an alias serves it). Deleting is the host's (`DeployTarget.delete`); a deploy the host kept
after all is said, not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from vibe_action.errors import InputError
from vibe_action.hosts.protocol import DeployTarget, HostDeploy
from vibe_action.inputs.config import Config
from vibe_action.inputs.sections import DEFAULT_VERSION_PREFIX
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, Outcome, Record
from vibe_action.render.report import table


@dataclass(frozen=True)
class PruneRow:
    deploy: HostDeploy
    action: str  # keep | delete
    why: str
    record: Record | None = None


def _age_days(created_at: str, now: datetime) -> float:
    try:
        created = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return 0.0  # an unreadable time counts as new: kept within the grace period
    created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return (now - created).total_seconds() / 86400


def prune_plan(
    deploys: list[HostDeploy],
    published_id: str | None,
    snapshots: list[Record],
    keep: int,
    grace_days: float,
    now: datetime,
    version_prefix: str | None = None,
) -> list[PruneRow]:
    """Classify every deploy; pure, so the plan can be printed, tested, and applied separately.

    Kept whatever their age: the published deploy, locked ones, those a URL depends on (`serves`) and every
    deploy on the lasting version branches (`version_prefix`): their URLs are promised for good, and their ids
    are in no ledger record."""
    if keep < 1:
        raise ValueError("keep must be at least 1")  # the front ends refuse it first, with the option's name
    rank: dict[str, tuple[int, Record]] = {}  # by deploy id, and by permalink (a ledger may keep only that)
    for snapshot in reversed(snapshots):  # ledgers list oldest first
        keys = [k for k in (snapshot.deploy_id, snapshot.deploy_url) if k]
        if keys and not any(k in rank for k in keys):
            place = (len({id(r) for _, r in rank.values()}), snapshot)
            for key in keys:
                rank[key] = place
    return [_row(deploy, published_id, rank, keep, grace_days, now, version_prefix) for deploy in deploys]


def _row(
    deploy: HostDeploy,
    published_id: str | None,
    rank: dict[str, tuple[int, Record]],
    keep: int,
    grace_days: float,
    now: datetime,
    version_prefix: str | None,
) -> PruneRow:
    index, record = rank.get(deploy.id) or rank.get(deploy.url) or (None, None)
    if deploy.id == published_id:
        return PruneRow(deploy, "keep", "published (live)", record)
    if deploy.locked:
        return PruneRow(deploy, "keep", "locked", record)
    if version_prefix and deploy.branch.startswith(version_prefix):
        return PruneRow(deploy, "keep", f"lasting version branch {deploy.branch}", record)
    if index is not None and index < keep:
        return PruneRow(deploy, "keep", f"snapshot #{index + 1} of the newest {keep}", record)
    if deploy.serves:
        return PruneRow(deploy, "keep", deploy.serves, record)
    if index is not None:
        return PruneRow(deploy, "delete", f"snapshot #{index + 1}, beyond keep={keep}", record)
    if not deploy.finished:
        return PruneRow(deploy, "keep", f"still {deploy.state or 'starting'}")
    age = _age_days(deploy.created_at, now)
    if age < grace_days:
        return PruneRow(deploy, "keep", f"not a snapshot, but younger than {grace_days:g} days")
    return PruneRow(deploy, "delete", f"not a snapshot, {age:.0f} days old")


def apply_prune(rows: list[PruneRow], target: DeployTarget, ledger: Ledger) -> tuple[int, list[str]]:
    """Delete what the plan says; (deleted, what the host kept after all and why)."""
    deleted, kept = 0, []
    for row in rows:
        if row.action != "delete":
            continue
        refused = target.delete(row.deploy)
        if refused:
            kept.append(f"{row.deploy.id}: {refused}")
            continue
        deleted += 1
        if row.record is not None:
            ledger.finish(row.record, Outcome("pruned", f"{target.name} deploy {row.deploy.id} deleted by retention"))
    return deleted, kept


def prune(
    target: DeployTarget,
    ledger: Ledger,
    environment: str,
    config: Config,
    apply: bool,
    now: datetime,
    keep: int | None = None,
) -> str:
    """`prune`: the plan as a table, and what was deleted when `apply`."""
    if keep is not None and keep < 1:
        raise InputError(f"--keep must be at least 1 (got {keep}); retention.keep is {config.retention.keep}")
    records = [r for r in ledger.records(environment, None, live=ALL_SNAPSHOTS) if r.deploy_id or r.deploy_url]
    deploys = target.deploys()
    published = target.published()
    plan = prune_plan(
        deploys,
        published.id if published else None,
        records,
        config.retention.keep if keep is None else keep,
        config.retention.grace_days,
        now,
        config.versions.branch_prefix or DEFAULT_VERSION_PREFIX,  # kept even after versions were turned off
    )
    doomed = [row for row in plan if row.action == "delete"]
    deleted, refused = apply_prune(plan, target, ledger) if apply else (0, [])
    gone = {row.deploy.id for row in doomed} - {line.split(":", 1)[0] for line in refused}
    rows = [("action", "deploy", "created", "state", "why")]
    rows += [
        (
            "deleted" if apply and r.deploy.id in gone else r.action,
            r.deploy.id,
            r.deploy.created_at[:19],
            r.deploy.state,
            r.why,
        )
        for r in plan
    ]
    head = f"prune: {len(plan)} deploys, {len(plan) - len(doomed)} kept, {len(doomed)} to delete"
    head += f" — deleted {deleted}" if apply else (" — plan only; run with --apply to delete" if doomed else "")
    tail = "".join(f"\nkept by {target.name}: {line}" for line in refused)
    return f"{head}\n{table(rows)}{tail}"

"""Netlify's deploys as the snapshot commands see them (`hosting.HostDeploy`), restoring one, and whether
production is locked.

Every build is an immutable Netlify deploy with its own permalink. Netlify keeps the newest deploy of every
branch (it serves `<branch>--<site>.netlify.app`), so prune must keep it (`serves`). Restoring publishes a
deploy again (`POST /sites/{site_id}/deploys/{deploy_id}/restore`); a deploy past its retention is gone (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError
from vibe_action.hosts.netlify.models import Deploy
from vibe_action.hosts.protocol import HostDeploy, Restored, unless_gone
from vibe_action.ledger.locks import ProductionLock, ledger_lock, lock_of_deploy
from vibe_action.ledger.records import Record

if TYPE_CHECKING:  # the client is passed in; importing it would load requests for a dry run
    from vibe_action.hosts.netlify.client import NetlifyClient

FINAL_STATES = frozenset({"ready", "error", "rejected"})


def newest_of_each_branch(deploys: list[Deploy]) -> frozenset[str]:
    """The newest deploy of every branch: what serves `<branch>--<site>.netlify.app` (Netlify keeps these)."""
    newest: dict[str, tuple[str, str]] = {}
    for deploy in deploys:
        key = deploy.branch or deploy.context
        if key not in newest or deploy.created_at > newest[key][0]:
            newest[key] = (deploy.created_at, deploy.id)
    return frozenset(ident for _, ident in newest.values())


def host_deploys(deploys: list[Deploy]) -> list[HostDeploy]:
    """The site's deploys in the host-neutral shape, each branch's newest marked as serving its URL."""
    heads = newest_of_each_branch(deploys)
    return [host_deploy(d, f"newest deploy of {d.branch or d.context}" if d.id in heads else "") for d in deploys]


def host_deploy(deploy: Deploy, serves: str = "") -> HostDeploy:
    return HostDeploy(
        id=deploy.id,
        state=deploy.state,
        created_at=deploy.created_at,
        finished=deploy.state in FINAL_STATES,
        ready=deploy.state == "ready",
        published_at=deploy.published_at,
        branch=deploy.branch,
        commit=deploy.commit_ref,
        title=deploy.title,
        production=deploy.context == "production",
        locked=deploy.locked,
        url=deploy.url,
        serves=serves,
        note=deploy.error_message,
    )


def find_on_netlify(netlify: NetlifyClient, target: Record) -> str | None:
    """The deploy id of a snapshot recorded without one (deployed without a token): the newest ready deploy
    with the gate's title for it, else of its commit; None when the site's newest 500 have neither."""
    title = target.extra.title
    deploys = [d for d in netlify.deploys(per_page=100, max_pages=5) if d.state == "ready"]
    match = next((d for d in deploys if title and d.title == title), None)
    match = match or next((d for d in deploys if d.commit_ref and target.sha.startswith(d.commit_ref)), None)
    return match.id if match else None


def restore(netlify: NetlifyClient | None, record: Record) -> Restored | str:
    """Publish the record's deploy again: what was restored, or why it cannot be."""

    if netlify is None:
        return "there is no Netlify token, and only the API can restore a deploy"
    deploy_id = record.deploy_id or find_on_netlify(netlify, record)
    if not deploy_id:
        return f"no ready deploy of {record.sha[:7]} or with its title among the site's newest 500"
    restored = unless_gone(lambda: netlify.restore(deploy_id))
    if restored is None:
        return f"Netlify deleted its deploy {deploy_id} (HTTP 404: past its retention, or pruned)"
    return Restored(deploy_id, restored.url or None, f"restored Netlify deploy {deploy_id}")


def current_lock(
    records: list[Record], environment: str, netlify: NetlifyClient | None
) -> tuple[ProductionLock | None, str]:
    """(the lock that pins production, or None; a note when Netlify could not be asked). With a token the
    answer is Netlify's (a lock lifted in its UI is lifted); without one, the ledger's."""
    if netlify is None:
        return ledger_lock(records, environment), ""
    try:
        published = netlify.published_deploy()
    except ExternalError as exc:
        return ledger_lock(records, environment), f"could not ask Netlify whether production is locked ({exc})"
    if published is None or not published.locked:
        return None, ""
    return lock_of_deploy(records, published.id, published.published_at), ""

"""Netlify's part in resolving records a run left `in_progress` (`deploy/recovery.py`): how long a run can
take (hook timeout + confirmation budget + a margin), and what became of the build — with a token, found by the
title the record kept; without one, `unconfirmed` (it keeps counting and is not fired again).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError
from vibe_action.hosts.netlify.confirm import confirm
from vibe_action.hosts.netlify.models import CONNECT_TIMEOUT
from vibe_action.ledger.records import Outcome, Record

if TYPE_CHECKING:
    from vibe_action.hosts.netlify.client import NetlifyClient

STALE_MARGIN = 300.0  # seconds beyond the longest a run can take between its in_progress record and the outcome


def stale_after(hook_timeout: float, confirm_timeout: float) -> timedelta:
    """How old an `in_progress` record must be before no live run can still be writing its outcome."""
    return timedelta(seconds=CONNECT_TIMEOUT + hook_timeout + confirm_timeout + STALE_MARGIN)


def look_up(record: Record, netlify: NetlifyClient | None) -> Outcome:
    """What Netlify shows of the build an unrecorded run started: by the title the record kept."""
    note = "the run that fired it did not record an outcome"
    if netlify is None:
        return Outcome("unconfirmed", f"{note}; without a Netlify token the gate cannot look, so it stays counted")

    if record.deploy_id:  # an upload records its deploy's id before sending any file
        return _upload_outcome(record.deploy_id, netlify, note)
    title = record.extra.title
    fired = record.started
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


# States of an upload whose files did not all arrive: such a deploy is never published (netlify/cli util.ts).
UNSENT = frozenset({"new", "preparing", "prepared", "uploading"})


def _upload_outcome(deploy_id: str, netlify: NetlifyClient, note: str) -> Outcome:
    """An upload's deploy, looked at by its id: ready (it went live), failed, never complete (its files did not
    all arrive, so nothing went live: free, and the commit may be tried again), or still processing."""
    try:
        deploy = netlify.deploy(deploy_id)
    except ExternalError as exc:
        return Outcome("unconfirmed", f"{note}; Netlify could not be asked about deploy {deploy_id} ({exc})")
    if deploy.state == "ready":
        return Outcome("success", f"{note}; Netlify deploy {deploy_id} is ready", deploy.url, deploy_id)
    if deploy.state in ("error", "rejected"):
        return Outcome("failure", f"{note}; Netlify deploy {deploy_id} failed: {deploy.error_message}", None, deploy_id)
    if deploy.state in UNSENT:
        return Outcome(
            "failure",
            f"{note}; its upload stopped with deploy {deploy_id} '{deploy.state}' — never published",
            None,
            deploy_id,
        )
    return Outcome("unconfirmed", f"{note}; Netlify deploy {deploy_id} is still '{deploy.state}'", None, deploy_id)

"""After the build starts: find the deploy it makes on Netlify, and wait for it to be ready or to fail.

A build hook answers with no deploy id, so the deploy is found in the site's newest deploys by its title (the
hook's `trigger_title`) or by its commit and creation time. It is then polled with growing intervals within a
time budget. The clock and the sleep are arguments, so tests run this without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from vibe_action.netlify.models import Deploy

if TYPE_CHECKING:
    from vibe_action.netlify.api import NetlifyClient

FINAL_OK = frozenset({"ready"})
FINAL_ERROR = frozenset({"error", "rejected"})
MAX_INTERVAL = 30.0
PROGRESS_EVERY = 5.0  # seconds between progress lines
MAX_POLLS = 200  # a hard bound on requests, whatever the budget and interval
CLOCK_SKEW = timedelta(minutes=2)  # the runner's clock and Netlify's may disagree a little


@dataclass(frozen=True)
class Confirmation:
    """`ready`, `error` (the build failed), `timeout` (still building) or `not_found`."""

    state: str
    message: str
    deploy: Deploy | None = None

    def commit_mismatch(self, sha: str) -> bool:
        """Netlify built another commit than the one evaluated (a build hook builds the branch head)."""
        ref = self.deploy.commit_ref if self.deploy else ""
        return bool(ref) and not (sha.startswith(ref) or ref.startswith(sha))


def parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _matches(deploy: Deploy, title: str, sha: str, fired_at: datetime) -> bool:
    if deploy.title == title:
        return True
    created = parse_time(deploy.created_at)
    return deploy.commit_ref == sha and created is not None and created >= fired_at - CLOCK_SKEW


def confirm(
    client: NetlifyClient,
    *,
    sha: str,
    title: str,
    fired_at: datetime,
    budget: float,
    first_interval: float,
    deploy_id: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda _text: None,
) -> Confirmation:
    started = clock()
    deadline = started + budget
    told = started - PROGRESS_EVERY
    interval = first_interval
    deploy: Deploy | None = None
    for _ in range(MAX_POLLS):
        if deploy_id is None:
            deploy = next(
                (d for d in client.deploys(per_page=20, max_pages=1) if _matches(d, title, sha, fired_at)), None
            )
            deploy_id = deploy.id if deploy else None
        else:
            deploy = client.deploy(deploy_id)
        if deploy is not None and deploy.state in FINAL_OK:
            return Confirmation("ready", f"Netlify deploy {deploy.id} is ready: {deploy.url}", deploy)
        if deploy is not None and deploy.state in FINAL_ERROR:
            reason = deploy.error_message or "no error message"
            return Confirmation("error", f"Netlify deploy {deploy.id} failed: {reason}", deploy)
        if clock() + interval > deadline:
            break
        if clock() - told >= PROGRESS_EVERY:
            told = clock()
            what = f"deploy {deploy.id}… ({deploy.state}" if deploy else "the deploy to appear… (not listed yet"
            progress(f"waiting for {what}, {told - started:.0f} s of {budget:g} s)")
        sleep(interval)
        interval = min(interval * 1.5, MAX_INTERVAL)
    if deploy is None:
        return Confirmation("not_found", f"no Netlify deploy for this build appeared within {budget:g} s")
    return Confirmation("timeout", f"Netlify deploy {deploy.id} is still '{deploy.state}' after {budget:g} s", deploy)

"""After the build starts: find the deploy it makes on Netlify, and wait for it to be ready or to fail.

A build hook answers with no deploy id, so the deploy is found in the site's newest deploys. On a site linked to
the repository Netlify also builds every push, and with the `ignore` recipe each of those is listed as a deploy of
the same commit that ended in `error` ("Canceled build due to no content change"; forem/forem#12108,
dandi/dandi-archive#1083). And the hook's own deploy may not be listed yet when the hook answers. So the deploy
is the hook's only when it carries the hook's `trigger_title` (Netlify: "Build hooks", `trigger_title` sets the
deploy's title) and is not one of the deploys listed just before the POST or held by the ledger (an earlier
build of the same commit and title, e.g. a retry after a failed build). Only when that listing is missing is
the creation time compared with the POST's (less the clock skew). A commit match alone is never enough.
The deploy is then polled with growing intervals within a time budget; one not listed yet is looked for again
until the budget ends. The clock and the sleep are arguments, so tests run this without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from vibe_action.errors import ExternalError
from vibe_action.hosts.netlify.models import Deploy

if TYPE_CHECKING:
    from vibe_action.hosts.netlify.client import NetlifyClient

FINAL_OK = frozenset({"ready"})
FINAL_ERROR = frozenset({"error", "rejected"})
MAX_INTERVAL = 30.0
PROGRESS_EVERY = 5.0  # seconds between progress lines
MAX_POLLS = 200  # a hard bound on requests, whatever the budget and interval
CLOCK_SKEW = timedelta(minutes=2)  # the runner's clock and Netlify's may disagree a little
LOOK_BACK = 20  # deploys read per look: the hook's own is among the newest


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
    """Netlify's ISO 8601 time, whatever its offset; one without an offset is taken as UTC (comparing it with
    an aware time would raise after the POST, leaving the record in_progress); None when it is not a time."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, TypeError, AttributeError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Before:
    """What the site held before the POST, so none of it is taken for the build the POST starts: the deploys
    listed just before it (None when that listing failed) and those the ledger already records."""

    listed: frozenset[str] | None = None
    recorded: frozenset[str] = frozenset()

    def holds(self, deploy_id: str) -> bool:
        return deploy_id in self.recorded or (self.listed is not None and deploy_id in self.listed)


def is_hook_deploy(deploy: Deploy, title: str, fired_at: datetime, before: Before = Before()) -> bool:
    """The deploy a POST titled `title` at `fired_at` started: its title, and not there before the POST. The
    creation time is compared only when no listing from before the POST tells (Netlify's clock is its own)."""
    if before.holds(deploy.id) or deploy.title != title:
        return False
    if before.listed is not None:
        return True
    created = parse_time(deploy.created_at)
    return created is None or created >= fired_at - CLOCK_SKEW


def known_deploys(client: NetlifyClient, recorded: frozenset[str] = frozenset()) -> Before:
    """The newest deploys just before a POST: none of them can be the build it starts."""
    try:
        listed = frozenset(d.id for d in client.deploys(per_page=LOOK_BACK, max_pages=1))
    except ExternalError:
        listed = None  # then the creation time tells instead
    return Before(listed, recorded)


def confirm(
    client: NetlifyClient,
    *,
    title: str,
    fired_at: datetime,
    budget: float,
    first_interval: float,
    deploy_id: str | None = None,
    before: Before = Before(),
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
            listed = client.deploys(per_page=LOOK_BACK, max_pages=1)
            deploy = next((d for d in listed if is_hook_deploy(d, title, fired_at, before)), None)
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

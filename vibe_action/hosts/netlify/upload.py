"""Uploading the evaluated build to Netlify instead of asking Netlify to build (`upload: {dir}` in deploy.yaml).

The order is netlify-cli's (`src/utils/deploy/deploy-site.ts`): make the deploy, send its file digest (path →
SHA-1), PUT each file Netlify says it lacks (`required`), then wait until the deploy is `ready`. Making the deploy
first gives its id before any file is sent, so the run records it `in_progress` with that id (`app/carry.py`): a
run that dies mid-upload leaves a record a later run resolves by the id, never a second deploy made blindly.

What may repeat and what may not: the POST that makes the deploy is not idempotent — when its answer is lost the
deploy is looked for by its title (which carries the evaluated commit) among those made since, and used if found;
otherwise the outcome is unknown and nothing is made again. The digest PUT and each file PUT are idempotent (the
same bytes again) and retried by the transport. A deploy whose files never all arrived is never published, so a
failure before the last file is a plain failure: nothing went live.

Bounds: the folder's limits are checked before anything is sent (`inputs/upload_folder.py`); each request has the
transport's deadline, and the upload as a whole UPLOAD_BUDGET (netlify-cli's deploy timeout, 20 minutes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from vibe_action.decide.decision import PreviewDeploy
from vibe_action.errors import ExternalError
from vibe_action.hosts.netlify.confirm import MAX_INTERVAL, Before, confirm, is_hook_deploy
from vibe_action.hosts.netlify.services import NetlifyServices
from vibe_action.hosts.protocol import Landed, Started
from vibe_action.inputs.upload_folder import UploadFolder
from vibe_action.ledger.extra import RecordExtra

if TYPE_CHECKING:
    from vibe_action.hosts.netlify.client import NetlifyClient
    from vibe_action.hosts.netlify.models import Deploy

UPLOAD_BUDGET = 1200.0  # seconds for the whole upload: netlify-cli's DEFAULT_DEPLOY_TIMEOUT
DIFFED = frozenset({"prepared", "uploading", "uploaded", "processing", "ready", "error"})  # util.ts waitForDiff
PROGRESS_FILES = 10  # a progress line every tenth of the files (and the last)


def make_deploy(services: NetlifyServices, title: str, fired_at: datetime, before: Before) -> Started:
    """The deploy the upload goes into. A lost answer: the deploy made since `fired_at` with this title, else
    unknown — never a second POST."""
    from vibe_action.hosts.netlify.client import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

    netlify = services.netlify
    assert netlify is not None  # noqa: S101 — the target's check() made sure
    try:
        deploy = netlify.create_deploy(title)
    except MaybeActedError as exc:
        found = _made_since(netlify, title, fired_at, before)
        if found is None:
            return Started("unknown", f"{exc}; the deploy may have been made — not made again")
        said = f"Netlify made deploy {found.id} (its answer was lost; found by its title)"
        return Started("accepted", said, found.id, deploy_url=found.url or None)
    except ExternalError as exc:
        return Started("rejected", f"Netlify API could not make the deploy: {exc}")
    return Started(
        "accepted", f"Netlify deploy {deploy.id} made for the upload", deploy.id, deploy_url=deploy.url or None
    )


def _made_since(netlify: NetlifyClient, title: str, fired_at: datetime, before: Before) -> Deploy | None:
    try:
        listed = netlify.deploys(per_page=20, max_pages=1)
        return next((d for d in listed if is_hook_deploy(d, title, fired_at, before)), None)
    except ExternalError:
        return None


def send_files(
    services: NetlifyServices,
    folder: UploadFolder,
    deploy_id: str,
    fired_at: datetime,
    poll_interval: float,
    budget: float = UPLOAD_BUDGET,
    draft: bool = False,
    branch: str | None = None,
) -> Landed:
    """Send the digest and the files Netlify lacks, then wait for the deploy: `success` once ready, `failure`
    when it fails or when the files did not all arrive (nothing went live), `unconfirmed` when every file is in
    but the deploy did not finish within the budget (it may yet go live)."""
    netlify = services.netlify
    assert netlify is not None  # noqa: S101 — the target's check() made sure
    clock = services.clock
    deadline = clock() + budget
    extra = RecordExtra(
        netlify_deploy_id=deploy_id,
        upload_digest=folder.digest,
        upload_files=len(folder.files),
        upload_bytes=folder.total_bytes,
    )
    try:
        deploy = netlify.set_deploy_files(deploy_id, folder.sha1_map(), draft=draft, branch=branch)
        deploy = _diffed(netlify, deploy, deadline, poll_interval, clock, services.sleep)
        if deploy.state not in DIFFED:
            return Landed(
                "failure", f"Netlify did not diff the file digest within {budget:g} s", deploy_id, extra=extra
            )
        sent = _send(netlify, folder, deploy, deadline, services.progress, clock)
    except ExternalError as exc:
        return Landed(
            "failure", f"the upload stopped: {exc}; deploy {deploy_id} never went live", deploy_id, extra=extra
        )
    if sent:
        return Landed("failure", sent, deploy_id, extra=extra)
    confirmation = confirm(
        netlify,
        title="",
        fired_at=fired_at,
        budget=max(deadline - clock(), 0.0),
        first_interval=poll_interval,
        deploy_id=deploy_id,
        clock=clock,
        sleep=services.sleep,
        progress=services.progress,
    )
    found = confirmation.deploy
    extra = extra.merged(RecordExtra(netlify_state=found.state if found else None))
    if confirmation.state == "ready" and found is not None:
        return Landed("success", confirmation.message, deploy_id, found.url, "ready", extra)
    if confirmation.state == "error":
        return Landed("failure", confirmation.message, deploy_id, None, "error", extra)
    warning = f"{confirmation.message}; every file was sent, so it may yet go live — recorded as unconfirmed"
    return Landed("unconfirmed", confirmation.message, deploy_id, None, confirmation.state, extra, (warning,))


def _diffed(
    netlify: NetlifyClient,
    deploy: Deploy,
    deadline: float,
    interval: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> Deploy:
    """An async digest is diffed in the background: poll until Netlify says which files it lacks."""
    while deploy.state not in DIFFED and clock() + interval <= deadline:
        sleep(interval)
        interval = min(max(interval, 1.0) * 1.5, MAX_INTERVAL)
        deploy = netlify.deploy(deploy.id)
    return deploy


def _send(
    netlify: NetlifyClient,
    folder: UploadFolder,
    deploy: Deploy,
    deadline: float,
    progress: Callable[[str], None],
    clock: Callable[[], float],
) -> str:
    """PUT each required file; '' when all went, else why the upload stopped (nothing went live)."""
    if deploy.state == "error":
        return f"Netlify deploy {deploy.id} failed before its files were sent: {deploy.error_message or 'no message'}"
    wanted = folder.by_sha1()
    unknown = [sha for sha in deploy.required if sha not in wanted]
    if unknown:
        return f"Netlify asked for {len(unknown)} file(s) that are not in the digest sent; nothing went live"
    total = sum(wanted[sha].size for sha in deploy.required)
    step = max(len(deploy.required) // PROGRESS_FILES, 1)
    done = 0
    for index, sha in enumerate(deploy.required, start=1):
        if clock() > deadline:
            return f"the upload took longer than {UPLOAD_BUDGET:g} s; deploy {deploy.id} never went live"
        item = wanted[sha]
        data = item.source.read_bytes()
        if hashlib.sha1(data, usedforsecurity=False).hexdigest() != sha:
            return f"{item.path} changed while it was being uploaded; deploy {deploy.id} never went live"
        netlify.upload_file(deploy.id, item.path, data)
        done += len(data)
        if index % step == 0 or index == len(deploy.required):
            progress(f"upload: {index}/{len(deploy.required)} files, {done:,} of {total:,} bytes")
    return ""


def upload_preview(services: NetlifyServices, folder: UploadFolder, title: str, poll_interval: float) -> PreviewDeploy:
    """The candidate's build as a Netlify draft deploy (`draft: true`: never published, its own permalink);
    nothing is recorded in the ledger. A lost create answer is not looked for: a preview is made again next run."""
    from vibe_action.hosts.netlify.client import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

    netlify = services.netlify
    assert netlify is not None  # noqa: S101 — the target checked
    fired_at = services.wall_clock()
    try:
        deploy = netlify.create_deploy(title, draft=True)
    except (MaybeActedError, ExternalError) as exc:
        return PreviewDeploy(None, f"no preview: Netlify could not make the draft deploy ({exc})")
    landed = send_files(services, folder, deploy.id, fired_at, poll_interval, draft=True)
    if landed.status == "success" and landed.deploy_url:
        return PreviewDeploy(landed.deploy_url, f"try this candidate: {landed.deploy_url}", deploy.id)
    return PreviewDeploy(None, f"no preview: {landed.message}", deploy.id)


def upload_version(
    services: NetlifyServices, folder: UploadFolder, branch: str, title: str, poll_interval: float
) -> tuple[bool, str, str | None]:
    """A version's lasting URL in upload mode: the same folder uploaded once more as a deploy of the branch
    `<prefix>vN` (netlify-cli's `--alias`: `branch` in the deploy), which Netlify keeps as that branch's newest
    deploy at `<branch>--<site>.netlify.app` — no git branch, no build. (ok, what was done, the deploy's URL)."""
    from vibe_action.hosts.netlify.client import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

    netlify = services.netlify
    assert netlify is not None  # noqa: S101 — the target checked
    fired_at = services.wall_clock()
    try:
        deploy = netlify.create_deploy(title[:200], branch=branch)
    except MaybeActedError as exc:
        return False, f"the branch deploy of {branch} may have been made ({exc}); not made again", None
    except ExternalError as exc:
        return False, f"could not make the branch deploy of {branch}: {exc}", None
    landed = send_files(services, folder, deploy.id, fired_at, poll_interval, branch=branch)
    if landed.status != "success":
        return False, f"the branch deploy of {branch} did not go live: {landed.message}", None
    return True, f"uploaded once more as the branch deploy of {branch}", landed.deploy_url

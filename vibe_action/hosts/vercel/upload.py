"""Uploading the evaluated build to Vercel instead of asking Vercel to build.

The folder goes up as a prebuilt deployment in the Build Output API's layout (v3, what `vercel build` writes
and `vercel deploy --prebuilt` sends): every file under `.vercel/output/static/`, beside a
`.vercel/output/config.json` of `{"version": 3}` — so Vercel serves the files and runs no build of its own.

The steps are the Vercel CLI's (`@vercel/client`): `POST /v13/deployments` with the file list (path, SHA-1,
size); when Vercel answers `missing_files` (nothing was made) the files it lacks go up by `POST /v2/files` and the
deployment is sent again; then `GET /v13/deployments/{id}` until READY or ERROR. Files are content-addressed,
so a file sent again is harmless and retried; a create that may have acted is never sent again — its answer
lost, the deployment is looked for among the project's newest by the evaluated commit in its `meta`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vibe_action.errors import ExternalError
from vibe_action.hosts.http.polling import Pacing, Watch, wait_until_finished
from vibe_action.hosts.protocol import Started
from vibe_action.inputs.upload_folder import UploadFolder

if TYPE_CHECKING:
    from vibe_action.hosts.vercel.client import VercelClient, VercelDeployment

OUTPUT = ".vercel/output"
CONFIG = b'{"version": 3}\n'  # the Build Output API's config.json: static files, no routes of its own
UPLOAD_BUDGET = 1200.0
SHA_KEY = "vibeGateSha"  # meta of each deployment the gate makes: the evaluated commit, how it is found again
KIND_KEY = "vibeGateKind"  # production | preview | version
MAX_ATTEMPTS = 3  # creates answered `missing_files` (each made nothing) before giving up


@dataclass(frozen=True)
class VercelFile:
    path: str  # as the deployment lists it (.vercel/output/static/index.html)
    sha: str
    size: int
    read: Callable[[], bytes]


def vercel_files(folder: UploadFolder) -> tuple[VercelFile, ...]:
    """The folder in the Build Output API's layout, with its config.json."""
    files = [VercelFile(f"{OUTPUT}/static{f.path}", f.sha1, f.size, f.source.read_bytes) for f in folder.files]
    config_sha = hashlib.sha1(CONFIG, usedforsecurity=False).hexdigest()
    files.append(VercelFile(f"{OUTPUT}/config.json", config_sha, len(CONFIG), lambda: CONFIG))
    return tuple(files)


def deployment_body(name: str, files: tuple[VercelFile, ...], sha: str, title: str, kind: str) -> dict[str, Any]:
    """`POST /v13/deployments`'s body: production has `target: production`; a preview or a version has none."""
    body: dict[str, Any] = {
        "name": name,
        "project": name,
        "files": [{"file": f.path, "sha": f.sha, "size": f.size} for f in files],
        "meta": {SHA_KEY: sha, KIND_KEY: kind, "vibeGateTitle": title[:200]},
    }
    if kind == "production":
        body["target"] = "production"
    return body


def deploy_upload(
    vercel: VercelClient,
    name: str,
    files: tuple[VercelFile, ...],
    sha: str,
    title: str,
    kind: str,
    listed: frozenset[str] | None,
    since: int,
    progress: Callable[[str], None],
    late: Callable[[], bool] = lambda: False,
) -> Started:
    """Make the deployment, sending what Vercel lacks in between; `rejected` when nothing was made."""
    from vibe_action.hosts.http.json_api import MaybeActedError  # noqa: PLC0415 — requests loads only when sending
    from vibe_action.hosts.vercel.client import MissingFilesError  # noqa: PLC0415

    body = deployment_body(name, files, sha, title, kind)
    by_sha = {f.sha: f for f in files}
    sent = 0
    for _ in range(MAX_ATTEMPTS):
        try:
            made = vercel.create_deployment(body)
        except MissingFilesError as exc:
            try:
                sent += _send(vercel, [by_sha[m] for m in exc.missing if m in by_sha], progress, late)
            except ExternalError as failed:
                return Started("rejected", f"the upload to Vercel stopped: {failed}; nothing was published")
            continue
        except MaybeActedError as exc:
            found = made_since(vercel, sha, kind, listed, since)
            if found is None:
                return Started("unknown", f"{exc}; the deployment may have been made — not made again")
            said = f"Vercel made deployment {found.id} (its answer was lost; found by its commit)"
            return Started("accepted", said, found.id, deploy_url=found.url or None)
        except ExternalError as exc:
            return Started("rejected", f"Vercel refused the deployment: {exc}")
        said = f"Vercel deployment {made.id} made from the upload ({len(files)} files, {sent:,} bytes sent)"
        return Started("accepted", said, made.id, deploy_url=made.url or None)
    return Started("rejected", f"Vercel still lacked files after {MAX_ATTEMPTS} uploads; nothing was published")


def _send(
    vercel: VercelClient, files: list[VercelFile], progress: Callable[[str], None], late: Callable[[], bool]
) -> int:
    total = sum(f.size for f in files)
    done = 0
    step = max(len(files) // 10, 1)
    for index, item in enumerate(files, start=1):
        if late():
            raise ExternalError(f"the upload took longer than {UPLOAD_BUDGET:g} s ({index - 1} files sent)")
        data = item.read()
        if hashlib.sha1(data, usedforsecurity=False).hexdigest() != item.sha:
            raise ExternalError(f"{item.path} changed while it was being uploaded")
        vercel.upload_file(item.sha, data)
        done += len(data)
        if index % step == 0 or index == len(files):
            progress(f"upload: {index}/{len(files)} files, {done:,} of {total:,} bytes")
    return done


def made_since(
    vercel: VercelClient, sha: str, kind: str, listed: frozenset[str] | None, since: int
) -> VercelDeployment | None:
    """The deployment a create whose answer was lost made: the gate's, of this commit and kind, new since."""
    try:
        found = vercel.deployments(target="production" if kind == "production" else None, since=since)
    except ExternalError:
        return None
    for deployment in found:
        if deployment.meta.get(SHA_KEY) != sha or deployment.meta.get(KIND_KEY) != kind:
            continue
        if listed is None or deployment.id not in listed:
            return deployment
    return None


def wait_ready(vercel: VercelClient, deployment_id: str, pacing: Pacing) -> VercelDeployment | None:
    """Poll until READY, ERROR or CANCELED, or the budget ends; None when it could not be read at all."""

    def where(found: VercelDeployment | None) -> str:
        return f"waiting for deployment {deployment_id} ({found.state if found else '?'}) on Vercel"

    return wait_until_finished(
        Watch(lambda: vercel.deployment(deployment_id), lambda d: d.outcome != "building", where), pacing
    )

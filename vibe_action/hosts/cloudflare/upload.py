"""Uploading the evaluated build to Cloudflare Pages (Direct Upload) instead of asking Pages to build.

The steps are wrangler's (`packages/wrangler/src/pages/upload.ts`, `api/pages/deploy.ts`; the API reference's
"Pages → Assets" and "Get upload token", whose types the official SDK carries):
1. `GET …/upload-token`: a short-lived JWT that is the bearer for the asset store (step 2-4);
2. `POST /pages/assets/check-missing` with every file's key → the keys the store lacks;
3. `POST /pages/assets/upload` in buckets (at most 40 MiB and 2,000 files each): `{key, value: base64,
   metadata: {contentType}, base64: true}`;
4. `POST /pages/assets/upsert-hashes` with every key (a later deploy skips them);
5. `POST …/deployments` as multipart: `manifest` (`{"/path": key}`), the commit's fields, and `_headers` /
   `_redirects` as files of their own — Pages reads them from there, not from the assets.
A file's key is the first 32 hex digits of BLAKE3(base64(bytes) + extension) (wrangler's `hash.ts`).

What may repeat and what may not: the asset store is content-addressed, so steps 2-4 are idempotent and retried
(an expired upload token — HTTP 401 — is fetched anew, up to RENEWALS times a step, as wrangler does on each
attempt). Nothing is published until step 5, the one request that makes a deployment: it is sent once. When its
answer is lost, the deployment is looked for — a deployment made by the API (`ad_hoc`) for the evaluated commit
that was not listed before — and used if found; otherwise the outcome is unknown and nothing is made again. Unlike
Netlify, Pages names the deployment only once every file is in, so the run's `in_progress` record (written before
step 1) gets the deployment's id after step 5; a run that dies before it leaves a record the next run resolves by
the commit (`find`).

Special files, as wrangler treats them (`pages/validate.ts`'s ignore list, `api/pages/deploy.ts`): `_headers`
and `_redirects` at the root are sent as form fields, not assets; `_routes.json` only matters beside a Worker and
is left out; a `functions/` folder at the root is left out (wrangler never uploads it as assets); `_worker.js` —
a Worker wrangler bundles with esbuild — is refused: the gate uploads static files only.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import blake3

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.cloudflare.snapshots import API_TRIGGER
from vibe_action.hosts.http.polling import Pacing, Watch, wait_until_finished
from vibe_action.hosts.protocol import Started
from vibe_action.inputs.upload_folder import UploadFile, UploadFolder

if TYPE_CHECKING:
    from vibe_action.hosts.cloudflare.client import PagesClient, PagesDeployment

KEY_DIGITS = 32
MAX_BUCKET_BYTES = 40 * 1024 * 1024  # wrangler's MAX_BUCKET_SIZE (pages/constants.ts)
MAX_BUCKET_FILES = 2000  # wrangler's MAX_BUCKET_FILE_COUNT
FORM_FILES = ("/_headers", "/_redirects")  # sent beside the manifest, as wrangler does
LEFT_OUT = ("/_routes.json",)  # read by Pages only beside a Worker, which the gate does not upload
LEFT_OUT_FOLDERS = ("/functions/",)  # Pages Functions: wrangler builds them from source, never as assets
REFUSED = ("/_worker.js",)  # a file, or a folder of modules: a Worker wrangler bundles
CLOCK_SKEW = timedelta(minutes=2)
UPLOAD_BUDGET = 1200.0  # seconds for the whole upload, as Netlify's (a deadline per request besides)
# The `mime` package's answers (which wrangler uses) for the types a front end ships, where Python's built-in
# table differs between versions or lacks them; anything else: Python's built-in table (never the machine's).
CONTENT_TYPES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
    ".md": "text/markdown",
}
_BUILT_IN_TYPES = mimetypes.MimeTypes()  # the standard library's own table, not /etc/mime.types


@dataclass(frozen=True)
class PagesFile:
    """One asset: its path, where it is, its key in the asset store and the type Pages serves it with."""

    path: str
    item: UploadFile
    key: str
    content_type: str


@dataclass(frozen=True)
class PagesUpload:
    """What a Direct Upload sends: the assets, the special files sent as form fields, and notes for the user."""

    assets: tuple[PagesFile, ...]
    form: dict[str, bytes]
    notes: tuple[str, ...]

    def manifest(self) -> dict[str, str]:
        return {f.path: f.key for f in self.assets}


def file_key(data: bytes, path: str) -> str:
    """wrangler's `hashFile`: BLAKE3 over the base64 text and the extension (without its dot), 32 hex digits."""
    extension = PurePosixPath(path).suffix[1:]
    text = base64.b64encode(data) + extension.encode("utf-8")
    return str(blake3.blake3(text).hexdigest())[:KEY_DIGITS]


def content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return _BUILT_IN_TYPES.guess_type(f"x{suffix}")[0] or "application/octet-stream"


def pages_upload(folder: UploadFolder, shown: str) -> PagesUpload:
    """The folder as Pages takes it (the rules above), or InputError for what Pages cannot take from the gate.
    Each file is read again for its key (the folder's reading kept only its SHA digests)."""
    refused = [f.path for f in folder.files if any(f.path == r or f.path.startswith(r + "/") for r in REFUSED)]
    if refused:
        raise InputError(
            f"{shown}{refused[0]}: a _worker.js is a Worker that wrangler bundles before it deploys; the gate uploads "
            "static files only — deploy Workers and Functions with `wrangler pages deploy`, or leave _worker.js out "
            'of the upload folder (docs/hosts.md, "Cloudflare Pages: uploading the evaluated build (Direct Upload)")'
        )
    assets: list[PagesFile] = []
    form: dict[str, bytes] = {}
    notes: list[str] = []
    for item in folder.files:
        if item.path in FORM_FILES:
            form[item.path[1:]] = item.source.read_bytes()
            continue
        if item.path in LEFT_OUT:
            notes.append(f"{shown}{item.path} left out: Pages reads it only beside a Worker (as wrangler does)")
            continue
        if any(item.path.startswith(prefix) for prefix in LEFT_OUT_FOLDERS):
            continue
        assets.append(
            PagesFile(item.path, item, file_key(item.source.read_bytes(), item.path), content_type(item.path))
        )
    if any(f.path.startswith(LEFT_OUT_FOLDERS) for f in folder.files):
        notes.append(f"{shown}/functions/ left out: Pages Functions are built by wrangler, not uploaded as files")
    if not assets:
        raise InputError(f"the upload folder {shown} holds no file Pages serves (only its special files)")
    return PagesUpload(tuple(assets), form, tuple(notes))


def buckets(files: list[PagesFile]) -> Iterator[list[PagesFile]]:
    """Files in buckets of at most MAX_BUCKET_BYTES and MAX_BUCKET_FILES, largest first (wrangler fills its
    buckets the same way; sequential here: the run's time is the host's, not the gate's)."""
    bucket: list[PagesFile] = []
    size = 0
    for item in sorted(files, key=lambda f: (-f.item.size, f.path)):
        if bucket and (size + item.item.size > MAX_BUCKET_BYTES or len(bucket) >= MAX_BUCKET_FILES):
            yield bucket
            bucket, size = [], 0
        bucket.append(item)
        size += item.item.size
    if bucket:
        yield bucket


RENEWALS = 3  # new upload tokens one step may fetch (wrangler fetches one on each of its 5 attempts)


class UploadToken:
    """The asset store's bearer: fetched once, fetched anew when the store says it expired (HTTP 401)."""

    def __init__(self, pages: PagesClient) -> None:
        self.pages = pages
        self.jwt = pages.upload_token()
        self.renewed = 0

    def call(self, step: Callable[[str], object]) -> object:
        for _ in range(RENEWALS):
            try:
                return step(self.jwt)
            except ExternalError as exc:
                if exc.status != 401:
                    raise
                self.jwt = self.pages.upload_token()
                self.renewed += 1
        return step(self.jwt)


def send_assets(
    pages: PagesClient, upload: PagesUpload, progress: Callable[[str], None], late: Callable[[], bool] = lambda: False
) -> int:
    """Steps 1-4: the store holds every asset afterwards. Returns the bytes sent. `late`: the upload's overall
    deadline has passed (checked before each bucket; each request has its own besides)."""
    token = UploadToken(pages)
    keys = sorted({f.key for f in upload.assets})
    missing = token.call(lambda jwt: pages.check_missing(jwt, keys))
    wanted = set(missing) if isinstance(missing, list) else set(keys)
    unique: dict[str, PagesFile] = {}
    for item in upload.assets:
        if item.key in wanted:
            unique.setdefault(item.key, item)
    total = sum(f.item.size for f in unique.values())
    sent_files = sent_bytes = 0
    for bucket in buckets(list(unique.values())):
        if late():
            raise ExternalError(f"the upload took longer than {UPLOAD_BUDGET:g} s ({sent_files} files sent)")
        body = [_asset(f) for f in bucket]
        token.call(lambda jwt, body=body: pages.upload_assets(jwt, body))  # type: ignore[misc]
        sent_files += len(bucket)
        sent_bytes += sum(f.item.size for f in bucket)
        progress(f"upload: {sent_files}/{len(unique)} files, {sent_bytes:,} of {total:,} bytes")
    token.call(lambda jwt: pages.upsert_hashes(jwt, keys))
    return sent_bytes


def _asset(item: PagesFile) -> dict[str, object]:
    data = item.item.source.read_bytes()
    if file_key(data, item.path) != item.key:
        raise ExternalError(f"{item.path} changed while it was being uploaded")
    return {
        "key": item.key,
        "value": base64.b64encode(data).decode("ascii"),
        "metadata": {"contentType": item.content_type},
        "base64": True,
    }


def deployment_fields(upload: PagesUpload, sha: str, message: str, branch: str | None) -> dict[str, str]:
    """The multipart fields of step 5 (no `branch`: the project's production branch, as wrangler leaves it)."""
    fields = {
        "manifest": json.dumps(upload.manifest(), sort_keys=True),
        "commit_hash": sha,
        "commit_message": message[:200],
        "commit_dirty": "false",
    }
    if branch:
        fields["branch"] = branch
    return fields


def made_since(
    pages: PagesClient, sha: str, listed: frozenset[str] | None, since: datetime, production: bool = True
) -> PagesDeployment | None:
    """The deployment a create whose answer was lost made: by the API, of this commit, new since the listing
    (or, without one, created since `since` less the clock skew)."""
    env = "production" if production else "preview"
    try:
        found = list(pages.deployments(env=env, max_pages=1))
    except ExternalError:
        return None
    for deployment in found:
        if deployment.trigger != API_TRIGGER or not sha.startswith(deployment.commit_hash or "\0"):
            continue
        if listed is not None:
            if deployment.id not in listed:
                return deployment
            continue
        if _created(deployment) >= since - CLOCK_SKEW:
            return deployment
    return None


def _created(deployment: PagesDeployment) -> datetime:
    try:
        created = datetime.fromisoformat(deployment.created_on.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)
    return created if created.tzinfo else created.replace(tzinfo=timezone.utc)


def deploy_upload(
    pages: PagesClient,
    upload: PagesUpload,
    sha: str,
    message: str,
    branch: str | None,
    listed: frozenset[str] | None,
    began: datetime,
    progress: Callable[[str], None],
    late: Callable[[], bool] = lambda: False,
) -> Started:
    """Steps 1-5: every asset into the store, then the one request that makes the deployment. A failure before
    step 5 published nothing (`rejected`); a lost answer to step 5 is looked for, never sent again."""
    from vibe_action.hosts.http.json_api import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

    try:
        sent = send_assets(pages, upload, progress, late)
    except ExternalError as exc:
        return Started("rejected", f"the upload to Cloudflare's asset store stopped: {exc}; nothing was published")
    fields = deployment_fields(upload, sha, message, branch)
    try:
        made = pages.create_deployment(fields, upload.form)
    except MaybeActedError as exc:
        found = made_since(pages, sha, listed, began, production=branch is None)
        if found is None:
            return Started("unknown", f"{exc}; the deployment may have been made — not made again")
        said = f"Cloudflare Pages made deployment {found.id} (its answer was lost; found by its commit)"
        return Started("accepted", said, found.id, deploy_url=found.url or None)
    except ExternalError as exc:
        return Started("rejected", f"Cloudflare Pages refused the deployment: {exc}")
    said = (
        f"Cloudflare Pages deployment {made.id} made from the upload ({len(upload.assets)} files, {sent:,} bytes sent)"
    )
    return Started("accepted", said, made.id, deploy_url=made.url or None)


def wait_ready(pages: PagesClient, deployment_id: str, pacing: Pacing) -> PagesDeployment | None:
    """Poll the deployment until it is ready or failed, or the budget ends; None when it could not be read."""

    def where(found: PagesDeployment | None) -> str:
        stage = f" ({found.stage} {found.stage_status})" if found else ""
        return f"waiting for deployment {deployment_id}{stage} on Cloudflare Pages"

    return wait_until_finished(
        Watch(lambda: pages.deployment(deployment_id), lambda d: d.state != "building", where), pacing
    )

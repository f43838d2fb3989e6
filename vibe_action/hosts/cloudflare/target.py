"""Cloudflare Pages as a deploy target: builds start from the project's deploy hook, and with an API token the
gate finds the deployment the hook started, waits for it and records its permalink (`url`).

A Pages deploy hook (`POST …/pages/webhooks/deploy_hooks/<id>`; the id is the secret) builds the head of the
hook's branch. What it answers is not documented for Pages, so the answer is never read for an id: the
deployment is the newest production one triggered by a deploy hook (`deployment_trigger.type: deploy_hook`)
that was not listed just before the POST — or, when that listing failed, created after it (less the clock
skew). Pushes the project builds by itself (`github:push`) are never taken for it. With the API the target
also rolls production back, lists and deletes deployments, checks the project's settings (`cloudflare/site.py`)
and gives each version a lasting branch alias; Pages has no deploy lock, so a rollback's lock is the ledger's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from vibe_action.decide.decision import PreviewDeploy
from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.cloudflare.snapshots import (
    branch_alias,
    delete,
    foreign,
    host_deploy,
    restore,
    settings_problems,
    subdomain_of,
)
from vibe_action.hosts.cloudflare.upload import (
    UPLOAD_BUDGET,
    PagesUpload,
    deploy_upload,
    made_since,
    pages_upload,
    wait_ready,
)
from vibe_action.hosts.http.hook_url import required_hook_url
from vibe_action.hosts.http.polling import Pacing
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT
from vibe_action.hosts.protocol import (
    BranchMaker,
    Build,
    Capabilities,
    HostDeploy,
    Landed,
    Lasting,
    Restored,
    Started,
)
from vibe_action.inputs.config import Config
from vibe_action.inputs.sections import Versions
from vibe_action.inputs.upload_folder import UploadFolder, read_upload_folder
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.locks import ProductionLock, ledger_lock
from vibe_action.ledger.records import Outcome, Record
from vibe_action.redact import Secrets
from vibe_action.render.report import table

if TYPE_CHECKING:  # passed in; importing requests here would load it for a dry run
    import requests

    from vibe_action.hosts.cloudflare.client import PagesClient, PagesDeployment

STALE_MARGIN = 300.0
CLOCK_SKEW = timedelta(minutes=2)
MAX_INTERVAL = 30.0
MAX_POLLS = 200  # a hard bound on requests, whatever the budget and interval
HOOK_TRIGGER = "deploy_hook"
WHERE_HOOKS_LIVE = "the Pages project's Settings → Builds → Deploy hooks"
OUTSIDE_ADVICE = (
    "These deployments did not go through the gate: they can replace the version the gate chose. Turn off "
    "automatic production branch deployments (Settings → Builds → Branch control) so only the deploy hook builds."
)
CANNOT_LOOK = (
    "the build may or may not have started; without a Cloudflare API token the gate cannot look, so the commit "
    "is recorded as unconfirmed and not fired again"
)


@dataclass
class CloudflareTarget:
    hook_url: str | None
    session: requests.Session | None
    secrets: Secrets
    pages: PagesClient | None
    hook_name: str
    read_timeout: float = READ_TIMEOUT
    confirm_timeout: float = 600.0
    poll_interval: float = 5.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    progress: Callable[[str], None] = field(default=lambda _text: None)
    versions: Versions = field(default_factory=Versions)
    branches: BranchMaker | None = None
    project: str | None = None
    api_names: str = "--cloudflare-api-token and --cloudflare-account-id"
    name: str = "Cloudflare Pages"
    upload_dir: Path | None = None  # `upload: {dir}`: the built folder, sent by Direct Upload (upload.py)
    shown_dir: str = ""
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    folder: UploadFolder | None = None  # read by check(), before anything is recorded
    upload: PagesUpload | None = None

    @property
    def capabilities(self) -> Capabilities:
        """No deploy lock (a rollback is locked in the ledger); the rest through the API."""
        return Capabilities(
            confirm=self.pages is not None,
            restore=True,
            prune=True,
            lasting_versions=self.versions.enabled,
            doctor=True,
            upload=self.upload_dir is not None,
        )

    def _api(self, command: str) -> PagesClient:
        if self.pages is None:
            raise InputError(
                f"{command} needs Cloudflare API access: set {self.api_names}, and cloudflare.project in deploy.yaml"
            )
        return self.pages

    def check(self) -> None:
        if self.upload_dir is not None:  # the folder is read (and its limits checked) before anything is recorded
            self._api("an upload")
            self.folder = read_upload_folder(self.upload_dir, self.shown_dir)
            self.upload = pages_upload(self.folder, self.shown_dir)
            return
        self.hook_url = required_hook_url(self.hook_url, self.hook_name, WHERE_HOOKS_LIVE)
        self.secrets.add_url(self.hook_url)

    def title(self, title: str) -> str:
        return title  # a Pages deploy hook takes no title; the ledger keeps it

    def stale_after(self) -> timedelta:
        upload = UPLOAD_BUDGET if self.upload_dir is not None else 0.0
        return timedelta(seconds=CONNECT_TIMEOUT + self.read_timeout + self.confirm_timeout + STALE_MARGIN + upload)

    def production_lock(self, records: list[Record], environment: str) -> tuple[ProductionLock | None, str]:
        return ledger_lock(records, environment), ""

    def before(self, recorded: frozenset[str]) -> object:
        """The newest production deployments just before the POST: none of them is the hook's build."""
        if self.pages is None:
            return None
        try:
            return frozenset(d.id for d in self.pages.deployments(max_pages=1)) | recorded
        except ExternalError:
            return None  # then the creation time tells instead

    def preview(self, build: Build) -> PreviewDeploy:
        """The candidate's build as a preview deployment of its own branch (`preview/<branch>`, never the
        production branch): served at the deployment's URL and the branch's alias; never recorded."""
        if self.upload_dir is None:
            return PreviewDeploy(
                None, "no preview: previews upload the built folder — set upload.dir (or --upload-dir)"
            )
        if self.pages is None:
            return PreviewDeploy(
                None,
                f"no preview: this run has no Cloudflare API access ({self.api_names}) — a pull request from a fork "
                "gets no secrets",
            )
        try:
            upload = pages_upload(read_upload_folder(self.upload_dir, self.shown_dir), self.shown_dir)
        except InputError as exc:
            return PreviewDeploy(None, f"no preview: {exc}")
        branch = preview_branch(str(build.body.get("branch") or "candidate"))
        started = self._upload(upload, build, branch, None)
        if started.state != "accepted" or not started.deploy_id:
            return PreviewDeploy(None, f"no preview: {started.message}")
        found = self._wait_upload(started.deploy_id)
        if found is None or found.state != "ready":
            what = "failed" if found is not None and found.state == "error" else "was not ready in time"
            return PreviewDeploy(
                None, f"no preview: Cloudflare Pages deployment {started.deploy_id} {what}", started.deploy_id
            )
        alias = branch_alias(branch, self._subdomain())
        return PreviewDeploy(found.url, f"try this candidate: {found.url} (branch alias {alias})", found.id)

    def _upload(self, upload: PagesUpload, build: Build, branch: str | None, listed: frozenset[str] | None) -> Started:
        assert self.pages is not None  # noqa: S101 — check() / preview() made sure
        began = self.wall_clock()
        deadline = self.clock() + UPLOAD_BUDGET
        sha = str(build.body.get("sha") or "")
        return deploy_upload(
            self.pages, upload, sha, build.title, branch, listed, began, self.progress, lambda: self.clock() > deadline
        )

    def _wait_upload(self, deployment_id: str) -> PagesDeployment | None:
        assert self.pages is not None  # noqa: S101 — an upload had API access
        pacing = Pacing(self.confirm_timeout, self.poll_interval, self.clock, self.sleep, self.progress)
        return wait_ready(self.pages, deployment_id, pacing)

    def start(self, build: Build, before: object = None) -> Started:
        if self.upload is not None:
            return self._upload(self.upload, build, None, before if isinstance(before, frozenset) else None)
        from vibe_action.hosts.http.deploy_hook import fire_deploy_hook  # noqa: PLC0415 — requests loads only when sending

        return fire_deploy_hook(
            self.session,
            self.hook_url,
            self.secrets,
            build.body,
            self.read_timeout,
            self.progress,
            WHERE_HOOKS_LIVE,
            self.sleep,
        )

    def land(self, build: Build, started: Started, fired_at: datetime, before: object, sha: str) -> Landed:
        if self.upload is not None and self.folder is not None:
            return self._land_upload(started, self.folder)
        if self.pages is None:
            return (
                Landed("success", "")
                if started.state == "accepted"
                else Landed("unconfirmed", "", warnings=(CANNOT_LOOK,))
            )
        listed = before if isinstance(before, frozenset) else None
        try:
            found = self._wait(fired_at, listed)
        except ExternalError as exc:
            return Landed("success" if started.state == "accepted" else "unconfirmed", f"could not confirm: {exc}")
        return _landed(started, found, sha, self.confirm_timeout)

    def _land_upload(self, started: Started, folder: UploadFolder) -> Landed:
        landed = self._landed_upload(started, folder)
        notes = self.upload.notes if self.upload is not None else ()
        return replace(landed, warnings=(*notes, *landed.warnings))

    def _landed_upload(self, started: Started, folder: UploadFolder) -> Landed:
        extra = RecordExtra(
            upload_digest=folder.digest, upload_files=len(folder.files), upload_bytes=folder.total_bytes
        )
        if started.state != "accepted" or not started.deploy_id:
            warning = "the deployment may have been made; it is not made again" if started.state == "unknown" else ""
            return Landed("unconfirmed", "", extra=extra, warnings=(warning,) if warning else ())
        found = self._wait_upload(started.deploy_id)
        if found is None:
            return Landed("unconfirmed", "its deployment could not be read", started.deploy_id, extra=extra)
        if found.state == "error":
            said = f"Cloudflare Pages deployment {found.id} failed at {found.stage}"
            return Landed("failure", said, found.id, None, "error", extra)
        if found.state == "ready":
            return Landed(
                "success",
                f"Cloudflare Pages deployment {found.id} is ready: {found.url}",
                found.id,
                found.url,
                "ready",
                extra,
            )
        said = f"Cloudflare Pages deployment {found.id} is still at {found.stage} after {self.confirm_timeout:g} s"
        return Landed("unconfirmed", said, found.id, None, "timeout", extra, ("its permalink is not known yet",))

    def _wait(self, fired_at: datetime, listed: frozenset[str] | None) -> PagesDeployment | None:
        """Poll for the hook's deployment until it is ready or failed, or the budget ends (growing intervals)."""
        assert self.pages is not None  # noqa: S101 — land() made sure
        deadline = self.clock() + self.confirm_timeout
        interval = self.poll_interval
        found: PagesDeployment | None = None
        for _ in range(MAX_POLLS):
            if found is None:
                found = next((d for d in self.pages.deployments(max_pages=1) if _is_hooks(d, fired_at, listed)), None)
            else:
                found = self.pages.deployment(found.id)
            if (found is not None and found.state != "building") or self.clock() + interval > deadline:
                return found
            what = f"deployment {found.id} ({found.stage} {found.stage_status})" if found else "the deployment"
            self.progress(f"waiting for {what} on Cloudflare Pages")
            self.sleep(interval)
            interval = min(interval * 1.5, MAX_INTERVAL)
        return found

    def find(self, record: Record) -> Outcome:
        note = "the run that fired it did not record an outcome"
        if self.pages is None:
            return Outcome("unconfirmed", f"{note}; without a Cloudflare API token the gate cannot look")
        if self.upload_dir is not None:
            return self._find_upload(record, note)
        fired = record.started
        try:
            found = next((d for d in self.pages.deployments(max_pages=1) if _is_hooks(d, fired, None)), None)
        except ExternalError as exc:
            return Outcome("unconfirmed", f"{note}; Cloudflare could not be asked ({exc})")
        return _found(found, note)

    def _find_upload(self, record: Record, note: str) -> Outcome:
        """An upload's deployment: by the id its record carries, else made by the API for its commit since."""
        assert self.pages is not None  # noqa: S101 — find() made sure
        try:
            if record.deploy_id:
                found: PagesDeployment | None = self.pages.deployment(record.deploy_id)
            else:
                found = made_since(self.pages, record.sha, None, record.started)
        except ExternalError as exc:
            return Outcome("unconfirmed", f"{note}; Cloudflare could not be asked ({exc})")
        return _found(found, note)

    def _lasting_upload(self, final: Record, build: Build) -> Lasting:
        """In upload mode a version lasts as a preview deployment of the branch `<prefix>vN` made from the same
        files (already in the asset store: nothing is sent again), served for good at the branch alias."""
        branch, number = final.extra.version_branch, final.extra.version_number
        if branch is None or number is None or self.upload is None:
            return Lasting.of(final, False, "the record has no version number")
        started = self._upload(self.upload, replace(build, title=f"v{number} · {build.title}"), branch, None)
        if started.state != "accepted" or not started.deploy_id:
            return Lasting.of(final, False, f"the deployment of {branch} was not made: {started.message}")
        found = self._wait_upload(started.deploy_id)
        if found is None or found.state != "ready":
            return Lasting.of(final, False, f"the deployment of {branch} ({started.deploy_id}) did not become ready")
        url = branch_alias(branch, self._subdomain())
        return Lasting.of(
            final, True, f"v{number}: uploaded once more as a deployment of {branch} — lasting URL {url}", url
        )

    def lasting(self, final: Record, build: Build) -> Lasting:
        """Create the version's branch; the project's Git integration builds it as a preview, served for good at
        the branch alias. No POST of the gate's own: nothing to repeat or to count."""
        if self.upload_dir is not None:
            return self._lasting_upload(final, build)
        branch, number = final.extra.version_branch, final.extra.version_number
        if branch is None or number is None:
            return Lasting.of(final, False, "the record has no version number")
        if self.branches is None:
            return Lasting.of(final, False, f"nowhere to create the branch {branch}: no GitHub token or git remote")
        try:
            done = self.branches.create(branch, final.sha)
        except (ExternalError, InputError) as exc:
            return Lasting.of(final, False, f"could not create the branch {branch}: {exc}")
        url = branch_alias(branch, self._subdomain())
        return Lasting.of(final, True, f"v{number}: {done}; Cloudflare Pages builds it — lasting URL {url}", url)

    def _subdomain(self) -> str:
        if self.pages is not None:
            try:
                return subdomain_of(self.pages.details(), self.project)
            except ExternalError:
                pass
        return f"{self.project or 'PROJECT'}.pages.dev"

    def restore(self, record: Record) -> Restored | str:
        return restore(self.pages, record)

    def lock(self, deploy_id: str) -> None:
        raise InputError("Cloudflare Pages has no deploy lock")  # capabilities.lock is False: never called

    def published(self) -> HostDeploy | None:
        canonical = self._api("unlock").details().get("canonical_deployment")
        if not isinstance(canonical, dict):
            return None
        from vibe_action.hosts.cloudflare.client import PagesDeployment  # noqa: PLC0415 — requests loads only when sending

        return host_deploy(PagesDeployment.from_json(canonical))

    def unlock(self, deploy: HostDeploy) -> None:
        raise InputError("Cloudflare Pages has no deploy lock")  # capabilities.lock is False: never called

    def deploys(self) -> list[HostDeploy]:
        return [host_deploy(d) for d in self._api("prune").deployments(env=None)]

    def delete(self, deploy: HostDeploy) -> str:
        return delete(self._api("prune"), deploy)

    def doctor(self, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
        """Pushes that build production by themselves, version branches it would not build, and ready
        production deployments the gate did not start (the newest 25)."""
        pages = self._api("doctor")
        problems = settings_problems(pages.details(), config.versions, upload=self.upload_dir is not None)
        recent = list(pages.deployments(max_pages=1))
        outside = foreign(recent, records)
        tail = "".join(f"\n{p}" for p in problems)
        if not outside:
            return f"doctor: no production deploy outside the gate among the last {len(recent)}{tail}", len(problems)
        rows = [("deployment", "created", "trigger", "commit", "url")]
        rows += [(d.id, d.created_on[:19], d.trigger, d.commit_hash[:7], d.url) for d in outside]
        head = (
            f"doctor: {len(outside)} production deployment(s) among the last {len(recent)} did not come from the gate"
        )
        return f"{head}\n{table(rows)}\n{OUTSIDE_ADVICE}{tail}", len(outside) + len(problems)


def _found(found: PagesDeployment | None, note: str) -> Outcome:
    """What a deployment found for a record that kept no outcome makes of it."""
    if found is not None and found.state == "ready":
        return Outcome("success", f"{note}; found on Cloudflare Pages: {found.url}", found.url, found.id)
    if found is not None and found.state == "error":
        return Outcome("failure", f"{note}; its deployment {found.id} failed", None, found.id)
    return Outcome("unconfirmed", f"{note}; no finished deployment of it on Cloudflare Pages")


def preview_branch(branch: str) -> str:
    """The branch a preview deploys as: the candidate's, under `preview/` so that it is never the production
    branch (a deployment of that branch is production)."""
    return f"preview/{branch}"[:100]


def _is_hooks(deployment: PagesDeployment, fired_at: datetime, listed: frozenset[str] | None) -> bool:
    """A production build a deploy hook started, that was not there before the POST."""
    if deployment.trigger != HOOK_TRIGGER or deployment.environment not in ("production", ""):
        return False
    if listed is not None:
        return deployment.id not in listed
    try:
        created = datetime.fromisoformat(deployment.created_on.replace("Z", "+00:00"))
    except ValueError:
        return True
    created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return created >= fired_at - CLOCK_SKEW


def _landed(started: Started, found: PagesDeployment | None, sha: str, budget: float) -> Landed:
    if found is None:
        if started.state == "unknown":
            return Landed("unconfirmed", f"no Cloudflare Pages deployment of the hook appeared within {budget:g} s")
        return Landed(
            "success", "", warnings=(f"no deployment appeared within {budget:g} s; its permalink is not known yet",)
        )
    mismatch = bool(found.commit_hash) and not (sha.startswith(found.commit_hash) or found.commit_hash.startswith(sha))
    extra = RecordExtra(commit_ref=found.commit_hash or None, commit_mismatch=mismatch)
    warnings = (
        (
            f"Cloudflare Pages built commit {found.commit_hash[:7]}, not the evaluated {sha[:7]}: a deploy hook "
            "builds the head of its branch",
        )
        if mismatch
        else ()
    )
    if found.state == "error":
        return Landed(
            "failure",
            f"Cloudflare Pages deployment {found.id} failed at {found.stage}",
            found.id,
            None,
            "error",
            extra,
            warnings,
        )
    if found.state == "ready":
        return Landed(
            "success",
            f"Cloudflare Pages deployment {found.id} is ready: {found.url}",
            found.id,
            found.url,
            "ready",
            extra,
            warnings,
        )
    return Landed(
        "success",
        f"Cloudflare Pages deployment {found.id} is still at {found.stage} after {budget:g} s",
        found.id,
        None,
        "timeout",
        extra,
        (*warnings, "its permalink is not known yet"),
    )

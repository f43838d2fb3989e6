"""Vercel as a deploy target (`target: vercel`).

With `upload: {dir}` the evaluated build is uploaded through Vercel's API (`upload.py`) as a production
deployment; its id and URL come back from the one request that makes it, so the record is exact. Without it,
a Vercel Deploy Hook starts a build of the hook's branch, as `target: hook` does: a hook answers with a job, not a
deployment, so the gate records it without confirming it.

With a token and a project id the target also rolls production back (Instant Rollback, no rebuild: Hobby
projects only to the production deployment before the current one, which Vercel refuses otherwise — said
plainly), lists and deletes deployments, shows what production serves, makes previews (Vercel's own preview
deployments, behind Vercel Authentication by default: the message says so) and checks the set-up. Vercel has
no deploy lock the API sets (a rollback pins production until the next promote, which the gate's ledger lock
mirrors): the lock is the ledger's. A version's lasting URL is its deployment's own URL, kept as long as the
project's deployment retention keeps it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from vibe_action.decide.decision import PreviewDeploy
from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.hook_url import required_hook_url
from vibe_action.hosts.http.polling import Pacing
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT
from vibe_action.hosts.protocol import Build, Capabilities, HostDeploy, Landed, Lasting, Restored, Started
from vibe_action.hosts.vercel.upload import (
    KIND_KEY,
    SHA_KEY,
    UPLOAD_BUDGET,
    VercelFile,
    deploy_upload,
    made_since,
    vercel_files,
    wait_ready,
)
from vibe_action.inputs.config import Config
from vibe_action.inputs.sections import Versions
from vibe_action.inputs.upload_folder import UploadFolder, read_upload_folder
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.locks import ProductionLock, ledger_lock
from vibe_action.ledger.records import Outcome, Record
from vibe_action.redact import Secrets
from vibe_action.render.report import table

if TYPE_CHECKING:
    import requests

    from vibe_action.hosts.vercel.client import VercelClient, VercelDeployment

STALE_MARGIN = 300.0
WHERE_HOOKS_LIVE = "the Vercel project's Settings → Git → Deploy Hooks"
PROTECTED = (
    "Vercel puts previews behind Vercel Authentication by default (Deployment Protection): a visitor without "
    'access to the team sees a login — share it with a shareable link (docs/hosts.md, "Vercel")'
)
HOOK_ONLY = (
    "a Vercel Deploy Hook answers with a job, not a deployment; the gate records the build as started and "
    "cannot confirm it — use upload: {dir} for exact, confirmed deploys"
)


@dataclass
class VercelTarget:
    hook_url: str | None
    session: requests.Session | None
    secrets: Secrets
    vercel: VercelClient | None
    hook_name: str
    read_timeout: float = READ_TIMEOUT
    confirm_timeout: float = 600.0
    poll_interval: float = 5.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    progress: Callable[[str], None] = field(default=lambda _text: None)
    versions: Versions = field(default_factory=Versions)
    api_names: str = "--vercel-token and --vercel-project-id"
    upload_dir: Path | None = None
    shown_dir: str = ""
    preview_budget: int = 20
    name: str = "Vercel"
    folder: UploadFolder | None = None
    files: tuple[VercelFile, ...] = ()
    project_name: str = ""

    @property
    def capabilities(self) -> Capabilities:
        api = self.vercel is not None
        return Capabilities(
            confirm=api and self.upload_dir is not None,
            restore=api,
            prune=api,
            lasting_versions=self.versions.enabled and self.upload_dir is not None,
            doctor=api,
            upload=self.upload_dir is not None,
        )

    def _api(self, command: str) -> VercelClient:
        if self.vercel is None:
            raise InputError(f"{command} needs Vercel API access: set {self.api_names}")
        return self.vercel

    def _name(self) -> str:
        """The project's name, which a deployment must carry (its URLs are made from it)."""
        if not self.project_name:
            found = self._api("an upload").details().get("name")
            if not isinstance(found, str) or not found:
                raise ExternalError("Vercel's API answered the project without its name")
            self.project_name = found
        return self.project_name

    def check(self) -> None:
        if self.upload_dir is not None:
            self._api("an upload")
            self.folder = read_upload_folder(self.upload_dir, self.shown_dir)
            self.files = vercel_files(self.folder)
            try:
                self._name()
            except ExternalError as exc:
                raise InputError(f"Vercel's project could not be read before the upload: {exc}") from None
            return
        self.hook_url = required_hook_url(self.hook_url, self.hook_name, WHERE_HOOKS_LIVE)
        self.secrets.add_url(self.hook_url)

    def title(self, title: str) -> str:
        return title

    def stale_after(self) -> timedelta:
        upload = UPLOAD_BUDGET if self.upload_dir is not None else 0.0
        return timedelta(seconds=CONNECT_TIMEOUT + self.read_timeout + self.confirm_timeout + STALE_MARGIN + upload)

    def production_lock(self, records: list[Record], environment: str) -> tuple[ProductionLock | None, str]:
        return ledger_lock(records, environment), ""

    def before(self, recorded: frozenset[str]) -> object:
        if self.vercel is None or self.upload_dir is None:
            return None
        try:
            return frozenset(d.id for d in self.vercel.deployments()) | recorded
        except ExternalError:
            return None

    def _upload(self, build: Build, kind: str, listed: frozenset[str] | None) -> Started:
        vercel = self._api("an upload")
        since = int(self.wall_clock().timestamp() * 1000) - 120_000  # less the clock skew
        deadline = self.clock() + UPLOAD_BUDGET
        sha = str(build.body.get("sha") or "")
        return deploy_upload(
            vercel,
            self._name(),
            self.files,
            sha,
            build.title,
            kind,
            listed,
            since,
            self.progress,
            lambda: self.clock() > deadline,
        )

    def start(self, build: Build, before: object = None) -> Started:
        if self.upload_dir is not None:
            return self._upload(build, "production", before if isinstance(before, frozenset) else None)
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

    def _wait(self, deployment_id: str) -> VercelDeployment | None:
        vercel = self._api("confirming")
        pacing = Pacing(self.confirm_timeout, self.poll_interval, self.clock, self.sleep, self.progress)
        return wait_ready(vercel, deployment_id, pacing)

    def land(self, build: Build, started: Started, fired_at: datetime, before: object, sha: str) -> Landed:
        if self.upload_dir is None:
            if started.state == "accepted":
                return Landed("success", "", warnings=(HOOK_ONLY,))
            return Landed("unconfirmed", "", warnings=(HOOK_ONLY,))
        folder = self.folder
        extra = RecordExtra(
            upload_digest=folder.digest if folder else None,
            upload_files=len(folder.files) if folder else None,
            upload_bytes=folder.total_bytes if folder else None,
        )
        if started.state != "accepted" or not started.deploy_id:
            warning = "the deployment may have been made; it is not made again" if started.state == "unknown" else ""
            return Landed("unconfirmed", "", extra=extra, warnings=(warning,) if warning else ())
        found = self._wait(started.deploy_id)
        if found is None:
            return Landed("unconfirmed", "its deployment could not be read", started.deploy_id, extra=extra)
        if found.outcome == "error":
            said = f"Vercel deployment {found.id} ended {found.state}: {found.message or 'no message'}"
            return Landed("failure", said, found.id, None, "error", extra)
        if found.outcome == "ready":
            return Landed(
                "success", f"Vercel deployment {found.id} is ready: {found.url}", found.id, found.url, "ready", extra
            )
        said = f"Vercel deployment {found.id} is still {found.state} after {self.confirm_timeout:g} s"
        return Landed("unconfirmed", said, found.id, None, "timeout", extra, ("its URL is not known to be live yet",))

    def find(self, record: Record) -> Outcome:
        note = "the run that fired it did not record an outcome"
        if self.vercel is None or self.upload_dir is None:
            return Outcome("unconfirmed", f"{note}; a Vercel Deploy Hook names no deployment, so the gate cannot look")
        try:
            if record.deploy_id:
                found: VercelDeployment | None = self.vercel.deployment(record.deploy_id)
            else:
                since = int(record.started.timestamp() * 1000) - 120_000
                found = made_since(self.vercel, record.sha, "production", None, since)
        except ExternalError as exc:
            return Outcome("unconfirmed", f"{note}; Vercel could not be asked ({exc})")
        if found is not None and found.outcome == "ready":
            return Outcome("success", f"{note}; found on Vercel: {found.url}", found.url, found.id)
        if found is not None and found.outcome == "error":
            return Outcome("failure", f"{note}; its deployment {found.id} failed", None, found.id)
        return Outcome("unconfirmed", f"{note}; no finished deployment of it on Vercel")

    def lasting(self, final: Record, build: Build) -> Lasting:
        """A Vercel deployment keeps its own URL for as long as the project's retention keeps the deployment:
        that URL is the version's — nothing is uploaded again."""
        number = final.extra.version_number
        if number is None or not final.deploy_url:
            return Lasting.of(final, False, "the record has no version number or URL")
        return Lasting.of(
            final,
            True,
            f"v{number}: the deployment's own URL, kept as long as the project's deployment retention keeps it",
            final.deploy_url,
        )

    def preview(self, build: Build) -> PreviewDeploy:
        if self.upload_dir is None:
            return PreviewDeploy(
                None, "no preview: previews upload the built folder — set upload.dir (or --upload-dir)"
            )
        if self.vercel is None:
            return PreviewDeploy(
                None, f"no preview: this run has no Vercel API access ({self.api_names}) — a fork gets no secrets"
            )
        try:
            self.files = vercel_files(read_upload_folder(self.upload_dir, self.shown_dir))
            spent = self._previews_today()
        except (InputError, ExternalError) as exc:
            return PreviewDeploy(None, f"no preview: {exc}")
        if spent >= self.preview_budget:
            return PreviewDeploy(
                None,
                f"no preview: {spent} previews made today (UTC) — the preview budget is {self.preview_budget} a day "
                "(preview_budget in deploy.yaml; Vercel Hobby allows 100 deployments a day, previews included)",
            )
        started = self._upload(build, "preview", None)
        if started.state != "accepted" or not started.deploy_id:
            return PreviewDeploy(None, f"no preview: {started.message}")
        found = self._wait(started.deploy_id)
        if found is None or found.outcome != "ready":
            return PreviewDeploy(
                None, f"no preview: Vercel deployment {started.deploy_id} was not ready", started.deploy_id
            )
        return PreviewDeploy(found.url, f"try this candidate: {found.url} — {PROTECTED}", found.id)

    def _previews_today(self) -> int:
        """Previews the gate made since midnight UTC, as Vercel lists them (the ledger records no preview)."""
        assert self.vercel is not None  # noqa: S101 — preview() made sure
        now = self.wall_clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        listed = self.vercel.deployments(target=None, since=int(midnight.timestamp() * 1000))
        return sum(1 for d in listed if d.meta.get(KIND_KEY) == "preview")

    def restore(self, record: Record) -> Restored | str:
        if self.vercel is None:
            return f"there is no Vercel API access ({self.api_names}), and only the API can roll back"
        deployment_id = record.deploy_id
        if not deployment_id:
            return "the record names no Vercel deployment (a Deploy Hook build): rebuild its commit instead"
        try:
            self.vercel.rollback(deployment_id)
        except ExternalError as exc:
            if exc.status == 404:
                return f"Vercel has no deployment {deployment_id} any more (HTTP 404: deleted)"
            if exc.status in (400, 402, 403, 409, 422):
                return (
                    f"Vercel refused the rollback to {deployment_id} ({exc}); on the Hobby plan Instant Rollback "
                    "reaches only the production deployment before the current one"
                )
            raise
        how = f"rolled Vercel production back to deployment {deployment_id} (Instant Rollback, no rebuild)"
        return Restored(deployment_id, record.deploy_url, how)

    def lock(self, deploy_id: str) -> None:
        raise InputError("Vercel has no deploy lock the gate sets; the ledger keeps it")

    def unlock(self, deploy: HostDeploy) -> None:
        raise InputError("Vercel has no deploy lock the gate sets; the ledger keeps it")

    def published(self) -> HostDeploy | None:
        targets = self._api("unlock").details().get("targets")
        live = targets.get("production") if isinstance(targets, dict) else None
        if not isinstance(live, dict):
            return None
        from vibe_action.hosts.vercel.client import VercelDeployment  # noqa: PLC0415 — requests loads only when sending

        return _host_deploy(VercelDeployment.from_json(live), serves="serves production")

    def deploys(self) -> list[HostDeploy]:
        vercel = self._api("prune")
        live = self.published()
        return [
            _host_deploy(d, serves="serves production" if live and d.id == live.id else "")
            for d in vercel.deployments(target=None)
        ]

    def delete(self, deploy: HostDeploy) -> str:
        try:
            self._api("prune").delete(deploy.id)
        except ExternalError as exc:
            if exc.status == 404:
                return ""
            raise
        return ""

    def doctor(self, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
        """Git builds the gate did not start (vercel.json's `git.deploymentEnabled`), and production deployments
        the gate did not make."""
        vercel = self._api("doctor")
        problems = []
        project = vercel.details()
        if project.get("link") and not _git_builds_off(workspace):
            problems.append(
                "doctor: the Vercel project is connected to a Git repository and builds every push by itself; "
                'in upload mode set {"git": {"deploymentEnabled": false}} in vercel.json so only the gate deploys'
                if self.upload_dir is not None
                else "doctor: the Vercel project builds every push by itself, outside the gate: set "
                '{"git": {"deploymentEnabled": false}} in vercel.json (the Deploy Hook still builds)'
            )
        recent = vercel.deployments()
        ours = {r.deploy_id for r in records if r.deploy_id}
        outside = [d for d in recent if d.outcome == "ready" and SHA_KEY not in d.meta and d.id not in ours]
        tail = "".join(f"\n{p}" for p in problems)
        if not outside:
            return f"doctor: no production deploy outside the gate among the last {len(recent)}{tail}", len(problems)
        rows = [("deployment", "state", "url")] + [(d.id, d.state, d.url) for d in outside]
        head = (
            f"doctor: {len(outside)} production deployment(s) among the last {len(recent)} did not come from the gate"
        )
        return f"{head}\n{table(rows)}{tail}", len(outside) + len(problems)


def _git_builds_off(workspace: Path | None) -> bool:
    """vercel.json says Git pushes deploy nothing (`git.deploymentEnabled: false`, or every branch false)."""
    if workspace is None:
        return False
    try:
        data = json.loads((workspace / "vercel.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    git = data.get("git") if isinstance(data, dict) else None
    enabled = git.get("deploymentEnabled") if isinstance(git, dict) else None
    if enabled is False:
        return True
    return isinstance(enabled, dict) and bool(enabled) and all(v is False for v in enabled.values())


def _host_deploy(deployment: VercelDeployment, serves: str = "") -> HostDeploy:
    created = datetime.fromtimestamp(deployment.created / 1000, tz=timezone.utc) if deployment.created else None
    return HostDeploy(
        id=deployment.id,
        state=deployment.state.lower(),
        created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else "",
        finished=deployment.outcome != "building",
        ready=deployment.outcome == "ready",
        commit=deployment.meta.get(SHA_KEY, ""),
        production=deployment.target == "production",
        url=deployment.url,
        serves=serves,
        ours=SHA_KEY in deployment.meta,
    )

"""Netlify as a deploy target (`hosting.DeployTarget`): builds by build hook or API, confirmed by the deploy
listing (the hook's own deploy by its title), permalinks, auto-publishing, lasting version branches; restore,
lock and unlock, listing and deleting deploys, and doctor's checks through the API (a token and site id).

A run that only decides builds a target too, to ask when a record is stale and whether production is locked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vibe_action.decide.decision import PreviewDeploy
from vibe_action.errors import InputError
from vibe_action.hosts.netlify.confirm import Before, Confirmation, known_deploys
from vibe_action.hosts.netlify.deploy import (
    CANCELLED_BY_IGNORE,
    check_trigger,
    confirm_build,
    known_before,
    publish_warnings,
    start_build,
)
from vibe_action.hosts.netlify.doctor import doctor
from vibe_action.hosts.netlify.models import ACCESS_NAMES
from vibe_action.hosts.netlify.recipe import API_TITLE_MARK
from vibe_action.hosts.netlify.recovery import look_up, stale_after
from vibe_action.hosts.netlify.services import NetlifyServices, Trigger
from vibe_action.hosts.netlify.snapshots import current_lock, host_deploy, host_deploys, restore
from vibe_action.hosts.netlify.upload import UPLOAD_BUDGET, make_deploy, send_files, upload_preview, upload_version
from vibe_action.hosts.netlify.urls import lasting_url, site_of
from vibe_action.hosts.netlify.versions import lasting_build
from vibe_action.hosts.protocol import Build, Capabilities, HostDeploy, Landed, Lasting, Restored, Started
from vibe_action.inputs.config import Config
from vibe_action.inputs.limits import MAX_TITLE_LENGTH
from vibe_action.inputs.sections import Versions
from vibe_action.inputs.upload_folder import UploadFolder, read_upload_folder, with_site_config
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.locks import ProductionLock
from vibe_action.ledger.records import Outcome, Record

if TYPE_CHECKING:
    from vibe_action.hosts.netlify.client import NetlifyClient


@dataclass
class NetlifyTarget:
    """`trigger` says how builds start (hook or API) and how long to confirm; its title and body are per build."""

    trigger: Trigger
    services: NetlifyServices
    versions: Versions = field(default_factory=Versions)
    name: str = "Netlify"
    upload_dir: Path | None = None  # `upload: {dir}`: the built folder, sent through the API (upload.py)
    shown_dir: str = ""  # the folder as the user wrote it
    folder: UploadFolder | None = None  # read by check(), before anything is recorded
    site_config: Path | None = None  # the repository's netlify.toml: uploaded with the folder, as netlify-cli does

    @property
    def capabilities(self) -> Capabilities:
        """All of it; without a token only the hook's part (the API methods say what to set)."""

        api = self.services.netlify is not None
        return Capabilities(
            confirm=api,
            restore=True,
            lock=True,
            prune=True,
            lasting_versions=self.versions.enabled,
            doctor=True,
            upload=self.upload_dir is not None,
        )

    def _api(self, command: str) -> NetlifyClient:
        if self.services.netlify is None:
            names = ACCESS_NAMES.get()
            raise InputError(f"{command} needs Netlify API access: set {names.token} and {names.site}")
        return self.services.netlify

    def check(self) -> None:
        if self.upload_dir is not None:  # the folder is read (and its limits checked) before anything is recorded
            self._api("an upload")
            self.folder = self._read_folder()
            return
        self.trigger = check_trigger(self.trigger, self.services)  # the hook URL, checked and trimmed

    def title(self, title: str) -> str:
        if self.trigger.kind != "api" or self.upload_dir is not None:
            return title
        return title[: MAX_TITLE_LENGTH - len(API_TITLE_MARK)] + API_TITLE_MARK  # what the API recipe lets through

    def stale_after(self) -> timedelta:
        upload = UPLOAD_BUDGET if self.upload_dir is not None else 0.0
        return stale_after(self.trigger.read_timeout, self.trigger.confirm_timeout) + timedelta(seconds=upload)

    def find(self, record: Record) -> Outcome:
        return look_up(record, self.services.netlify)

    def production_lock(self, records: list[Record], environment: str) -> tuple[ProductionLock | None, str]:
        return current_lock(records, environment, self.services.netlify)

    def before(self, recorded: frozenset[str]) -> object:
        if self.upload_dir is not None and self.services.netlify is not None:
            return UploadStart(known_deploys(self.services.netlify, recorded), self.services.wall_clock())
        return known_before(self.trigger, recorded, self.services)

    def start(self, build: Build, before: object = None) -> Started:
        if self.upload_dir is not None:
            known = before if isinstance(before, UploadStart) else UploadStart(Before(), self.services.wall_clock())
            return make_deploy(self.services, build.title, known.at, known.listed)
        return start_build(self.trigger, self.services, title=build.title, branch=build.branch, body=build.body)

    def land(self, build: Build, started: Started, fired_at: datetime, before: object, sha: str) -> Landed:
        """What Netlify shows of the build; without a token, what the answer alone tells."""

        if self.upload_dir is not None:
            return self._land_upload(started, fired_at)
        known = before if isinstance(before, Before) else Before()
        trigger = replace(self.trigger, title=build.title)  # the deploy is found by the title it was given
        confirmation = confirm_build(started, trigger, fired_at, self.services, known)
        if confirmation is None:
            if started.state == "accepted":
                return Landed("success", "")
            return Landed(
                "unconfirmed",
                "",
                warnings=(
                    "the build may or may not have started; without a Netlify token the gate cannot "
                    "look, so the commit is recorded as unconfirmed and not fired again",
                ),
            )
        return _landed(started, confirmation, sha, self.services)

    def _lasting_upload(self, final: Record, build: Build) -> Lasting:
        """In upload mode a version lasts as a branch deploy of the same folder (upload.py), not a git branch."""
        branch, number = final.extra.version_branch, final.extra.version_number
        if branch is None or number is None or self.folder is None:
            return Lasting.of(final, False, "the record has no version number")
        title = f"v{number} · {build.title}"
        ok, done, _ = upload_version(self.services, self.folder, branch, title, self.trigger.poll_interval)
        if not ok:
            return Lasting.of(final, False, done)
        site = self.versions.site or site_of(final.deploy_url)
        url = lasting_url(branch, site) if site else None
        return Lasting.of(final, True, f"v{number}: {done} — lasting URL {url or 'of the branch deploy'}", url)

    def _land_upload(self, started: Started, fired_at: datetime) -> Landed:
        if started.state != "accepted" or not started.deploy_id or self.folder is None:
            return Landed(
                "unconfirmed",
                "",
                warnings=("the deploy may have been made; nothing was uploaded, and it is not made again",),
            )
        landed = send_files(self.services, self.folder, started.deploy_id, fired_at, self.trigger.poll_interval)
        if landed.status == "success":
            found = self.services.netlify.deploy(started.deploy_id) if self.services.netlify else None
            landed = replace(landed, warnings=(*landed.warnings, *publish_warnings(found, self.services)))
        return landed

    def preview(self, build: Build) -> PreviewDeploy:
        if self.upload_dir is None:
            return PreviewDeploy(
                None, "no preview: previews upload the built folder — set upload.dir (or --upload-dir)"
            )
        if self.services.netlify is None:
            names = ACCESS_NAMES.get()
            return PreviewDeploy(
                None,
                f"no preview: this run has no Netlify API access ({names.token}, {names.site}) — a pull request "
                "from a fork gets no secrets",
            )
        try:
            folder = self._read_folder()
        except InputError as exc:
            return PreviewDeploy(None, f"no preview: {exc}")
        return upload_preview(self.services, folder, build.title, self.trigger.poll_interval)

    def _read_folder(self) -> UploadFolder:
        assert self.upload_dir is not None  # noqa: S101 — only in upload mode
        folder = read_upload_folder(self.upload_dir, self.shown_dir)
        return with_site_config(folder, self.site_config, "netlify.toml")

    def lasting(self, final: Record, build: Build) -> Lasting:
        if self.upload_dir is not None and self.folder is not None:
            return self._lasting_upload(final, build)
        trigger = replace(self.trigger, title=build.title, branch=build.branch, body=build.body)
        result = lasting_build(final, trigger, self.services, self.versions, self.services.branches)
        return Lasting.of(final, result.ok, result.message, result.url)

    def restore(self, record: Record) -> Restored | str:
        return restore(self.services.netlify, record)

    def lock(self, deploy_id: str) -> None:
        self._api("lock").lock(deploy_id)

    def published(self) -> HostDeploy | None:
        found = self._api("unlock").published_deploy()
        return host_deploy(found) if found else None

    def unlock(self, deploy: HostDeploy) -> None:
        self._api("unlock").unlock(deploy.id)

    def deploys(self) -> list[HostDeploy]:
        return host_deploys(list(self._api("prune").deploys()))

    def delete(self, deploy: HostDeploy) -> str:
        self._api("prune").delete(deploy.id)
        return ""

    def doctor(self, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
        return doctor(self._api("doctor"), records, config, workspace)


@dataclass(frozen=True)
class UploadStart:
    """What an upload's `start` needs from before it: the deploys listed then (a lost create is looked for
    among those made since) and when."""

    listed: Before
    at: datetime


def _landed(started: Started, confirmation: Confirmation, sha: str, services: NetlifyServices) -> Landed:
    """The ledger status a confirmation earns, and what Netlify's answer adds to the record."""

    warnings: list[str] = []
    message = confirmation.message
    deploy = confirmation.deploy
    extra = RecordExtra()
    if deploy is not None:
        mismatch = confirmation.commit_mismatch(sha)
        extra = RecordExtra(
            netlify_deploy_id=deploy.id,
            netlify_state=deploy.state,
            commit_ref=deploy.commit_ref,
            commit_mismatch=mismatch,
        )
        if mismatch:
            warnings.append(
                f"Netlify built commit {deploy.commit_ref[:7]}, not the evaluated {sha[:7]}: a build "
                "hook builds the branch head; to build exactly the evaluated commit, use the netlify.toml "
                'recipe in docs/netlify.md, "The build is the evaluated commit"'
            )
    found = deploy.id if deploy else started.deploy_id
    status = "success"
    if confirmation.state == "error":
        status = "failure"
        if deploy is not None and "canceled build" in deploy.error_message.lower():
            message = CANCELLED_BY_IGNORE.format(deploy=deploy.id, reason=deploy.error_message)
    elif confirmation.state == "ready":
        warnings += publish_warnings(deploy, services)
    elif started.state == "unknown" and deploy is None:
        status = "unconfirmed"
        warnings.append("the hook did not answer and no matching deploy appeared: recorded as unconfirmed")
    else:
        warnings.append(f"{confirmation.message}; the snapshot is recorded, its permalink is not known yet")
    url = deploy.url if deploy and status == "success" else None
    return Landed(status, message, found, url, confirmation.state, extra, tuple(warnings))

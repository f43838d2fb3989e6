"""A plain deploy hook as the gate's target: it fires, and the decision, ledger, reports, history and versions
page all work; what needs a host API (confirming the deploy, its permalink, rollback, lock, prune, lasting
versions) is declared missing, so those commands say so instead of failing deep inside.

Hosts that start builds from such a URL (a POST; the body is ignored by most, and given to the build by some):
Vercel "Deploy Hooks", Render "Deploy Hooks", Cloudflare Pages "Deploy hooks", Netlify "Build hooks". The gate
sends the evaluated commit and scores as JSON, and no query parameters (they are Netlify's).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from vibe_action.decide.decision import PreviewDeploy
from vibe_action.errors import InputError
from vibe_action.hosts.http.hook_url import required_hook_url
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT
from vibe_action.hosts.protocol import (
    NO_PREVIEW_HERE,
    Build,
    Capabilities,
    HostDeploy,
    Landed,
    Lasting,
    Restored,
    Started,
)
from vibe_action.inputs.config import Config
from vibe_action.ledger.locks import ProductionLock, ledger_lock
from vibe_action.ledger.records import Outcome, Record
from vibe_action.redact import Secrets

if TYPE_CHECKING:  # passed in; importing requests here would load it for a dry run
    import requests


STALE_MARGIN = 300.0  # seconds beyond the longest a run can take between its in_progress record and the outcome
UNCONFIRMED = (
    "the deploy hook's answer does not say whether the build started (it may have); with target: hook the gate "
    "cannot look, so the commit is recorded as unconfirmed and not fired again"
)


@dataclass
class WebhookTarget:
    """`hook_name` is how this interface names the URL's setting (`--build-hook-url`, `build-hook-url`)."""

    hook_url: str | None
    session: requests.Session | None
    secrets: Secrets
    hook_name: str
    read_timeout: float = READ_TIMEOUT
    progress: Callable[[str], None] = field(default=lambda _text: None)
    sleep: Callable[[float], None] = time.sleep  # between retries of a POST that started nothing
    name: str = "the deploy hook"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities()  # it fires; nothing more

    def check(self) -> None:
        self.hook_url = required_hook_url(self.hook_url, self.hook_name)
        self.secrets.add_url(self.hook_url)

    def title(self, title: str) -> str:
        return title  # a plain hook has no title; the ledger keeps it for the versions page

    def stale_after(self) -> timedelta:
        return timedelta(seconds=CONNECT_TIMEOUT + self.read_timeout + STALE_MARGIN)

    def find(self, record: Record) -> Outcome:
        return Outcome(
            "unconfirmed",
            "the run that fired it did not record an outcome; a deploy hook names no deploy, so the gate cannot "
            "look — it stays counted",
        )

    def production_lock(self, records: list[Record], environment: str) -> tuple[ProductionLock | None, str]:
        return ledger_lock(records, environment), ""

    def before(self, recorded: frozenset[str]) -> object:
        return None

    def preview(self, build: Build) -> PreviewDeploy:
        return PreviewDeploy(None, NO_PREVIEW_HERE)

    def start(self, build: Build, before: object = None) -> Started:
        from vibe_action.hosts.http.deploy_hook import fire_deploy_hook  # noqa: PLC0415 — requests loads only when sending

        return fire_deploy_hook(
            self.session,
            self.hook_url,
            self.secrets,
            build.body,
            self.read_timeout,
            self.progress,
            sleep=self.sleep,
        )

    def land(self, build: Build, started: Started, fired_at: datetime, before: object, sha: str) -> Landed:
        if started.state == "accepted":
            return Landed("success", "")
        return Landed("unconfirmed", "", warnings=(UNCONFIRMED,))

    def lasting(self, final: Record, build: Build) -> Lasting:
        message = "target: hook has no lasting version URLs (they need a host that keeps branch deploys)"
        return Lasting(False, message, None, Outcome(final.status, message, final.deploy_url, final.deploy_id))

    # A deploy hook only starts builds: `hosts.require` refuses the commands below before they get here.

    def restore(self, record: Record) -> Restored | str:
        return "a deploy hook only starts builds"

    def lock(self, deploy_id: str) -> None:
        _needs_api("lock")

    def published(self) -> HostDeploy | None:
        return None

    def unlock(self, deploy: HostDeploy) -> None:
        _needs_api("unlock")

    def deploys(self) -> list[HostDeploy]:
        _needs_api("prune")

    def delete(self, deploy: HostDeploy) -> str:
        _needs_api("prune")

    def doctor(self, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
        _needs_api("doctor")


def _needs_api(command: str) -> NoReturn:
    raise InputError(f"{command} needs a host API; target: hook only starts builds")

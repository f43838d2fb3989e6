"""What the gate needs of a static host, whatever the host: the deploy-target protocol and the types it speaks.

The orchestration (`deploy/`) takes the ledger lock, fires, confirms and records through a `DeployTarget`, never
through a host's client: Netlify (`netlify/target.py`) is one implementation. A target declares what it can do
(`Capabilities`), so a command a host cannot carry out is refused in plain words before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar  # Protocol classes are made at run time

from vibe_action.decide.decision import HookState, PreviewDeploy
from vibe_action.errors import ExternalError
from vibe_action.inputs.config import Config
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.locks import ProductionLock
from vibe_action.ledger.records import Outcome, Record
from vibe_action.ledger.versions import FAILED_PREFIX

T = TypeVar("T")


class BranchMaker(Protocol):
    """Creates `branch` at `sha` where the host builds from (GitHub, or a git remote). Idempotent for the same
    commit; raises ExternalError (or InputError) when the branch exists at another commit or cannot be made."""

    def create(self, branch: str, sha: str) -> str:
        """What was done, in words (`created versions/v3 at abc1234`)."""
        ...


@dataclass(frozen=True)
class Build:
    """One build to start: its title in the host's deploy list, the branch, and the body the build reads."""

    title: str
    branch: str | None
    body: dict[str, Any]


@dataclass(frozen=True)
class Started:
    """What became of the request that starts a build, decided by what was sent and received."""

    state: HookState
    message: str
    deploy_id: str | None = None  # when the host's answer names the deploy (an API build does)
    status_code: int | None = None
    deploy_url: str | None = None  # an upload's deploy permalink, known from its creation (how GitHub's ledger
    # keeps the id of an in_progress record: from the URL of its status)


@dataclass(frozen=True)
class Landed:
    """What the host shows of a started build: the ledger status it earns, what the record adds, and why."""

    status: str  # success | failure | unconfirmed
    message: str  # appended to the start's message
    deploy_id: str | None = None
    deploy_url: str | None = None  # the permalink, once the deploy is ready
    state: str | None = None  # the confirmation's own word: ready, error, timeout, not_found, unavailable
    extra: RecordExtra = field(default_factory=RecordExtra)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capabilities:
    """What a host lets the gate do beyond firing a build."""

    confirm: bool = False  # find the deploy a build started, wait for it, and record its permalink
    restore: bool = False  # roll back to an earlier deploy (else: rebuild its commit, or nothing)
    lock: bool = False  # the host itself keeps production on a deploy until unlocked (else: the ledger's lock)
    prune: bool = False  # list and delete deploys
    lasting_versions: bool = False  # a URL per version that outlives the host's retention
    doctor: bool = False  # check the host's settings and find builds the gate did not start
    upload: bool = False  # the build is uploaded: `start` names the deploy before any file is sent (recorded then)


@dataclass(frozen=True)
class HostDeploy:
    """One deploy as the host lists it, in the words prune and doctor need."""

    id: str
    state: str  # the host's own word (ready, error, building, enqueued, success, failure, …)
    created_at: str  # ISO 8601
    finished: bool = True  # ready, failed or cancelled: nothing more will happen to it
    ready: bool = False  # it serves the site (or would, once published)
    published_at: str = ""
    branch: str = ""
    commit: str = ""
    title: str = ""
    production: bool = True
    locked: bool = False
    url: str = ""
    serves: str = ""  # why deleting it would take a URL down ("newest deploy of main", "alias …"); '' when none
    ours: bool = False  # started by the gate, as far as the host can tell (its title, its trigger)
    note: str = ""  # the host's message about it (why it failed or was cancelled)


def unless_gone(request: Callable[[], T]) -> T | None:
    """The host's answer, or None when it says the deploy is gone (HTTP 404: deleted, or past retention)."""
    try:
        return request()
    except ExternalError as exc:
        if exc.status != 404:
            raise
        return None


@dataclass(frozen=True)
class Restored:
    """A deploy the host made live again: its id, its URL, and what was done, in words."""

    deploy_id: str
    url: str | None
    how: str


class DeployTarget(Protocol):
    """A host that builds the site. `before` is whatever the host needs to tell its own new deploy from those
    that were there (opaque to the orchestration)."""

    @property
    def name(self) -> str:
        """How messages name the host (`Netlify`, `the deploy hook`)."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    def check(self) -> None:
        """Raise InputError (nothing recorded yet) when no build can be started: no hook URL, no access."""
        ...

    def title(self, title: str) -> str:
        """The build's title as the host will show it (a mark a recipe looks for may be added)."""
        ...

    def stale_after(self) -> timedelta:
        """How old an `in_progress` record must be before no live run can still be writing its outcome."""
        ...

    def find(self, record: Record) -> Outcome:
        """What became of a build whose run never recorded it (`unconfirmed` when the host cannot tell)."""
        ...

    def production_lock(self, records: list[Record], environment: str) -> tuple[ProductionLock | None, str]:
        """The lock that pins production (the host's word when it has one, else the ledger's), and a note."""
        ...

    def before(self, recorded: frozenset[str]) -> object:
        """What the host holds just before the build starts (`recorded`: deploy ids the ledger holds)."""
        ...

    def start(self, build: Build, before: object = None) -> Started:
        """Start one build; never repeat a request that may have been acted on. `before` is what `before()`
        returned (an upload looks for a deploy whose creation answer was lost among those made since)."""
        ...

    def land(self, build: Build, started: Started, fired_at: datetime, before: object, sha: str) -> Landed:
        """Confirm what the started build became, within the host's budget."""
        ...

    def lasting(self, final: Record, build: Build) -> Lasting:
        """A version that went live (by `build`) gets its lasting URL (a second outcome of the same record)."""
        ...

    def preview(self, build: Build) -> PreviewDeploy:
        """The candidate's build uploaded as a preview — never production, never recorded as a deploy; or why
        there is none."""
        ...

    def restore(self, record: Record) -> Restored | str:
        """Make the deploy of `record` live again; why it cannot be (deleted, never known, no access) otherwise."""
        ...

    def lock(self, deploy_id: str) -> None:
        """Keep production on this deploy (only called when `capabilities.lock`)."""
        ...

    def published(self) -> HostDeploy | None:
        """The deploy production serves now, as the host says (None: none, or the host cannot tell)."""
        ...

    def unlock(self, deploy: HostDeploy) -> None:
        """Let the host publish new deploys again (only called when `capabilities.lock`)."""
        ...

    def deploys(self) -> list[HostDeploy]:
        """Every deploy the host lists (bounded), newest first, with `serves` filled in."""
        ...

    def delete(self, deploy: HostDeploy) -> str:
        """Delete one deploy: '' when deleted, else why the host kept it."""
        ...

    def doctor(self, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
        """The host's settings and the deploys it made without the gate: (report, number of findings)."""
        ...


NO_PREVIEW_HERE = (
    "no preview: a deploy hook only builds; previews upload the built folder (upload.dir) to Netlify, Cloudflare "
    "Pages or Vercel"
)


@dataclass(frozen=True)
class Lasting:
    """The lasting URL of a version, or why it has none; `outcome` is what the ledger records of it."""

    ok: bool
    message: str
    url: str | None
    outcome: Outcome

    @classmethod
    def of(cls, final: Record, ok: bool, message: str, url: str | None = None) -> Lasting:
        """The second outcome of a successful deploy: its lasting URL, or why it has none (a message the
        versions page and GitHub's status tell apart by its prefix)."""
        extra = RecordExtra(version_build="started" if ok else "failed", version_url=url)
        said = message if ok else FAILED_PREFIX + message
        return cls(ok, message, url, Outcome(final.status, said, final.deploy_url, final.deploy_id, extra))

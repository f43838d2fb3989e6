"""The composition of deploy targets: which host a config names, wired to the clients of this run.

The one place above the host packages that knows them all: the front ends hand in the run's `Services` and the
access they were given (`HostAccess`); `gate` and the commands get back a `DeployTarget` and speak `hosting`
only. Host API clients are made here, and only when a session exists (a dry run sends nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from vibe_action.errors import InputError
from vibe_action.hosts.cloudflare.snapshots import branch_alias
from vibe_action.hosts.cloudflare.target import CloudflareTarget
from vibe_action.hosts.netlify.models import ACCESS_NAMES, ACTION_NAMES
from vibe_action.hosts.netlify.models import API_URL_VARIABLE as NETLIFY_API_URL_VARIABLE
from vibe_action.hosts.netlify.recipe import trigger_problem
from vibe_action.hosts.netlify.services import NetlifyServices, Trigger
from vibe_action.hosts.netlify.target import NetlifyTarget
from vibe_action.hosts.netlify.urls import deploy_id_from_permalink, lasting_of
from vibe_action.hosts.protocol import BranchMaker, DeployTarget
from vibe_action.hosts.vercel.target import VercelTarget
from vibe_action.hosts.webhook.target import WebhookTarget
from vibe_action.inputs.config import Config
from vibe_action.inputs.sections import DEFAULT_NETLIFY_DAYS
from vibe_action.ledger.records import Ledger
from vibe_action.ledger.versions import Links
from vibe_action.redact import Secrets

if TYPE_CHECKING:  # made only when something may be sent (they load requests), or when the config names them
    import requests

    from vibe_action.hosts.netlify.client import NetlifyClient

__all__ = ["NETLIFY_API_URL_VARIABLE", "VERCEL_API_URL_VARIABLE", "HostAccess", "VercelAccess", "require", "target_for"]


@dataclass(frozen=True)
class Services:
    """The I/O of one run that no host owns, passed in (tests hand in ones pointed at local servers); each host's
    own API client is wired by the composition root (`hosts.py`)."""

    ledger: Ledger
    session: requests.Session | None
    secrets: Secrets
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    progress: Callable[[str], None] = field(default=lambda _text: None)  # a line while waiting (CLI: stderr)
    branches: BranchMaker | None = None  # where lasting version branches are created (GitHub, or git)
    # How many results-changing commits since the live version went live, up to the candidate (git from the
    # CLI, the compare API in the action): which comparison with it this is. None: it cannot be told.
    comparisons: Callable[[Comparisons], int | None] | None = None


@dataclass(frozen=True)
class Comparisons:
    """What counting the comparisons with the live version needs: its commit and when it went live (a rollback
    goes live long after its commit), the candidate, and the paths whose changes are evaluated."""

    live: str
    went_live: str  # YYYY-MM-DDTHH:MM:SSZ
    rolled_back: bool
    candidate: str
    paths: tuple[str, ...]


# What each command needs of the host, and the word for it.
NEEDS = {"rollback": "restore", "unlock": "restore", "prune": "prune", "doctor": "doctor"}
CLOUDFLARE_API_URL_VARIABLE = "VIBE_CLOUDFLARE_API_URL"  # another API base: a local test server, or a proxy
VERCEL_API_URL_VARIABLE = "VIBE_VERCEL_API_URL"
CLI_VERCEL = ("--vercel-token (or VERCEL_TOKEN)", "--vercel-project-id (or VERCEL_PROJECT_ID)")
ACTION_VERCEL = ("the vercel-token input", "the vercel-project-id input")
CLI_CLOUDFLARE = (
    "--cloudflare-api-token (or CLOUDFLARE_API_TOKEN)",
    "--cloudflare-account-id (or CLOUDFLARE_ACCOUNT_ID)",
)
ACTION_CLOUDFLARE = ("the cloudflare-api-token input", "the cloudflare-account-id input")


@dataclass(frozen=True)
class NetlifyAccess:
    token: str | None = None
    site_id: str | None = None
    api_url: str | None = None  # $VIBE_NETLIFY_API_URL


@dataclass(frozen=True)
class CloudflareAccess:
    """What the Cloudflare API needs besides the project (deploy.yaml): a token, the account, the API's base."""

    token: str | None = None
    account_id: str | None = None
    api_url: str | None = None  # $VIBE_CLOUDFLARE_API_URL


@dataclass(frozen=True)
class VercelAccess:
    """Vercel's token, project and org (a team's id makes every call name the team), and the API's base."""

    token: str | None = None
    project_id: str | None = None
    org_id: str | None = None
    api_url: str | None = None  # $VIBE_VERCEL_API_URL


@dataclass(frozen=True)
class HostAccess:
    """The API access a front end was given, for whichever host the config names (none: hooks only)."""

    netlify: NetlifyAccess = field(default_factory=NetlifyAccess)
    cloudflare: CloudflareAccess = field(default_factory=CloudflareAccess)
    vercel: VercelAccess = field(default_factory=VercelAccess)


def cli_access(args: object, env: Mapping[str, str]) -> HostAccess:
    """The CLI's access: the flags, else the hosts' own variables (Netlify's CLI, wrangler)."""

    def flag(name: str) -> str | None:
        value = getattr(args, name, None)
        return value if isinstance(value, str) and value else None

    return HostAccess(
        NetlifyAccess(
            flag("netlify_token") or env.get("NETLIFY_AUTH_TOKEN"),
            flag("netlify_site_id") or env.get("NETLIFY_SITE_ID"),
            env.get(NETLIFY_API_URL_VARIABLE),
        ),
        CloudflareAccess(
            flag("cloudflare_api_token") or env.get("CLOUDFLARE_API_TOKEN"),
            flag("cloudflare_account_id") or env.get("CLOUDFLARE_ACCOUNT_ID"),
            env.get(CLOUDFLARE_API_URL_VARIABLE),
        ),
        VercelAccess(
            flag("vercel_token") or env.get("VERCEL_TOKEN"),
            flag("vercel_project_id") or env.get("VERCEL_PROJECT_ID"),
            flag("vercel_org_id") or env.get("VERCEL_ORG_ID"),
            env.get(VERCEL_API_URL_VARIABLE),
        ),
    )


def action_access(
    netlify_token: str,
    netlify_site_id: str,
    cloudflare_token: str,
    cloudflare_account: str,
    env: Mapping[str, str],
    vercel: VercelAccess | None = None,
) -> HostAccess:
    """The action's access, from its inputs; errors name the inputs from here on."""
    ACCESS_NAMES.set(ACTION_NAMES)
    return HostAccess(
        NetlifyAccess(netlify_token or None, netlify_site_id or None, env.get(NETLIFY_API_URL_VARIABLE)),
        CloudflareAccess(cloudflare_token or None, cloudflare_account or None, env.get(CLOUDFLARE_API_URL_VARIABLE)),
        vercel or VercelAccess(api_url=env.get(VERCEL_API_URL_VARIABLE)),
    )


def target_for(
    config: Config,
    hook_url: str | None,
    services: Services,
    access: HostAccess,
    upload: tuple[Path, str] | None = None,
    workspace: Path | None = None,
) -> DeployTarget:
    """The host the config deploys to, with this run's clients (nothing is checked or sent yet). `upload`: the
    built folder to send through the host's API (and how the user wrote it) instead of asking it to build."""
    if upload is not None and config.target == "hook":
        raise InputError(
            f"upload: needs a host's API, and {config.file} says target: hook (a deploy hook only builds) — use "
            "target: netlify, cloudflare-pages or vercel, or remove upload: (and --upload-dir / upload-dir)"
        )
    if config.target == "cloudflare-pages":
        return _cloudflare(config, hook_url, services, access.cloudflare, upload)
    if config.target == "vercel":
        return _vercel(config, hook_url, services, access.vercel, upload)
    if config.target == "hook":
        names = ACCESS_NAMES.get()
        return WebhookTarget(
            hook_url,
            services.session,
            services.secrets,
            names.hook,
            config.hook.timeout,
            services.progress,
            services.sleep,
        )
    trigger = Trigger(
        kind=config.netlify.trigger,
        title="",
        branch=config.hook.branch,
        body={},
        hook_url=hook_url,
        confirm_timeout=config.netlify.confirm_timeout,
        poll_interval=config.netlify.poll_interval,
        read_timeout=config.hook.timeout,
    )
    client = _netlify(services, access.netlify)
    netlify = NetlifyServices(
        services.ledger,
        services.session,
        services.secrets,
        client,
        services.clock,
        services.sleep,
        services.wall_clock,
        services.progress,
        services.branches,
    )
    if upload is None:
        return NetlifyTarget(trigger, netlify, config.versions)
    site_config = workspace / "netlify.toml" if workspace is not None else None
    return NetlifyTarget(
        trigger, netlify, config.versions, upload_dir=upload[0], shown_dir=upload[1], site_config=site_config
    )


def links_for(config: Config | None) -> Links:
    """How the config's host keeps and names a version's URLs (no config: Netlify's, the default target)."""

    if config is None or config.target == "netlify":
        site = config.versions.site if config else None
        days = config.retention.netlify_days if config else DEFAULT_NETLIFY_DAYS
        return Links(days, lambda branch, records: lasting_of(branch, site, records))
    project = config.cloudflare.project
    if config.target == "cloudflare-pages" and project:
        return Links(None, lambda branch, _records: branch_alias(branch, f"{project}.pages.dev"))
    return Links(None)


def deploy_id_of(url: str | None) -> str | None:
    """A host's deploy id, read from the URL a GitHub deployment status carries: Netlify's permalink names it
    (`<deploy_id>--<site>.netlify.app`); a Cloudflare Pages permalink names only a short id, so Pages finds a
    deployment by its URL instead (`cloudflare/site.find_deployment`)."""
    return deploy_id_from_permalink(url)


def repository_warning(config: Config, workspace: Path) -> str:
    """What in the repository works against the host's set-up (Netlify: a netlify.toml `ignore` recipe that
    would cancel the gate's own builds); '' when nothing."""
    return trigger_problem(workspace, config.netlify.trigger) if config.target == "netlify" else ""


def require(target: DeployTarget, config: Config, command: str) -> None:
    """Refuse, in plain words and before anything is read or sent, a command the config's host cannot do."""
    need = NEEDS.get(command)
    if need is None or getattr(target.capabilities, need):
        return
    raise InputError(
        f"{command} needs a host API, and {config.file} says target: {config.target} (a deploy hook only starts "
        "builds): roll back by running the gate on the older commit's results, or use target: netlify, "
        "cloudflare-pages or vercel with API access"
    )


def _netlify(services: Services, access: NetlifyAccess) -> NetlifyClient | None:
    """The Netlify API client when a token and site id are given and something may be sent."""
    if services.session is None:
        return None
    from vibe_action.hosts.netlify.client import make_netlify  # noqa: PLC0415 — requests loads only when sending

    return make_netlify(
        services.session, access.token, access.site_id, services.secrets, access.api_url, sleep=services.sleep
    )


def _cloudflare(
    config: Config,
    hook_url: str | None,
    services: Services,
    access: CloudflareAccess,
    upload: tuple[Path, str] | None = None,
) -> CloudflareTarget:
    names = ACTION_CLOUDFLARE if ACCESS_NAMES.get() == ACTION_NAMES else CLI_CLOUDFLARE
    pages = None
    if services.session is not None and (access.token or access.account_id):
        from vibe_action.hosts.cloudflare.client import make_pages  # noqa: PLC0415 — requests loads only when sending

        project = config.cloudflare.project
        pages = make_pages(
            services.session,
            access.token,
            access.account_id,
            project,
            services.secrets,
            access.api_url,
            names,
            sleep=services.sleep,
        )
    return CloudflareTarget(
        hook_url,
        services.session,
        services.secrets,
        pages,
        ACCESS_NAMES.get().hook,
        config.hook.timeout,
        config.netlify.confirm_timeout,
        config.netlify.poll_interval,
        services.clock,
        services.sleep,
        services.progress,
        config.versions,
        services.branches,
        config.cloudflare.project,
        f"{names[0]} and {names[1]}",
        upload_dir=upload[0] if upload else None,
        shown_dir=upload[1] if upload else "",
        wall_clock=services.wall_clock,
    )


def _vercel(
    config: Config,
    hook_url: str | None,
    services: Services,
    access: VercelAccess,
    upload: tuple[Path, str] | None = None,
) -> VercelTarget:
    names = ACTION_VERCEL if ACCESS_NAMES.get() == ACTION_NAMES else CLI_VERCEL
    client = None
    if services.session is not None and (access.token or access.project_id):
        from vibe_action.hosts.vercel.client import make_vercel  # noqa: PLC0415 — requests loads only when sending

        client = make_vercel(
            services.session,
            access.token,
            access.project_id,
            access.org_id,
            services.secrets,
            access.api_url,
            names,
            sleep=services.sleep,
        )
    return VercelTarget(
        hook_url,
        services.session,
        services.secrets,
        client,
        ACCESS_NAMES.get().hook,
        read_timeout=config.hook.timeout,
        confirm_timeout=config.netlify.confirm_timeout,
        poll_interval=config.netlify.poll_interval,
        clock=services.clock,
        sleep=services.sleep,
        wall_clock=services.wall_clock,
        progress=services.progress,
        versions=config.versions,
        api_names=f"{names[0]} and {names[1]}",
        upload_dir=upload[0] if upload else None,
        shown_dir=upload[1] if upload else "",
        preview_budget=config.preview_budget,
    )

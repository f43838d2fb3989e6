"""The composition of deploy targets: which host a config names, wired to the clients of this run.

The one place above the host packages that knows them all; `gate` asks it for the run's `DeployTarget` and
`rollback`'s rebuild, and the rest of the gate speaks `hosting` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vibe_action.cloudflare.target import CloudflareTarget
from vibe_action.errors import InputError
from vibe_action.hosting import Capabilities, DeployTarget
from vibe_action.inputs.config import Config
from vibe_action.netlify.deploy import Services, Trigger, check_trigger
from vibe_action.netlify.models import ACCESS_NAMES, ACTION_NAMES
from vibe_action.netlify.rollback import Rebuild
from vibe_action.netlify.target import NetlifyTarget
from vibe_action.webhook.target import WebhookTarget

if TYPE_CHECKING:  # built by the composition root when the config names Cloudflare; it loads requests
    from vibe_action.cloudflare.api import PagesClient

# What each command needs of the host, and the word for it (`doctor` checks a Netlify site's settings).
NEEDS = {"rollback": "restore", "unlock": "lock", "prune": "prune", "doctor": "prune"}


def _trigger(config: Config, hook_url: str | None, title: str = "") -> Trigger:
    return Trigger(
        kind=config.netlify.trigger,
        title=title,
        branch=config.hook.branch,
        body={},
        hook_url=hook_url,
        confirm_timeout=config.netlify.confirm_timeout,
        poll_interval=config.netlify.poll_interval,
        read_timeout=config.hook.timeout,
    )


@dataclass(frozen=True)
class CloudflareAccess:
    """What the Cloudflare API needs besides the project (deploy.yaml): a token, the account, the API's base."""

    token: str | None
    account_id: str | None
    api_url: str | None = None


CLOUDFLARE_API_URL_VARIABLE = "VIBE_CLOUDFLARE_API_URL"  # another API base: a local test server, or a proxy
CLI_CLOUDFLARE = (
    "--cloudflare-api-token (or CLOUDFLARE_API_TOKEN)",
    "--cloudflare-account-id (or CLOUDFLARE_ACCOUNT_ID)",
)
ACTION_CLOUDFLARE = ("the cloudflare-api-token input", "the cloudflare-account-id input")


def cli_cloudflare_access(token: str | None, account: str | None, env: Mapping[str, str]) -> CloudflareAccess:
    """The CLI's Cloudflare access: the flags, else wrangler's variables; `$VIBE_CLOUDFLARE_API_URL` for the base."""
    return CloudflareAccess(
        token or env.get("CLOUDFLARE_API_TOKEN"),
        account or env.get("CLOUDFLARE_ACCOUNT_ID"),
        env.get(CLOUDFLARE_API_URL_VARIABLE),
    )


def target_for(
    config: Config, hook_url: str | None, services: Services, cloudflare: CloudflareAccess | None = None
) -> DeployTarget:
    """The host the config deploys to, with this run's clients (nothing is checked or sent yet)."""
    if config.target == "cloudflare-pages":
        return CloudflareTarget(
            hook_url,
            services.session,
            services.secrets,
            _pages(config, services, cloudflare),
            ACCESS_NAMES.get().hook,
            config.hook.timeout,
            config.netlify.confirm_timeout,
            config.netlify.poll_interval,
            services.clock,
            services.sleep,
            services.progress,
        )
    if config.target == "hook":
        names = ACCESS_NAMES.get()
        return WebhookTarget(
            hook_url, services.session, services.secrets, names.hook, config.hook.timeout, services.progress
        )
    return NetlifyTarget(_trigger(config, hook_url), services, config.versions)


def require(config: Config, command: str) -> None:
    """Refuse, in plain words and before anything is read or sent, a command the config's host cannot do."""
    if config.target == "netlify" or command not in NEEDS:
        return
    capabilities = Capabilities()  # hook and cloudflare-pages: no restore, lock or prune (yet, for Cloudflare)
    if not getattr(capabilities, NEEDS[command]):
        what = "a deploy hook only starts builds" if config.target == "hook" else "the gate does not offer it there yet"
        raise InputError(
            f"{command} needs a host API, and {config.file} says target: {config.target} ({what}): roll back by "
            "running the gate on the older commit's results, or use target: netlify"
        )


def _pages(config: Config, services: Services, access: CloudflareAccess | None) -> PagesClient | None:
    """The Pages API client when a token and account are given (a dry run sends nothing: none)."""
    if access is None or services.session is None or not (access.token or access.account_id):
        return None
    from vibe_action.cloudflare.api import make_pages  # noqa: PLC0415 — requests loads only when sending

    names = ACTION_CLOUDFLARE if ACCESS_NAMES.get() == ACTION_NAMES else CLI_CLOUDFLARE
    project = config.cloudflare.project
    return make_pages(
        services.session, access.token, access.account_id, project, services.secrets, access.api_url, names
    )


def rebuild_for(config: Config, hook_url: str | None, services: Services) -> Rebuild:
    """How `rollback` rebuilds a version Netlify deleted: the configured trigger (hook URL or API), or none."""
    trigger = _trigger(config, hook_url, "rollback")
    if (trigger.kind == "hook" and not hook_url) or (trigger.kind == "api" and services.netlify is None):
        return Rebuild(None, services, config.quota.limit)
    return Rebuild(check_trigger(trigger, services), services, config.quota.limit)

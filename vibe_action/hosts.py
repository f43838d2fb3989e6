"""The composition of deploy targets: which host a config names, wired to the clients of this run.

The one place above the host packages that knows them all; `gate` asks it for the run's `DeployTarget` and
`rollback`'s rebuild, and the rest of the gate speaks `hosting` only.
"""

from __future__ import annotations

from vibe_action.errors import InputError
from vibe_action.hosting import Capabilities, DeployTarget
from vibe_action.inputs.config import Config
from vibe_action.netlify.deploy import Services, Trigger, check_trigger
from vibe_action.netlify.models import ACCESS_NAMES
from vibe_action.netlify.rollback import Rebuild
from vibe_action.netlify.target import NetlifyTarget
from vibe_action.webhook.target import WebhookTarget

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


def target_for(config: Config, hook_url: str | None, services: Services) -> DeployTarget:
    """The host the config deploys to, with this run's clients (nothing is checked or sent yet)."""
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
    capabilities = Capabilities()  # target: hook — a URL that starts builds, and nothing more
    if not getattr(capabilities, NEEDS[command]):
        raise InputError(
            f"{command} needs a host API, and {config.file} says target: {config.target} (a deploy hook only starts "
            "builds): roll back by running the gate on the older commit's results, or use target: netlify"
        )


def rebuild_for(config: Config, hook_url: str | None, services: Services) -> Rebuild:
    """How `rollback` rebuilds a version Netlify deleted: the configured trigger (hook URL or API), or none."""
    trigger = _trigger(config, hook_url, "rollback")
    if (trigger.kind == "hook" and not hook_url) or (trigger.kind == "api" and services.netlify is None):
        return Rebuild(None, services, config.quota.limit)
    return Rebuild(check_trigger(trigger, services), services, config.quota.limit)

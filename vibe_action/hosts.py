"""The composition of deploy targets: which host a config names, wired to the clients of this run.

The one place above the host packages that knows them all; `gate` asks it for the run's `DeployTarget` and
`rollback`'s rebuild, and the rest of the gate speaks `hosting` only.
"""

from __future__ import annotations

from vibe_action.hosting import DeployTarget
from vibe_action.inputs.config import Config
from vibe_action.netlify.deploy import Services, Trigger, check_trigger
from vibe_action.netlify.rollback import Rebuild
from vibe_action.netlify.target import NetlifyTarget


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
    return NetlifyTarget(_trigger(config, hook_url), services, config.versions)


def rebuild_for(config: Config, hook_url: str | None, services: Services) -> Rebuild:
    """How `rollback` rebuilds a version Netlify deleted: the configured trigger (hook URL or API), or none."""
    trigger = _trigger(config, hook_url, "rollback")
    if (trigger.kind == "hook" and not hook_url) or (trigger.kind == "api" and services.netlify is None):
        return Rebuild(None, services, config.quota.limit)
    return Rebuild(check_trigger(trigger, services), services, config.quota.limit)

"""Starting a Netlify build and confirming it: by the build hook or the API, found in the deploy listing.

`netlify/target.py` offers these to the host-neutral orchestration (`deploy/carry.py`), which takes the ledger
lock and records the outcome; rollback and lasting versions start builds through them too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.hook_url import check_hook_url
from vibe_action.hosts.netlify.confirm import Before, Confirmation, confirm, known_deploys
from vibe_action.hosts.netlify.models import ACCESS_NAMES, CONNECT_TIMEOUT, Deploy
from vibe_action.hosts.netlify.services import NetlifyServices, Trigger
from vibe_action.hosts.protocol import Started

CANCELLED_BY_IGNORE = (
    "Netlify cancelled the gate's build {deploy} ({reason!r}): the netlify.toml 'ignore' command exited 0 for it, "
    "so nothing was deployed — with netlify.trigger: api the command must let API builds through (they get no "
    'INCOMING_HOOK_* variables): use the recipe in docs/netlify.md, "trigger: api"'
)
# What a failed POST to find an unconfirmed deploy may cost at most, however long the configured budget.
UNKNOWN_OUTCOME_BUDGET = 120.0


def check_trigger(trigger: Trigger, services: NetlifyServices) -> Trigger:
    """Fail before anything is recorded when the build cannot be started at all; the hook URL comes back
    stripped of the whitespace a pasted secret brings."""
    names = ACCESS_NAMES.get()
    if trigger.kind == "api" and services.netlify is None:
        raise InputError(
            f"netlify.trigger is 'api' but no Netlify token and site id are set: set {names.token} and "
            f"{names.site}, or use trigger: hook"
        )
    if trigger.kind == "hook" and not trigger.hook_url:
        raise InputError(f"no build hook URL is set: set {names.hook} from a secret; a dry run decides without one")
    if trigger.kind == "hook" and trigger.hook_url:
        url = check_hook_url(trigger.hook_url, "build hook URL")
        services.secrets.add_url(url)
        return replace(trigger, hook_url=url)
    return trigger


def start_build(
    trigger: Trigger,
    services: NetlifyServices,
    title: str | None = None,
    branch: str | None = None,
    body: dict[str, Any] | None = None,
) -> Started:
    """One build, by the hook or the API; `title`, `branch` and `body` override the trigger's."""
    title = title or trigger.title
    branch = branch or trigger.branch
    body = trigger.body if body is None else body
    if trigger.kind == "api":
        assert services.netlify is not None  # noqa: S101 — check_trigger() made sure
        from vibe_action.hosts.netlify.client import MaybeActedError  # noqa: PLC0415 — requests loads only when sending

        try:
            deploy_id = services.netlify.start_build(title, branch)
        except MaybeActedError as exc:
            return Started("unknown", f"{exc}; the build may have started — not started again")
        except ExternalError as exc:
            return Started("rejected", f"Netlify API could not start the build: {exc}")
        return Started("accepted", f"Netlify build started (deploy {deploy_id})", deploy_id)
    assert trigger.hook_url is not None  # noqa: S101 — check_trigger() made sure
    from vibe_action.hosts.netlify import build_hook  # noqa: PLC0415 — requests loads only when sending

    if services.session is None:
        raise InputError("a dry run sends nothing; this run was asked to fire the build hook")
    fired = build_hook.fire(
        services.session,
        trigger.hook_url,
        title,
        services.secrets,
        branch=branch,
        body=body,
        timeout=(CONNECT_TIMEOUT, trigger.read_timeout),
        on_wait=lambda seconds: services.progress(f"build hook: nothing was started; trying again in {seconds:.0f} s"),
        sleep=services.sleep,
    )
    return Started(fired.state, fired.message, None, fired.status_code)


def known_before(trigger: Trigger, recorded: frozenset[str], services: NetlifyServices) -> Before:
    """Deploys the hook's build cannot be: those listed before the POST and those the ledger already holds."""
    if services.netlify is None or trigger.kind != "hook":
        return Before(None, recorded)
    return known_deploys(services.netlify, recorded)


def confirm_build(
    result: Started, trigger: Trigger, fired_at: datetime, services: NetlifyServices, before: Before
) -> Confirmation | None:
    """With API access: find the deploy (also after an unknown outcome) and wait for it within the budget."""
    if services.netlify is None or result.state in ("rejected", "unreachable"):
        return None
    budget = trigger.confirm_timeout
    if result.state == "unknown":
        budget = min(max(budget, trigger.poll_interval), UNKNOWN_OUTCOME_BUDGET)
    elif budget <= 0:
        return None
    try:
        return confirm(
            services.netlify,
            title=trigger.title,
            fired_at=fired_at,
            before=before,
            budget=budget,
            first_interval=trigger.poll_interval,
            deploy_id=result.deploy_id,
            clock=services.clock,
            sleep=services.sleep,
            progress=services.progress,
        )
    except ExternalError as exc:
        return Confirmation("unavailable", f"could not confirm on Netlify: {exc}")


def publish_warnings(deploy: Deploy | None, services: NetlifyServices) -> list[str]:
    """A locked published deploy means auto-publishing is off: the new snapshot is built but not live."""
    if services.netlify is None or deploy is None:
        return []
    try:
        published = services.netlify.published_deploy()
    except ExternalError:
        return []
    if published is not None and published.locked and published.id != deploy.id:
        return [
            f"auto-publishing is off (the published deploy {published.id} is locked): the new snapshot "
            f"{deploy.url} is built but not live; publish it in Netlify or unlock the published deploy"
        ]
    return []

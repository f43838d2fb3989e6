"""Netlify's build hook: the generic deploy-hook POST (`http/hook.py`) with Netlify's query parameters —
`trigger_title` names the deploy in the site's list (how the gate finds it), `trigger_branch` builds another
branch (a lasting version's). Netlify docs, "Build hooks"."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from vibe_action.hosts.http.deploy_hook import HookResult, post_hook
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT
from vibe_action.redact import Secrets

__all__ = ["HookResult", "fire"]


def fire(
    session: requests.Session,
    url: str,
    title: str,
    secrets: Secrets,
    *,
    branch: str | None = None,
    body: dict[str, Any] | None = None,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    on_wait: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HookResult:
    """POST once to the hook with `trigger_title` (and `trigger_branch`); classify what happened."""
    params = {"trigger_title": title, **({"trigger_branch": branch} if branch else {})}
    return post_hook(
        session,
        url,
        secrets,
        params=params,
        body=body,
        timeout=timeout,
        on_wait=on_wait,
        where_hooks_live="Site settings → Build hooks",
        sleep=sleep,
    )

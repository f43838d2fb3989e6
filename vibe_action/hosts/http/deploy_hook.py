"""Fire a deploy hook (Netlify's build hook, Cloudflare's deploy hook, Vercel's, Render's): one POST, never
repeated blindly, its URL never shown.

A deploy hook is a secret URL; a POST starts a build of the site's branch. The answer carries no deploy id.
Outcomes are told apart because they lead to different records:
- `accepted` (2xx): the build was started; the snapshot is recorded as deployed;
- `rejected` (a 3xx or 4xx): the build was not started; recorded as failed, exit 3;
- `unreachable`: the request never reached the server (connection refused, DNS, connect timeout, a failed
  TLS handshake); safe to run again;
- `unknown`: the request was sent but no usable answer came (read timeout, dropped connection, or a 5xx: a
  502/503/504 from a host's edge may follow a build the origin already started). The build may have started,
  so with a token the gate looks for it, and without one it is recorded as `unconfirmed` (it counts against
  the quota and is not fired again).

Only what was certainly not acted on is sent again: a connection that never opened, and a 429 (refused). The
status line alone decides an answer: a 2xx whose body then breaks (a Content-Length lie, a dropped or broken
chunked or gzip body) is accepted — the body is never read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

from vibe_action.decide.decision import HookState
from vibe_action.errors import InputError
from vibe_action.hosts.http.hook_url import resolves_internal
from vibe_action.hosts.http.retry import MAX_RETRY_AFTER, requested_wait, retry_policy
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT
from vibe_action.hosts.http.transport import Deadline, DeadlineAdapter, nothing_sent
from vibe_action.hosts.protocol import Started
from vibe_action.redact import Secrets

# The one answer that means "not started, try again": rate limited. A 5xx after the request was sent may
# follow a build that started (the edge timed out waiting for the origin), so it is never retried.
RETRY_STATUSES = (429,)


@dataclass(frozen=True)
class HookResult:
    state: HookState
    message: str
    status_code: int | None = None


def post_hook(
    session: requests.Session,
    url: str,
    secrets: Secrets,
    *,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    on_wait: Callable[[float], None] | None = None,
    where_hooks_live: str = "the host's settings",
    sleep: Callable[[float], None] = time.sleep,
) -> HookResult:
    """POST once to the hook (with the host's query `params`, and `body` as JSON); classify what happened.
    `where_hooks_live` tells a user whose hook is gone where to make a new one."""
    secrets.add_url(url)
    if resolves_internal(url):
        return HookResult(
            "unreachable", "build hook: its host resolves to a private or link-local address; nothing was sent"
        )
    adapter = DeadlineAdapter(
        sum(timeout),  # connect + send + answer, whatever the server trickles
        max_retries=retry_policy(
            methods=("POST",), statuses=RETRY_STATUSES, attempts=3, backoff=1.0, on_wait=on_wait, sleep=sleep
        ),
    )
    session.mount(url.split("?", 1)[0], adapter)
    with adapter.watching() as deadline:
        return _post(session, url, params or {}, body, timeout, secrets, deadline, where_hooks_live)


def _post(
    session: requests.Session,
    url: str,
    params: dict[str, str],
    body: dict[str, Any] | None,
    timeout: tuple[float, float],
    secrets: Secrets,
    deadline: Deadline,
    where_hooks_live: str,
) -> HookResult:
    try:
        response = session.post(
            url,
            params=params,
            timeout=timeout,
            data=json.dumps(body) if body is not None else None,
            headers={"Content-Type": "application/json"} if body is not None else None,
            allow_redirects=False,  # a redirect would re-POST the body elsewhere, or turn a GET 200 into "accepted"
            stream=True,  # the status line decides: a body that breaks afterwards changes nothing
        )
    except requests.exceptions.RetryError:
        return HookResult("rejected", "build hook kept answering 'try again later'; the build was not started")
    except requests.exceptions.RequestException as exc:
        started = deadline.request_started.is_set()
        return _failed(exc, timeout, secrets, deadline.expired.is_set(), started)
    response.close()  # the answer's body is never needed (no deploy id in it) and never read
    return _classify(response, where_hooks_live)


def _failed(
    exc: requests.exceptions.RequestException,
    timeout: tuple[float, float],
    secrets: Secrets,
    expired: bool,
    request_started: bool = True,
) -> HookResult:
    """No status line came back: whether any byte of the request can have reached the server decides, told by
    the exception's type (never its text) and by whether the request had started to be written. Before
    sending — refused, unresolvable, a connect timeout, a TLS handshake that failed or was reset (an https
    hook URL on a plain-HTTP server) — nothing started, and firing again is safe; after it, the build may
    have."""
    if nothing_sent(exc):
        return HookResult("unreachable", f"build hook unreachable ({_short(exc, secrets)}); nothing was sent")
    if not request_started:
        return HookResult(
            "unreachable",
            "build hook unreachable: the connection was closed before the request was written (in the TLS "
            "handshake: does the https address lead to a server that speaks plain HTTP?); nothing was sent",
        )
    if expired:
        return _no_answer(f"no answer within {sum(timeout):g} s (connect and answer)")
    if isinstance(exc, requests.exceptions.Timeout) or isinstance(_reason(exc), ReadTimeoutError):
        return _no_answer(f"no answer within {timeout[1]:g} s")
    return HookResult(
        "unknown",
        "build hook: the connection dropped after the request was sent; the build may have started — not fired again",
    )


def _classify(response: requests.Response, where_hooks_live: str) -> HookResult:
    """What an answer means for the build: started, or not (and why, in words a person can act on)."""
    code = response.status_code
    if 200 <= code < 300:
        return HookResult("accepted", f"build hook accepted (HTTP {code})", code)
    if 300 <= code < 400:
        where = urlsplit(response.headers.get("Location") or "").hostname or "nowhere"
        return HookResult(
            "rejected",
            f"build hook answered HTTP {code}, a redirect to {where}; redirects are not followed and the build "
            "was not started — check that the secret holds the hook URL Netlify shows",
            code,
        )
    asked = requested_wait(response)
    if asked is not None and asked > MAX_RETRY_AFTER:
        return HookResult(
            "rejected",
            f"build hook answered HTTP {code} and asked to wait {asked:g} s (more than the {MAX_RETRY_AFTER:g} s "
            "the gate waits); the build was not started — run the gate again later",
            code,
        )
    if code in RETRY_STATUSES:
        return HookResult(
            "rejected", f"build hook answered HTTP {code} after retries: {_explain(code, where_hooks_live)}", code
        )
    if code >= 500:
        return HookResult(
            "unknown",
            f"build hook answered HTTP {code} after the request was sent; the build may have started — not fired again",
            code,
        )
    return HookResult("rejected", f"build hook answered HTTP {code}: {_explain(code, where_hooks_live)}", code)


def _no_answer(what: str) -> HookResult:
    return HookResult(
        "unknown", f"build hook: {what} after the request was sent; the build may have started — not fired again"
    )


def _reason(exc: requests.exceptions.RequestException) -> object:

    inner = exc.args[0] if exc.args else None
    return getattr(inner, "reason", inner)


def _explain(code: int, where_hooks_live: str) -> str:
    if code == 404:
        return (
            f"build hook not found — was it deleted or rotated? Create a new one in {where_hooks_live} and "
            "update the secret"
        )
    if code in (401, 403):
        return "the hook refused the request; check the hook URL secret"
    if code == 429:
        return "Netlify is rate limiting build hooks; the build was not started, run the gate again later"
    return "the build was not started"


def _short(exc: BaseException, secrets: Secrets) -> str:
    """Name the failure without the URL that urllib3 embeds in its messages."""
    text = secrets.scrub(str(exc))
    reason = text.rsplit(": ", 1)[-1].rstrip(")'\"]")
    return f"{type(exc).__name__}: {reason}"[:200]


def fire_deploy_hook(
    session: requests.Session | None,
    url: str | None,
    secrets: Secrets,
    body: dict[str, Any],
    read_timeout: float,
    progress: Callable[[str], None],
    where_hooks_live: str = "the host's settings",
    sleep: Callable[[float], None] = time.sleep,
) -> Started:
    """A plain deploy hook's build (no query parameters of the gate's), worded as a deploy hook; for any target
    whose builds start from one (`target: hook`, Cloudflare Pages)."""
    if session is None or url is None:
        raise InputError("a dry run sends nothing; this run was asked to fire the deploy hook")
    fired = post_hook(
        session,
        url,
        secrets,
        body=body,
        timeout=(CONNECT_TIMEOUT, read_timeout),
        on_wait=lambda seconds: progress(f"deploy hook: nothing was started; trying again in {seconds:.0f} s"),
        where_hooks_live=where_hooks_live,
        sleep=sleep,
    )
    return Started(fired.state, fired.message.replace("build hook", "deploy hook"), None, fired.status_code)

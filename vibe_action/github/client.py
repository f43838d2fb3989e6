"""The PyGithub client, configured once: retries that never repeat a POST, timeouts, lazy objects.

PyGithub's default `GithubRetry` retries POST on 5xx, which could create a deployment (or a comment) twice.
Here only GET and HEAD are retried (on 5xx and on rate limits, honouring `Retry-After`); a failed write is
reported, not repeated. `lazy=True` builds repository, issue and commit objects without a request.
"""

from __future__ import annotations

from datetime import datetime, timezone

from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException

DEFAULT_TIMEOUT = 30
# GitHub asks integrations to space writes by at least a second (secondary rate limits); PyGithub does it.
# VIBE_GITHUB_WRITE_SPACING=0 turns the spacing off against a local test server.
DEFAULT_WRITE_SPACING = 1.0
RETRIED_METHODS = frozenset({"GET", "HEAD"})
UNAUTHENTICATED_LIMIT = 60  # requests an hour per IP without a token (GitHub docs: "Rate limits for the REST API")
WRITE_PERMISSION_HINTS = {
    "check": "add `checks: write` to the job's permissions",
    "status": "add `statuses: write` to the job's permissions",
    "comment": "add `pull-requests: write` to the job's permissions",
    "deployment": "add `deployments: write` to the job's permissions",
}


def make_github(
    token: str, api_url: str, timeout: int = DEFAULT_TIMEOUT, write_spacing: float = DEFAULT_WRITE_SPACING
) -> Github:
    retry = GithubRetry(
        total=3,
        backoff_factor=1.0,
        allowed_methods=RETRIED_METHODS,
        secondary_rate_wait=60,
        max_rate_limit_wait=120,
    )
    return Github(
        auth=Auth.Token(token) if token else None,
        base_url=api_url.rstrip("/"),
        timeout=timeout,
        retry=retry,
        per_page=100,
        lazy=True,
        seconds_between_requests=min(0.25, write_spacing),
        seconds_between_writes=write_spacing,
    )


def rate_limited(exc: BaseException) -> bool:
    """GitHub's primary rate limit is used up: 403 or 429 with `x-ratelimit-remaining: 0` (docs: "Rate limits
    for the REST API"), or PyGithub's own exception for it."""
    if isinstance(exc, RateLimitExceededException):
        return True
    if not isinstance(exc, GithubException) or exc.status not in (403, 429):
        return False
    headers = {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}
    return headers.get("x-ratelimit-remaining") == "0"


def rate_limit_advice(exc: BaseException) -> str:
    """What to do about a used-up rate limit, naming the token (when the limit resets, if GitHub said)."""
    headers = {str(k).lower(): str(v) for k, v in (getattr(exc, "headers", None) or {}).items()}
    limit = headers.get("x-ratelimit-limit", "")
    when = ""
    if headers.get("x-ratelimit-reset", "").isdigit():
        reset = datetime.fromtimestamp(int(headers["x-ratelimit-reset"]), tz=timezone.utc)
        when = f"; it resets at {reset:%H:%M} UTC"
    if limit == str(UNAUTHENTICATED_LIMIT) or not limit:
        return (
            f"GitHub's rate limit is used up{when}: without a token GitHub allows {UNAUTHENTICATED_LIMIT} requests "
            "an hour per IP address (shared with everything else on that machine) — set GITHUB_TOKEN to a "
            "read-only token (fine-grained, Deployments: read)"
        )
    return f"GitHub's rate limit of {limit} requests an hour is used up{when}; run again after the reset"


def describe(exc: BaseException) -> str:
    """`HTTP 403: Resource not accessible by integration` — the part of a PyGithub error worth showing."""
    if isinstance(exc, GithubException):
        message = exc.message or (exc.data.get("message") if isinstance(exc.data, dict) else None)
        text = f"HTTP {exc.status}: {message or 'no message'}"
        return f"{text[:120]} — {rate_limit_advice(exc)}" if rate_limited(exc) else text
    return f"{type(exc).__name__}: {exc}"

"""The PyGithub client, configured once: retries that never repeat a POST, timeouts, lazy objects.

PyGithub's default `GithubRetry` retries POST on 5xx, which could create a deployment (or a comment) twice.
Here only GET and HEAD are retried (on 5xx and on rate limits, honouring `Retry-After`); a failed write is
reported, not repeated. `lazy=True` builds repository, issue and commit objects without a request.
"""

from __future__ import annotations

from github import Auth, Github, GithubException, GithubRetry

DEFAULT_TIMEOUT = 30
# GitHub asks integrations to space writes by at least a second (secondary rate limits); PyGithub does it.
# VIBE_GITHUB_WRITE_SPACING=0 turns the spacing off against a local test server.
DEFAULT_WRITE_SPACING = 1.0
RETRIED_METHODS = frozenset({"GET", "HEAD"})
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


def status_of(exc: BaseException) -> int | None:
    return exc.status if isinstance(exc, GithubException) else None


def describe(exc: BaseException) -> str:
    """`HTTP 403: Resource not accessible by integration` — the part of a PyGithub error worth showing."""
    if isinstance(exc, GithubException):
        message = exc.message or (exc.data.get("message") if isinstance(exc.data, dict) else None)
        return f"HTTP {exc.status}: {message or 'no message'}"
    return f"{type(exc).__name__}: {exc}"

"""The one retry policy of every request to Netlify (build hook and API), built on urllib3's `Retry`.

What may be retried depends on whether a repeat can do harm, so callers say which methods and statuses are
safe; everything else is common: failures to connect are always retried (nothing was sent), a read error is
retried only where the caller allows it (an idempotent GET), and the wait a 429 asks for is honoured up to a
cap. Netlify's API says it with `X-RateLimit-Reset` (epoch seconds), not `Retry-After` (Netlify docs, "Get
started with the API" → Rate limiting: 500 requests a minute, `X-RateLimit-Limit/Remaining/Reset`); both are
read, `Retry-After` first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

if TYPE_CHECKING:  # Python 3.10 has no typing.Self; only the type checker needs it
    from typing_extensions import Self

MAX_RETRY_AFTER = 60.0


class CappedRetry(Retry):
    """urllib3's Retry, narrowed: only the statuses the caller lists are retried (urllib3 would also retry a 413
    that carries `Retry-After`), and a `Retry-After` longer than a minute ends the retries at once — the run
    gives up with that answer instead of sleeping through an hour. `on_wait` hears of each wait before it
    is slept (the CLI prints it: a silent 7 s of retries looks like a hang)."""

    on_wait: Callable[[float], None] | None = None
    sleeper: Callable[[float], None] = staticmethod(time.sleep)  # tests hand in one that records and returns

    def new(self, **kw: Any) -> Self:
        renewed = super().new(**kw)
        renewed.on_wait = self.on_wait
        renewed.sleeper = self.sleeper
        return renewed

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        return requested_wait(response)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """urllib3's wait — the answer's `Retry-After` when it asks for one, else the backoff — slept through
        `sleeper`."""
        after = self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        wait = after if after else self.get_backoff_time()
        if self.on_wait is not None:
            self.on_wait(wait)
        if wait > 0:
            self.sleeper(wait)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code not in (self.status_forcelist or ()):
            return False
        return super().is_retry(method, status_code, has_retry_after)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if response is not None and (asked := requested_wait(response)) is not None and asked > MAX_RETRY_AFTER:
            raise MaxRetryError(_pool, url or "", ResponseError("Retry-After too long"))  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


def requested_wait(response: Any, now: Callable[[], float] = time.time) -> float | None:
    """The seconds an answer asks to wait, uncapped: its `Retry-After` (number or HTTP date), else on a 429 the
    time until `X-RateLimit-Reset` (epoch seconds; a reset already past asks for no wait); None without either.

    The time until the reset is counted from the answer's own `Date` (RFC 9110, section 6.6.1: an origin server
    with a clock sends it), so that the runner's clock, skewed or not, plays no part: Netlify's reset and its
    Date come from the same clock. Without a readable Date, from `now()`."""
    if response is None:
        return None
    header = response.headers.get("Retry-After")
    if header:
        try:
            return Retry().parse_retry_after(header)
        except InvalidHeader:
            return None
    reset = response.headers.get("X-RateLimit-Reset")
    if getattr(response, "status", getattr(response, "status_code", None)) != 429 or not reset:
        return None
    try:
        return max(0.0, float(reset.strip()) - _sent_at(response, now))
    except ValueError:
        return None


def _sent_at(response: Any, now: Callable[[], float]) -> float:
    """When the server says it answered (its `Date`), else now."""
    date = response.headers.get("Date")
    try:
        return parsedate_to_datetime(date).timestamp() if date else now()
    except (TypeError, ValueError, IndexError):
        return now()


def retry_policy(
    *,
    methods: Collection[str],
    statuses: Collection[int],
    attempts: int,
    backoff: float,
    read_retries: int = 0,
    on_wait: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CappedRetry:
    """Retries for `methods`: connection failures and `statuses` up to `attempts` times, with backoff.

    `read_retries` stays 0 for anything that is not idempotent: once a POST is sent, its outcome is unknown.
    """
    policy = CappedRetry(
        total=attempts,
        connect=3,
        read=read_retries,
        status=attempts,
        other=0,
        backoff_factor=backoff,
        status_forcelist=frozenset(statuses),
        allowed_methods=frozenset(methods),
        respect_retry_after_header=True,
        raise_on_status=False,
        redirect=0,
        raise_on_redirect=False,
    )
    policy.on_wait = on_wait
    policy.sleeper = sleep
    return policy

"""The one retry policy of every request to Netlify (build hook and API), built on urllib3's `Retry`.

What may be retried depends on whether a repeat can do harm, so callers say which methods and statuses are
safe; everything else is common: failures to connect are always retried (nothing was sent), a read error is
retried only where the caller allows it (an idempotent GET), and a `Retry-After` is honoured up to a cap.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from urllib3.util.retry import Retry

MAX_RETRY_AFTER = 60.0


class CappedRetry(Retry):
    """urllib3's Retry, but a `Retry-After` longer than a minute is not slept through."""

    def get_retry_after(self, response: Any) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, MAX_RETRY_AFTER)


def retry_policy(
    *,
    methods: Collection[str],
    statuses: Collection[int],
    attempts: int,
    backoff: float,
    read_retries: int = 0,
) -> CappedRetry:
    """Retries for `methods`: connection failures and `statuses` up to `attempts` times, with backoff.

    `read_retries` stays 0 for anything that is not idempotent: once a POST is sent, its outcome is unknown.
    """
    return CappedRetry(
        total=attempts,
        connect=3,
        read=read_retries,
        status=attempts,
        other=0,
        backoff_factor=backoff,
        status_forcelist=tuple(statuses),
        allowed_methods=frozenset(methods),
        respect_retry_after_header=True,
        raise_on_status=False,
    )

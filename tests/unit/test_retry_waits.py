"""How long an answer asks the gate to wait, read from the answer alone: `Retry-After`, or Netlify's
`X-RateLimit-Reset` counted from the answer's own `Date` — so no test (and no runner with a skewed clock)
depends on the machine's clock. Waits go through an injected sleeper that records them."""

from __future__ import annotations

from email.utils import formatdate

from urllib3.response import HTTPResponse

from tests.fake_netlify import rate_limited
from vibe_action.hosts.http.retry import MAX_RETRY_AFTER, requested_wait, retry_policy

SENT = 1_764_900_000  # any second: nothing here reads the clock


def answer(status: int, headers: dict[str, str]) -> HTTPResponse:
    return HTTPResponse(body=b"", headers=headers, status=status, preload_content=False)


def never(_now: object = None) -> float:
    raise AssertionError("the clock was read")


def test_the_reset_is_counted_from_the_answers_date_not_the_runners_clock() -> None:
    status, headers = rate_limited(1, now=SENT)
    assert requested_wait(answer(status, headers), now=never) == 1.0
    status, headers = rate_limited(600, now=SENT)
    assert requested_wait(answer(status, headers), now=never) == 600.0


def test_without_a_date_the_reset_is_counted_from_now() -> None:
    headers = {"X-RateLimit-Reset": str(SENT + 5)}
    assert requested_wait(answer(429, headers), now=lambda: float(SENT)) == 5.0
    assert requested_wait(answer(429, headers | {"Date": "not a date"}), now=lambda: float(SENT)) == 5.0


def test_a_reset_already_past_asks_for_no_wait_and_other_statuses_for_none() -> None:
    headers = {"X-RateLimit-Reset": str(SENT - 30), "Date": formatdate(SENT, usegmt=True)}
    assert requested_wait(answer(429, headers), now=never) == 0.0
    assert requested_wait(answer(503, headers), now=never) is None


def test_retry_after_wins_and_the_policy_sleeps_what_the_answer_asked() -> None:
    slept: list[float] = []
    policy = retry_policy(methods=("GET",), statuses=(429,), attempts=3, backoff=0.5, sleep=slept.append)
    status, headers = rate_limited(1, now=SENT)
    policy.sleep(answer(status, headers))  # the reset's 1 s, not the 0.5 s backoff
    policy.sleep(answer(429, {"Retry-After": "2"}))
    assert slept == [1.0, 2.0]
    assert MAX_RETRY_AFTER > 2.0  # (both within the cap: slept, not refused)

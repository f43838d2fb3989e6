"""A host's JSON API, as every client of one needs it (Netlify's, Cloudflare's): the session is passed in,
retries come from urllib3's `Retry` mounted for the API host — reads and deletes (idempotent) retried on 429
and 5xx, honouring the wait asked for; a POST only on 429 (refused, so not acted on) and on connection errors
before anything was sent. Each attempt has one deadline (connect to the last byte), bodies are read in chunks up
to MAX_BODY, redirects are never followed (they would carry the token), and the token never appears in a message:
errors are rebuilt from the status code and the host's own message, never from the exception text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.retry import retry_policy
from vibe_action.hosts.http.transport import BodyTooLargeError, DeadlineAdapter, nothing_sent, read_capped
from vibe_action.redact import Secrets

TIMEOUT = (10.0, 30.0)  # connect, read; their sum is each attempt's deadline, connect to the answer's last byte
# A page of 100 deploys is some 400 KiB of JSON (each deploy carries its summary and links); an error's body
# is a line. 8 MiB is room for either, and a bound on what a broken or hostile server can make the run hold.
MAX_BODY = 8 * 1024 * 1024
# Reads, deletes and PUTs (a file, a deploy's file digest: the same bytes again) are idempotent; a POST (restore,
# lock, start a build, create a deploy) is retried only where it was refused unread.
IDEMPOTENT_STATUSES = (429, 502, 503, 504)
POST_STATUSES = (429,)


def given_together(first: str | None, second: str | None, names: tuple[str, str], needs: str) -> tuple[str, str] | None:
    """API access as given: both parts (a token and what it is for), or None when neither is; one without the
    other is an input error naming the missing one (`needs`: "Vercel API access needs both a token and a
    project id")."""
    if not first and not second:
        return None
    if not first or not second:
        raise InputError(f"{needs}; {names[0] if not first else names[1]} is missing")
    return first, second


class MaybeActedError(ExternalError):
    """A POST was sent but no usable answer came (none, a 5xx, or a 2xx whose body broke): the host may have
    acted on it, so it must not be taken as refused — a build may be running."""


class JsonApi:
    """A host's JSON API over one session: bearer token, one deadline per attempt, capped bodies, no
    redirects, and the retry policy above. Subclasses name the service and read its error bodies."""

    service = "API"  # how messages name it: "Netlify API"
    url_variable = ""  # the variable that points it elsewhere, named when a redirect comes back

    def __init__(
        self,
        session: requests.Session,
        token: str,
        secrets: Secrets,
        api_url: str,
        timeout: tuple[float, float] = TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.timeout = timeout
        self.api_url = api_url.rstrip("/")
        self.secrets = secrets  # a host's own error text may quote a token or a hook URL: scrubbed where read
        secrets.add(token)
        self._headers = {"Authorization": f"Bearer {token}", "User-Agent": "vibe-deploy-gate"}
        self._read = DeadlineAdapter(
            sum(timeout),
            max_retries=retry_policy(
                methods=("GET", "DELETE", "PUT"),  # a PUT sends the same thing again: idempotent
                statuses=IDEMPOTENT_STATUSES,
                attempts=4,
                backoff=0.5,
                read_retries=2,
                sleep=sleep,
            ),
        )
        self._post = DeadlineAdapter(
            sum(timeout),
            max_retries=retry_policy(methods=("POST",), statuses=POST_STATUSES, attempts=3, backoff=0.5, sleep=sleep),
        )
        # A POST that is idempotent by the API's own design (Cloudflare's content-addressed asset store: the same
        # keys and bytes again) is retried like a read.
        self._same_post = DeadlineAdapter(
            sum(timeout),
            max_retries=retry_policy(
                methods=("POST",), statuses=IDEMPOTENT_STATUSES, attempts=4, backoff=0.5, read_retries=2, sleep=sleep
            ),
        )

    # ------------------------------------------------------------------ transport

    def _listing(self, page: Callable[[int], Any], per_page: int, max_pages: int, what: str) -> Iterator[Any]:
        """The items of a paged listing, page after page until a short one (or `max_pages`): one request per
        page, and none more once the caller stops iterating."""
        for number in range(1, max_pages + 1):
            batch = page(number)
            if not isinstance(batch, list):
                raise ExternalError(f"{self.service} returned something other than a list of {what}")
            yield from batch
            if len(batch) < per_page:
                return

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        *,
        bearer: str | None = None,
        form: dict[str, tuple[str | None, bytes]] | None = None,
        idempotent: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One call (its retries included): the answer's JSON (None for an empty body), or ExternalError —
        MaybeActedError where a POST was sent and the answer does not say what became of it. `body`: bytes are
        sent as they are (`application/octet-stream`), anything else as JSON; `form`: multipart fields (name →
        (file name or None, bytes)). `bearer`: another token for this call (an upload token); `idempotent`: a POST
        the API defines as safe to repeat, retried like a read."""
        adapter = self._same_post if idempotent else self._post if method == "POST" else self._read
        if method == "POST" and not idempotent:
            # A kept-alive connection the server has closed meanwhile fails after the request is written, which
            # reads exactly like "sent, no answer": a POST always opens its own, so that failure means what it says.
            adapter.close()
        self.session.mount(self.api_url, adapter)
        with adapter.watching() as deadline:
            try:
                raw = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
                kind = "application/octet-stream" if isinstance(body, bytes) else "application/json"
                sent = {**self._headers, **(headers or {})}
                if bearer is not None:
                    self.secrets.add(bearer)
                    sent["Authorization"] = f"Bearer {bearer}"
                response = self.session.request(
                    method,
                    f"{self.api_url}{path}",
                    params=params,
                    data=raw,
                    files=form,  # requests writes the multipart body and its boundary
                    headers=sent if raw is None else {**sent, "Content-Type": kind},
                    timeout=self.timeout,
                    allow_redirects=False,  # a redirect would carry the token to wherever it points
                    stream=True,  # read below, in chunks, up to MAX_BODY
                )
            except requests.exceptions.RequestException as exc:
                error = MaybeActedError if method == "POST" and not nothing_sent(exc) else ExternalError
                late = (
                    f"no complete answer within {sum(self.timeout):g} s" if deadline.expired.is_set() else "no answer"
                )
                raise error(
                    f"{self.service} {method} {self._shown(path)}: {type(exc).__name__} "
                    f"({late}; check the network or the host's status page)"
                ) from None
            return self._answer(method, path, response, deadline.expired.is_set)

    def _answer(self, method: str, path: str, response: requests.Response, expired: Callable[[], bool]) -> Any:
        """The answer's body, read whole within the cap; its status decides between result and error. An answer
        cut by the deadline is no answer, even where the parser saw no error (http.client takes a header block
        that ends early for a complete one)."""
        acted = MaybeActedError if method == "POST" else ExternalError  # (an idempotent POST: repeat it freely)
        try:
            body = read_capped(response, MAX_BODY)
            if expired():
                raise requests.exceptions.ConnectionError("deadline")
        except BodyTooLargeError as exc:
            raise acted(
                f"{self.service} {method} {self._shown(path)} answered HTTP {response.status_code}: {exc}; "
                "nothing of it was used"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise acted(
                f"{self.service} {method} {self._shown(path)} answered HTTP {response.status_code} but the answer "
                f"broke off ({self._cut(exc, expired())}); nothing of it was used"
            ) from None
        if 300 <= response.status_code < 400:
            where = urlsplit(response.headers.get("Location") or "").hostname or "nowhere"
            raise ExternalError(
                f"{self.service} {method} {self._shown(path)} answered HTTP {response.status_code}, a redirect to "
                f"{where}; redirects are not followed (check {self.url_variable or 'the API URL'} if you set it)"
            )
        if response.status_code >= 400:
            error = acted if response.status_code >= 500 else ExternalError
            raise error(
                f"{self.service} {method} {self._shown(path)} answered HTTP {response.status_code}: "
                f"{self.secrets.scrub(self._message(response, body))[:300]}{self._hint(response)}",
                status=response.status_code,
            )
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            raise acted(
                f"{self.service} {method} {self._shown(path)} answered HTTP {response.status_code} with a body that "
                "is not JSON; nothing of it was used"
            ) from None

    def _cut(self, exc: Exception, expired: bool) -> str:
        return f"not complete within {sum(self.timeout):g} s" if expired else type(exc).__name__

    def _shown(self, path: str) -> str:
        """The path as messages show it (a subclass hides ids)."""
        return path

    def _message(self, response: requests.Response, body: bytes) -> str:  # noqa: ARG002 — a subclass reads it
        """The host's own words for an error answer."""
        return response.reason or "no message"

    def _hint(self, response: requests.Response) -> str:  # noqa: ARG002 — a subclass reads it
        """What to do about an error answer, after its message (a subclass knows its host)."""
        return ""

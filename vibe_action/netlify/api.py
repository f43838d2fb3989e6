"""Netlify's API, as far as the gate needs it: the site's deploys, one deploy, restore, lock, delete, builds.

The session is passed in; retries come from urllib3's `Retry` mounted on it for the API host. Reads and deletes
(idempotent) are retried on 429 and 5xx, honouring `Retry-After`; a POST is retried only on 429 (refused, so
not acted on) and on connection errors before anything was sent — restore, lock and "start a build" are not
repeated on an ambiguous answer. The token never appears in a message: errors are rebuilt from the status code
and Netlify's `message`, never from the exception text (which quotes the URL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from vibe_action.errors import ExternalError, InputError
from vibe_action.http.retry import MAX_RETRY_AFTER, requested_wait, retry_policy
from vibe_action.http.transport import BodyTooLargeError, DeadlineAdapter, nothing_sent, read_capped
from vibe_action.netlify.models import ACCESS_NAMES, API_URL_VARIABLE, DEFAULT_API_URL, Deploy
from vibe_action.redact import Secrets

TIMEOUT = (10.0, 30.0)  # connect, read; their sum is each attempt's deadline, connect to the answer's last byte
PER_PAGE = 100
MAX_PAGES = 20  # 2,000 deploys: a hard bound on any listing
# A page of 100 deploys is some 400 KiB of JSON (each deploy carries its summary and links); an error's body
# is a line. 8 MiB is room for either, and a bound on what a broken or hostile server can make the run hold.
MAX_BODY = 8 * 1024 * 1024


class MaybeActedError(ExternalError):
    """A POST was sent but no usable answer came (none, a 5xx, or a 2xx whose body broke): Netlify may have
    acted on it, so it must not be taken as refused — a build may be running."""


# Reads and deletes are idempotent; a POST (restore, lock, start a build) only where it was refused unread.
IDEMPOTENT_STATUSES = (429, 502, 503, 504)
POST_STATUSES = (429,)


class NetlifyClient:
    def __init__(
        self,
        session: requests.Session,
        token: str,
        site_id: str,
        secrets: Secrets,
        api_url: str = DEFAULT_API_URL,
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self.session = session
        self.timeout = timeout
        self.site_id = site_id
        self.api_url = api_url.rstrip("/")
        self.secrets = secrets  # Netlify's own error text may quote a token or a hook URL: scrubbed where read
        secrets.add(token)
        self._headers = {"Authorization": f"Bearer {token}", "User-Agent": "vibe-deploy-gate"}
        self._read = DeadlineAdapter(
            sum(timeout),
            max_retries=retry_policy(
                methods=("GET", "DELETE"), statuses=IDEMPOTENT_STATUSES, attempts=4, backoff=0.5, read_retries=2
            ),
        )
        self._post = DeadlineAdapter(
            sum(timeout), max_retries=retry_policy(methods=("POST",), statuses=POST_STATUSES, attempts=3, backoff=0.5)
        )

    # ------------------------------------------------------------------ transport

    def _call(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """One call (its retries included): the answer's JSON (None for an empty body), or ExternalError —
        MaybeActedError where a POST was sent and the answer does not say what became of it."""
        adapter = self._post if method == "POST" else self._read
        if method == "POST":
            # A kept-alive connection the server has closed meanwhile fails after the request is written, which
            # reads exactly like "sent, no answer": a POST always opens its own, so that failure means what it says.
            adapter.close()
        self.session.mount(self.api_url, adapter)
        with adapter.watching() as deadline:
            try:
                response = self.session.request(
                    method,
                    f"{self.api_url}{path}",
                    params=params,
                    headers=self._headers,
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
                    f"Netlify API {method} {self._shown(path)}: {type(exc).__name__} "
                    f"({late}; check the network or Netlify's status page)"
                ) from None
            return self._answer(method, path, response, deadline.expired.is_set)

    def _answer(self, method: str, path: str, response: requests.Response, expired: Callable[[], bool]) -> Any:
        """The answer's body, read whole within the cap; its status decides between result and error. An answer
        cut by the deadline is no answer, even where the parser saw no error (http.client takes a header block
        that ends early for a complete one)."""
        acted = MaybeActedError if method == "POST" else ExternalError
        try:
            body = read_capped(response, MAX_BODY)
            if expired():
                raise requests.exceptions.ConnectionError("deadline")
        except BodyTooLargeError as exc:
            raise acted(
                f"Netlify API {method} {self._shown(path)} answered HTTP {response.status_code}: {exc}; "
                "nothing of it was used"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise acted(
                f"Netlify API {method} {self._shown(path)} answered HTTP {response.status_code} but the answer "
                f"broke off ({self._cut(exc, expired())}); nothing of it was used"
            ) from None
        if 300 <= response.status_code < 400:
            where = urlsplit(response.headers.get("Location") or "").hostname or "nowhere"
            raise ExternalError(
                f"Netlify API {method} {self._shown(path)} answered HTTP {response.status_code}, a redirect to "
                f"{where}; redirects are not followed (check {API_URL_VARIABLE} if you set it)"
            )
        if response.status_code >= 400:
            error = acted if response.status_code >= 500 else ExternalError
            raise error(
                f"Netlify API {method} {self._shown(path)} answered HTTP {response.status_code}: "
                f"{self.secrets.scrub(self._message(response, body))[:300]}{self._hint(response)}",
                status=response.status_code,
            )
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            raise acted(
                f"Netlify API {method} {self._shown(path)} answered HTTP {response.status_code} with a body that "
                "is not JSON; nothing of it was used"
            ) from None

    def _cut(self, exc: Exception, expired: bool) -> str:
        return f"not complete within {sum(self.timeout):g} s" if expired else type(exc).__name__

    def _shown(self, path: str) -> str:
        return path.replace(quote(self.site_id, safe=""), "{site}")

    @staticmethod
    def _message(response: requests.Response, body: bytes) -> str:
        try:
            data = json.loads(body)
        except ValueError:
            return response.reason or "no message"
        return str(data.get("message") or data.get("error") or response.reason) if isinstance(data, dict) else ""

    @staticmethod
    def _hint(response: requests.Response) -> str:
        code = response.status_code
        if code == 429:
            wait = requested_wait(response)
            if wait is not None and wait > MAX_RETRY_AFTER:
                return (
                    f" — rate limited, and the limit resets {wait:.0f} s from now (X-RateLimit-Reset), more than "
                    f"the {MAX_RETRY_AFTER:g} s the gate waits; nothing more was sent — run it again then (Netlify "
                    "allows 500 API requests a minute)"
                )
            return " — rate limited; try again later"
        if code == 401:
            return " — the Netlify token is invalid or expired; create a new personal access token"
        if code == 403:
            return " — the token cannot act on this site; use a token of a member of the site's team"
        if code == 404:
            return " — check netlify-site-id (Site configuration → Site details → Site ID)"
        return ""

    def _site(self, suffix: str = "") -> str:
        return f"/sites/{quote(self.site_id, safe='')}{suffix}"

    # ------------------------------------------------------------------ operations

    def site(self) -> dict[str, Any]:
        data = self._call("GET", self._site())
        if not isinstance(data, dict):
            raise ExternalError("Netlify API returned something other than a site")
        return data

    def published_deploy(self) -> Deploy | None:
        published = self.site().get("published_deploy")
        return Deploy.from_json(published) if isinstance(published, dict) and published.get("id") else None

    def deploys(self, per_page: int = PER_PAGE, max_pages: int = MAX_PAGES, **filters: Any) -> Iterator[Deploy]:
        """The site's deploys, newest first, page by page (stops early when the caller stops iterating)."""
        for page in range(1, max_pages + 1):
            params = {"page": page, "per_page": per_page, **filters}
            batch = self._call("GET", self._site("/deploys"), params)
            if not isinstance(batch, list):
                raise ExternalError("Netlify API returned something other than a list of deploys")
            for item in batch:
                yield Deploy.from_json(item)
            if len(batch) < per_page:
                return

    def deploy(self, deploy_id: str) -> Deploy:
        return Deploy.from_json(self._call("GET", self._site(f"/deploys/{quote(deploy_id, safe='')}")))

    def restore(self, deploy_id: str) -> Deploy:
        path = self._site(f"/deploys/{quote(deploy_id, safe='')}/restore")
        return Deploy.from_json(self._call("POST", path))

    def lock(self, deploy_id: str) -> Deploy:
        return Deploy.from_json(self._call("POST", f"/deploys/{quote(deploy_id, safe='')}/lock"))

    def unlock(self, deploy_id: str) -> Deploy:
        return Deploy.from_json(self._call("POST", f"/deploys/{quote(deploy_id, safe='')}/unlock"))

    def delete(self, deploy_id: str) -> None:
        self._call("DELETE", self._site(f"/deploys/{quote(deploy_id, safe='')}"))

    def start_build(self, title: str, branch: str | None) -> str:
        """`POST /sites/{site_id}/builds`: starts a build and, unlike a build hook, says which deploy it makes."""
        params = {"title": title, **({"branch": branch} if branch else {})}
        build = self._call("POST", self._site("/builds"), params)
        deploy_id = build.get("deploy_id") if isinstance(build, dict) else None
        if not deploy_id:
            raise MaybeActedError("Netlify answered the build request but returned no deploy id")
        return str(deploy_id)


def make_netlify(
    session: requests.Session, token: str | None, site_id: str | None, secrets: Secrets, api_url: str | None = None
) -> NetlifyClient | None:
    """A client when both the token and the site id are given; neither: None; only one: an error."""
    if not token and not site_id:
        return None
    if not token or not site_id:
        names = ACCESS_NAMES.get()
        missing = names.token if not token else names.site
        raise InputError(f"Netlify API access needs both a token and a site id; {missing} is missing")
    return NetlifyClient(session, token, site_id, secrets, api_url or DEFAULT_API_URL)

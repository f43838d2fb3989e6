"""Netlify's API, as far as the gate needs it: the site's deploys, one deploy, restore, lock, delete, builds.

The transport (deadline, capped bodies, retries that never repeat a POST acted on, no redirects, no token in a
message) is `http/api.py`'s; here are Netlify's paths, its error `message`, and what to do about each status.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import requests

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.json_api import TIMEOUT, JsonApi, MaybeActedError
from vibe_action.hosts.http.retry import MAX_RETRY_AFTER, requested_wait
from vibe_action.hosts.netlify.models import ACCESS_NAMES, API_URL_VARIABLE, DEFAULT_API_URL, Deploy
from vibe_action.redact import Secrets

__all__ = ["MaybeActedError", "NetlifyClient", "make_netlify"]
PER_PAGE = 100
ASYNC_FILES = 100  # netlify-cli's DEFAULT_SYNC_LIMIT: above it the file digest is diffed in the background
# What JavaScript's encodeURI leaves as it is (netlify-cli encodes each file's path with it), besides letters and
# digits: the upload PUTs the same path netlify-cli would.
ENCODE_URI_SAFE = "/;,?:@&=+$-_.!~*'()#"
MAX_PAGES = 20  # 2,000 deploys: a hard bound on any listing


class NetlifyClient(JsonApi):
    service = "Netlify API"
    url_variable = API_URL_VARIABLE

    def __init__(
        self,
        session: requests.Session,
        token: str,
        site_id: str,
        secrets: Secrets,
        api_url: str = DEFAULT_API_URL,
        timeout: tuple[float, float] = TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(session, token, secrets, api_url, timeout, sleep)
        self.site_id = site_id

    def _shown(self, path: str) -> str:
        return path.replace(quote(self.site_id, safe=""), "{site}")

    def _message(self, response: requests.Response, body: bytes) -> str:
        try:
            data = json.loads(body)
        except ValueError:
            return response.reason or "no message"
        return str(data.get("message") or data.get("error") or response.reason) if isinstance(data, dict) else ""

    def _hint(self, response: requests.Response) -> str:
        code = response.status_code
        if code == 429:
            wait = requested_wait(response)
            if wait is not None and wait > MAX_RETRY_AFTER:
                return (
                    f" — rate limited, and the limit resets {_reset_time(response, wait)}, more than the "
                    f"{MAX_RETRY_AFTER:g} s the gate waits; nothing more was sent — run it again then (Netlify "
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

        def page(number: int) -> Any:
            return self._call("GET", self._site("/deploys"), {"page": number, "per_page": per_page, **filters})

        for item in self._listing(page, per_page, max_pages, "deploys"):
            yield Deploy.from_json(item)

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

    # ------------------------------------------------------------------ uploads (netlify/cli's order)

    def create_deploy(self, title: str, *, draft: bool = False, branch: str | None = None) -> Deploy:
        """`POST /sites/{site_id}/deploys?title=…`: a deploy with no files yet, so its id can be recorded before
        any file is sent. Not idempotent: a lost answer is a MaybeActedError (look it up by its title)."""
        body: dict[str, Any] = {"draft": draft, **({"branch": branch} if branch else {})}
        deploy = Deploy.from_json(self._call("POST", self._site("/deploys"), {"title": title}, body))
        if not deploy.id:
            raise MaybeActedError("Netlify answered the new deploy without its id")
        return deploy

    def set_deploy_files(
        self, deploy_id: str, files: dict[str, str], *, draft: bool = False, branch: str | None = None
    ) -> Deploy:
        """`PUT /sites/{site_id}/deploys/{deploy_id}` with the file digest (`{"/index.html": "<sha1>"}`): the
        answer's `required` are the SHA-1s to send. Above ASYNC_FILES files the digest is diffed in the
        background (`async`, as netlify-cli sets it); `required` then comes once the deploy is `prepared`."""
        body: dict[str, Any] = {"files": files, "async": len(files) > ASYNC_FILES, "draft": draft}
        if branch:
            body["branch"] = branch
        path = self._site(f"/deploys/{quote(deploy_id, safe='')}")
        return Deploy.from_json(self._call("PUT", path, None, body))

    def upload_file(self, deploy_id: str, path: str, data: bytes) -> None:
        """`PUT /deploys/{deploy_id}/files/{path}`, the path without its leading slash and URL-encoded as
        netlify-cli encodes it (`encodeURI`). Idempotent: retried like a read."""
        where = f"/deploys/{quote(deploy_id, safe='')}/files/{quote(path.lstrip('/'), safe=ENCODE_URI_SAFE)}"
        self._call("PUT", where, {"size": len(data)}, data)

    def start_build(self, title: str, branch: str | None) -> str:
        """`POST /sites/{site_id}/builds`: starts a build and, unlike a build hook, says which deploy it makes."""
        params = {"title": title, **({"branch": branch} if branch else {})}
        build = self._call("POST", self._site("/builds"), params)
        deploy_id = build.get("deploy_id") if isinstance(build, dict) else None
        if not deploy_id:
            raise MaybeActedError("Netlify answered the build request but returned no deploy id")
        return str(deploy_id)


def _reset_time(response: requests.Response, wait: float) -> str:
    """When the limit resets, as the answer says it: the clock time of `X-RateLimit-Reset` (epoch seconds), or
    the wait `Retry-After` asked for."""
    try:
        reset = datetime.fromtimestamp(int(response.headers.get("X-RateLimit-Reset", "")), timezone.utc)
    except (ValueError, OverflowError, OSError):
        return f"in {wait:.0f} s (Retry-After)"
    return f"at {reset:%H:%M:%S} UTC (X-RateLimit-Reset)"


def make_netlify(
    session: requests.Session,
    token: str | None,
    site_id: str | None,
    secrets: Secrets,
    api_url: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> NetlifyClient | None:
    """A client when both the token and the site id are given; neither: None; only one: an error."""
    if not token and not site_id:
        return None
    if not token or not site_id:
        names = ACCESS_NAMES.get()
        missing = names.token if not token else names.site
        raise InputError(f"Netlify API access needs both a token and a site id; {missing} is missing")
    return NetlifyClient(session, token, site_id, secrets, api_url or DEFAULT_API_URL, sleep=sleep)

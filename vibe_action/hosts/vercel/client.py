"""Vercel's REST API, as far as the gate needs it: files, deployments, promote and rollback, the project.

Facts (Vercel's REST API reference and its official SDK, `@vercel/sdk`, whose types tests/contracts/vercel/
holds as JSON Schemas the fake Vercel checks every request and answer against):
- base `https://api.vercel.com`, a bearer token; a team's resources need `?teamId=` (the Vercel CLI sends it
  when the org id is a team's, `team_…`); errors are `{"error": {"code", "message"}}`;
- `POST /v2/files`: the raw bytes with `x-vercel-digest: <sha1>` — content-addressed, so sending a file again
  is harmless;
- `POST /v13/deployments` `{name, project, files: [{file, sha, size}], target, meta}`: a file Vercel lacks is
  answered HTTP 400 `missing_files` with the SHA-1s it lacks (nothing was made: the Vercel CLI uploads them
  and sends the deployment again); the answer names the deployment: `id`, `url` (no scheme), `readyState`
  (QUEUED, INITIALIZING, BUILDING, READY, ERROR, CANCELED);
- `GET /v13/deployments/{id}`; `GET /v7/deployments?projectId=&target=&since=&limit=` (items: `uid`, `url`,
  `state`, `created` in ms, `meta`, `target`); `DELETE /v13/deployments/{id}`;
- `POST /v10/projects/{project}/promote/{id}` and `POST /v1/projects/{project}/rollback/{id}` answer 201/202 and
  no body; `GET /v9/projects/{project}`: its `name`, `link` (a connected Git repository) and `targets.production`
  (the production deployment now).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from vibe_action.errors import ExternalError
from vibe_action.hosts.http.json_api import TIMEOUT, JsonApi, given_together
from vibe_action.redact import Secrets

DEFAULT_API_URL = "https://api.vercel.com"
API_URL_VARIABLE = "VIBE_VERCEL_API_URL"
LISTED = 100  # the most deployments one listing asks for (the API's own page limit)
READY, FAILED = "READY", ("ERROR", "CANCELED")


@dataclass(frozen=True)
class VercelDeployment:
    """The fields of a deployment the gate reads (one read, or an item of a listing)."""

    id: str
    url: str  # https://…, its own URL for as long as the deployment is kept
    state: str  # Vercel's readyState
    target: str  # production, or '' for a preview
    created: int = 0  # ms since the epoch
    meta: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @property
    def outcome(self) -> str:
        """`ready`, `error` or `building`."""
        if self.state == READY:
            return "ready"
        return "error" if self.state in FAILED else "building"

    @classmethod
    def from_json(cls, data: Any) -> VercelDeployment:
        if not isinstance(data, dict):
            raise ExternalError("Vercel's API answered with something other than a deployment")
        ident = data.get("id") or data.get("uid")
        if not isinstance(ident, str) or not ident:
            raise ExternalError("Vercel's API answered with a deployment without an id")
        url = str(data.get("url") or "")
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        return cls(
            id=ident,
            url=f"https://{url}" if url and not url.startswith("https://") else url,
            state=str(data.get("readyState") or data.get("state") or ""),
            target=str(data.get("target") or ""),
            created=int(data.get("createdAt") or data.get("created") or 0),
            meta={str(k): str(v) for k, v in (meta or {}).items()},
            message=str(data.get("errorMessage") or ""),
        )


class MissingFilesError(ExternalError):
    """HTTP 400 `missing_files`: Vercel lacks these files, and made no deployment."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"Vercel lacks {len(missing)} file(s)", status=400)
        self.missing = missing


class VercelClient(JsonApi):
    service = "Vercel API"
    url_variable = API_URL_VARIABLE

    def __init__(
        self,
        session: requests.Session,
        token: str,
        project: str,
        org: str | None,
        secrets: Secrets,
        api_url: str = DEFAULT_API_URL,
        timeout: tuple[float, float] = TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(session, token, secrets, api_url, timeout, sleep)
        self.project = project
        self.team = {"teamId": org} if org and org.startswith("team_") else {}
        self._missing: list[str] | None = None  # what the last `missing_files` refusal listed

    def upload_file(self, sha: str, data: bytes) -> None:
        """`POST /v2/files`: one file by its SHA-1 (the same bytes again change nothing: retried freely)."""
        headers = {"x-vercel-digest": sha}
        self._call("POST", "/v2/files", self.team, data, idempotent=True, headers=headers)

    def create_deployment(self, body: dict[str, Any]) -> VercelDeployment:
        """`POST /v13/deployments`: not idempotent — never repeated when its answer is lost. MissingFilesError
        when Vercel lacks files (then nothing was made, and it may be sent again once they are uploaded)."""
        self._missing = None
        try:
            return VercelDeployment.from_json(
                self._call("POST", "/v13/deployments", {**self.team, "skipAutoDetectionConfirmation": "1"}, body)
            )
        except ExternalError as exc:
            if exc.status == 400 and self._missing is not None:
                raise MissingFilesError(self._missing) from None
            raise

    def deployment(self, deployment_id: str) -> VercelDeployment:
        return VercelDeployment.from_json(
            self._call("GET", f"/v13/deployments/{quote(deployment_id, safe='')}", self.team)
        )

    def deployments(self, target: str | None = "production", since: int | None = None) -> list[VercelDeployment]:
        """The project's newest deployments (at most LISTED), newest first."""
        params: dict[str, Any] = {**self.team, "projectId": self.project, "limit": LISTED}
        if target:
            params["target"] = target
        if since is not None:
            params["since"] = since
        found = self._call("GET", "/v7/deployments", params)
        items = found.get("deployments") if isinstance(found, dict) else None
        if not isinstance(items, list):
            raise ExternalError("Vercel's API answered the deployment listing with something other than a list")
        return [VercelDeployment.from_json(item) for item in items]

    def promote(self, deployment_id: str) -> None:
        """`POST /v10/projects/{project}/promote/{id}`: production's domains point at that deployment."""
        path = f"/v10/projects/{quote(self.project, safe='')}/promote/{quote(deployment_id, safe='')}"
        self._call("POST", path, self.team)

    def rollback(self, deployment_id: str) -> None:
        """`POST /v1/projects/{project}/rollback/{id}`: Instant Rollback to an earlier production deployment,
        without a rebuild (Hobby: only to the one before the current)."""
        path = f"/v1/projects/{quote(self.project, safe='')}/rollback/{quote(deployment_id, safe='')}"
        self._call("POST", path, self.team)

    def delete(self, deployment_id: str) -> None:
        self._call("DELETE", f"/v13/deployments/{quote(deployment_id, safe='')}", self.team)

    def details(self) -> dict[str, Any]:
        """`GET /v9/projects/{project}`: `name`, `link`, `targets.production`, `ssoProtection`."""
        found = self._call("GET", f"/v9/projects/{quote(self.project, safe='')}", self.team)
        if not isinstance(found, dict):
            raise ExternalError("Vercel's API answered with something other than a project")
        return found

    def _shown(self, path: str) -> str:
        return path.replace(quote(self.project, safe=""), "{project}")

    def _message(self, response: requests.Response, body: bytes) -> str:
        try:
            data = json.loads(body)
        except ValueError:
            return response.reason or "no message"
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            if error.get("code") == "missing_files" and isinstance(error.get("missing"), list):
                self._missing = [m for m in error["missing"] if isinstance(m, str)]
            return f"{error.get('message') or 'error'} ({error.get('code') or 'no code'})"
        return response.reason or "no message"

    def _hint(self, response: requests.Response) -> str:
        if response.status_code in (401, 403):
            return " — check the Vercel token (vercel-token / VERCEL_TOKEN) and the org id of a team's project"
        if response.status_code == 404:
            return " — check the project id (vercel-project-id / VERCEL_PROJECT_ID)"
        if response.status_code == 429:
            return " — Vercel's rate limit (Hobby: 100 deployments a day, previews included)"
        return ""


def make_vercel(
    session: requests.Session,
    token: str | None,
    project: str | None,
    org: str | None,
    secrets: Secrets,
    api_url: str | None = None,
    names: tuple[str, str] = ("--vercel-token (or VERCEL_TOKEN)", "--vercel-project-id (or VERCEL_PROJECT_ID)"),
    sleep: Callable[[float], None] = time.sleep,
) -> VercelClient | None:
    """A client when the token and the project are given; neither: None."""
    given = given_together(token, project, names, "Vercel API access needs both a token and a project id")
    if given is None:
        return None
    secrets.add(given[0])
    return VercelClient(session, *given, org, secrets, api_url or DEFAULT_API_URL, sleep=sleep)

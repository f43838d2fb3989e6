"""Cloudflare's Pages API, as far as the gate needs it: a project's deployments and one deployment.

Facts (the official `cloudflare` SDK, `resources/pages/projects/` and `types/pages/`, and Cloudflare's API
reference; tests/fake_cloudflare.py plays them and checks its answers against the SDK's types):
- base `https://api.cloudflare.com/client/v4`, a bearer token; every answer is an envelope `{success, errors,
  messages, result, result_info}`; a missing or wrong token → 403 with code 10000 "Authentication error";
- `GET /accounts/{account_id}/pages/projects/{project}/deployments` takes `env` (production | preview), `page`
  and `per_page`, which above 25 is refused (code 8000024); `GET …/deployments/{id}` is one deployment;
- a deployment has `id`, `short_id`, `url` (its permalink), `aliases`, `environment`, `created_on`,
  `latest_stage` (`name` queued | initialize | clone_repo | build | deploy, `status` idle | active | success |
  failure | canceled) and `deployment_trigger` (`type`, `metadata.branch`, `metadata.commit_hash`).
The transport (deadline, capped bodies, no redirects, POSTs never repeated when they may have been acted on) is
`http/api.py`'s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.json_api import TIMEOUT, JsonApi, given_together
from vibe_action.redact import Secrets

DEFAULT_API_URL = "https://api.cloudflare.com/client/v4"
API_URL_VARIABLE = "VIBE_CLOUDFLARE_API_URL"  # another API base: a local test server, or a proxy (hosts.py too)
PER_PAGE = 25  # the most Pages lists at once (more: code 8000024)
MAX_PAGES = 8  # 200 deployments: a hard bound on any listing
FINAL_STAGE = "deploy"


@dataclass(frozen=True)
class PagesDeployment:
    """The fields of a Pages deployment the gate reads."""

    id: str
    url: str
    environment: str
    created_on: str
    stage: str
    stage_status: str
    trigger: str
    branch: str
    commit_hash: str
    aliases: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        """`ready`, `error` (failed or canceled at any stage) or `building`."""
        if self.stage_status in ("failure", "canceled"):
            return "error"
        if self.stage == FINAL_STAGE and self.stage_status == "success":
            return "ready"
        return "building"

    @classmethod
    def from_json(cls, data: Any) -> PagesDeployment:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ExternalError("Cloudflare's API answered with something other than a Pages deployment")
        stage = _object(data.get("latest_stage"))
        trigger = _object(data.get("deployment_trigger"))
        metadata = _object(trigger.get("metadata"))
        return cls(
            id=data["id"],
            url=str(data.get("url") or ""),
            environment=str(data.get("environment") or ""),
            created_on=str(data.get("created_on") or ""),
            stage=str(stage.get("name") or ""),
            stage_status=str(stage.get("status") or ""),
            trigger=str(trigger.get("type") or ""),
            branch=str(metadata.get("branch") or ""),
            commit_hash=str(metadata.get("commit_hash") or ""),
            aliases=tuple(a for a in _list(data.get("aliases")) if isinstance(a, str) and a),
        )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


class PagesClient(JsonApi):
    service = "Cloudflare API"
    url_variable = API_URL_VARIABLE

    def __init__(
        self,
        session: requests.Session,
        token: str,
        account_id: str,
        project: str,
        secrets: Secrets,
        api_url: str = DEFAULT_API_URL,
        timeout: tuple[float, float] = TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(session, token, secrets, api_url, timeout, sleep)
        self.account_id = account_id
        self.project = project

    def _project(self, suffix: str = "") -> str:
        return f"/accounts/{quote(self.account_id, safe='')}/pages/projects/{quote(self.project, safe='')}{suffix}"

    def _shown(self, path: str) -> str:
        return path.replace(quote(self.account_id, safe=""), "{account}")

    def _result(self, method: str, path: str, params: dict[str, Any] | None = None, **how: Any) -> Any:
        envelope = self._call(method, path, params, **how)
        if not isinstance(envelope, dict) or envelope.get("success") is not True or "result" not in envelope:
            raise ExternalError(f"{self.service} {method} {self._shown(path)} answered without a result")
        return envelope["result"]

    def deployments(self, env: str | None = "production", max_pages: int = MAX_PAGES) -> Iterator[PagesDeployment]:
        """The project's deployments (`env` None: production and preview), newest first, page by page (stops
        early when the caller stops)."""
        chosen = {"env": env} if env else {}

        def page(number: int) -> Any:
            return self._result("GET", self._project("/deployments"), {"page": number, "per_page": PER_PAGE, **chosen})

        for item in self._listing(page, PER_PAGE, max_pages, "deployments"):
            yield PagesDeployment.from_json(item)

    def deployment(self, deployment_id: str) -> PagesDeployment:
        path = self._project(f"/deployments/{quote(deployment_id, safe='')}")
        return PagesDeployment.from_json(self._result("GET", path))

    def details(self) -> dict[str, Any]:
        """`GET …/pages/projects/{project}`: `canonical_deployment` (what production serves), `subdomain`,
        `source.config` (which pushes the project builds by itself)."""
        found = self._result("GET", self._project())
        if not isinstance(found, dict):
            raise ExternalError("Cloudflare's API answered with something other than a Pages project")
        return found

    def rollback(self, deployment_id: str) -> PagesDeployment:
        """`POST …/deployments/{id}/rollback`: production serves that (earlier, successful) deployment again."""
        path = self._project(f"/deployments/{quote(deployment_id, safe='')}/rollback")
        return PagesDeployment.from_json(self._result("POST", path))

    def delete(self, deployment_id: str) -> None:
        """`DELETE …/deployments/{id}`, never with `force`: a deployment with an alias is refused (code 8000035)."""
        self._result("DELETE", self._project(f"/deployments/{quote(deployment_id, safe='')}"))

    # ------------------------------------------------------------------ Direct Upload (wrangler's pages/upload.ts)

    def upload_token(self) -> str:
        """`GET …/upload-token`: a short-lived JWT for the asset store (its own bearer, not the API token)."""
        found = self._result("GET", self._project("/upload-token"))
        jwt = found.get("jwt") if isinstance(found, dict) else None
        if not isinstance(jwt, str) or not jwt:
            raise ExternalError("Cloudflare's API answered the upload token request without a token")
        self.secrets.add(jwt)
        return jwt

    def check_missing(self, jwt: str, keys: list[str]) -> list[str]:
        """`POST /pages/assets/check-missing`: which of these file keys the asset store lacks (content-addressed,
        so asking again is safe)."""
        found = self._result("POST", "/pages/assets/check-missing", body={"hashes": keys}, bearer=jwt, idempotent=True)
        if not isinstance(found, list) or not all(isinstance(k, str) for k in found):
            raise ExternalError("Cloudflare's asset store answered check-missing with something other than keys")
        return found

    def upload_assets(self, jwt: str, bucket: list[dict[str, Any]]) -> None:
        """`POST /pages/assets/upload`: a bucket of files, each `{key, value (base64), metadata, base64}`; the
        same keys and bytes again change nothing, so a failed bucket is sent again."""
        self._result("POST", "/pages/assets/upload", body=bucket, bearer=jwt, idempotent=True)

    def upsert_hashes(self, jwt: str, keys: list[str]) -> None:
        """`POST /pages/assets/upsert-hashes`: marks the keys as recently used (a later deploy skips them)."""
        self._result("POST", "/pages/assets/upsert-hashes", body={"hashes": keys}, bearer=jwt, idempotent=True)

    def create_deployment(self, fields: dict[str, str], files: dict[str, bytes]) -> PagesDeployment:
        """`POST …/deployments` as multipart: `manifest` and the commit's fields, `_headers` / `_redirects` as
        files. Not idempotent: never repeated when its answer is lost (the caller looks for it instead)."""
        form: dict[str, tuple[str | None, bytes]] = {k: (None, v.encode("utf-8")) for k, v in fields.items()}
        form.update({name: (name, data) for name, data in files.items()})
        return PagesDeployment.from_json(self._result("POST", self._project("/deployments"), form=form))

    def _message(self, response: requests.Response, body: bytes) -> str:
        try:
            data = json.loads(body)
        except ValueError:
            return response.reason or "no message"
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return f"{first.get('message') or 'error'} (code {first.get('code')})"
        return response.reason or "no message"

    def _hint(self, response: requests.Response) -> str:
        if "/pages/assets/" in (response.url or ""):
            return " — the asset store took the upload token as expired or wrong" if response.status_code == 401 else ""
        if response.status_code in (401, 403):
            return (
                " — the API token cannot read this project: create one with Account → Cloudflare Pages: Read and "
                "check cloudflare-account-id"
            )
        if response.status_code == 404:
            return " — check the project name (cloudflare.project in deploy.yaml) and the account id"
        return ""


def make_pages(
    session: requests.Session,
    token: str | None,
    account_id: str | None,
    project: str | None,
    secrets: Secrets,
    api_url: str | None = None,
    names: tuple[str, str] = ("--cloudflare-api-token", "--cloudflare-account-id"),
    sleep: Callable[[float], None] = time.sleep,
) -> PagesClient | None:
    """A client when the token, the account id and the project are all given; none given: None."""
    given = given_together(token, account_id, names, "Cloudflare API access needs both a token and an account id")
    if given is None:
        return None
    if not project:
        raise InputError("Cloudflare API access needs the project: set cloudflare.project in deploy.yaml")
    secrets.add(given[0])
    return PagesClient(session, *given, project, secrets, api_url or DEFAULT_API_URL, sleep=sleep)

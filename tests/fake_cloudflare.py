"""A fake Cloudflare (Pages deploy hooks + the Pages API subset the gate reads), for pytest-httpserver.

Each behaviour and its source:
- API base `/client/v4`, bearer token; every answer is the envelope `{success, errors, messages, result,
  result_info}`; a wrong token → 403 `{"code": 10000, "message": "Authentication error"}` (Cloudflare API
  reference; shared/contracts/README.md).
- `GET /accounts/{account}/pages/projects/{project}/deployments`: `env`, `page`, `per_page` (above 25 → 400, code
  8000024), newest first; `GET …/deployments/{id}` (the SDK's `pages.projects.deployments.list` / `get`).
- Every deployment this fake answers with is validated against the official SDK's type
  (`cloudflare.types.pages.Deployment`), and the query of every list and delete against the SDK's parameter
  types (`DeploymentListParams`, `DeploymentDeleteParams`: no key they lack, each value of their type); a
  mismatch is a violation the fixture fails on.
- A deploy hook (`POST /client/v4/pages/webhooks/deploy_hooks/<id>`, no auth: the id is the secret) builds the
  head of the hook's branch: a new production deployment, `deployment_trigger.type: deploy_hook`. What the hook
  answers is not documented for Pages (Workers Builds' hooks answer `result.build_uuid`): `hook_answer` plays
  `id` (an envelope with the deployment's id) or `empty` (no body); the gate must not depend on either.
- The project also builds every push by itself (`push()`: `github:push`), which the gate must never take for
  its own build; a deployment moves queued → build → deploy, one stage per poll, ending `success` or
  `failure` (`final_status`).
- `GET /accounts/{account}/pages/projects/{project}` (checked against `cloudflare.types.pages.Project`):
  `canonical_deployment` is the production deployment live now — the newest successful one, or the one a
  rollback chose; `source.config` says which pushes the project builds by itself (`production_deployments`).
- `POST …/deployments/{id}/rollback` ("Roll back production to a previous successful Cloudflare Pages
  deployment", the SDK): only a successful production deployment (else 400). The SDK says it answers a
  `Deployment`, not which: `rollback_answer` plays `target` (production serves that deployment again, and it is
  the answer) or `new` (a new production deployment of the same commit is made live and answered; its trigger
  type is not documented either: `ad_hoc` here). The gate must be right under both.
- `DELETE …/deployments/{id}`: a deployment with an alias is refused without `?force=true` (code 8000035,
  shared/contracts/README.md); the live production deployment is refused too (the dashboard offers no delete for
  it). The gate must never send `force`.
- `branch_push(branch)`: the Git integration builds a pushed branch as a preview deployment (`github:push`),
  served at its branch alias `https://<branch, lowercased, other runs of characters as ->.<project>.pages.dev`;
  the alias moves to the branch's newest deployment.
- Faults, as the Netlify fake has them: `hook_faults` (a status for the next hook POSTs; with `starts_build` a
  502 that follows a build the origin started — an edge timing out), `api_faults` (statuses for the next API
  reads, e.g. 503, or 429 with `Retry-After`: Cloudflare's API reference, "Rate limits": 1,200 requests per five
  minutes, then 429), `listing_lag` (a new deployment is listed only after that many listings: lists lag).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from werkzeug.wrappers import Request, Response

ACCOUNT = "0123456789abcdef0123456789abcdef"
PROJECT = "vibe-demo"
TOKEN = "cf-token-0000000000000000000000000000000000"
HOOK_ID = "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d"
HOOK_PATH = f"/client/v4/pages/webhooks/deploy_hooks/{HOOK_ID}"
STAGES = ("queued", "initialize", "clone_repo", "build", "deploy")
BASE = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


@dataclass
class FakeCloudflare:
    head_sha: str = ""
    branch: str = "main"
    hook_answer: str = "id"  # id | empty
    hook_status: int = 200
    final_status: str = "success"  # success | failure
    deployments: list[dict[str, Any]] = field(default_factory=list)  # newest first
    polls: dict[str, int] = field(default_factory=dict)
    hook_posts: list[Request] = field(default_factory=list)
    api_requests: list[Request] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    hook_faults: list[tuple[int, bool]] = field(default_factory=list)  # (status, starts_build)
    api_faults: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers)
    listing_lag: int = 0
    hidden: dict[str, int] = field(default_factory=dict)  # deployment id -> listings still to wait
    canonical: str | None = None  # set by a rollback; else the newest successful production deployment
    production_deployments: bool = False  # source.config.production_deployments_enabled
    preview_setting: str = "all"  # source.config.preview_deployment_setting
    deleted: list[str] = field(default_factory=list)
    rollback_answer: str = "target"  # target | new

    # ------------------------------------------------------------------ the world

    def _new(self, trigger: str, environment: str = "production", branch: str | None = None) -> dict[str, Any]:
        number = len(self.deployments) + len(self.deleted) + 1
        short = f"{number:08x}"
        created = _stamp(BASE + timedelta(minutes=number))
        deployment = {
            "id": f"{short}-0000-4000-8000-{number:012x}",
            "short_id": short,
            "project_id": "p-0001",
            "project_name": PROJECT,
            "environment": environment,
            "url": f"https://{short}.{PROJECT}.pages.dev",
            "aliases": None,
            "created_on": created,
            "modified_on": created,
            "is_skipped": False,
            "build_config": {"build_command": "npm run build", "destination_dir": "dist", "root_dir": ""},
            "deployment_trigger": {
                "type": trigger,
                "metadata": {
                    "branch": branch or self.branch,
                    "commit_hash": self.head_sha,
                    "commit_dirty": False,
                    "commit_message": "results",
                },
            },
            "latest_stage": {"name": "queued", "status": "active", "started_on": created, "ended_on": None},
            "stages": [{"name": name, "status": "idle", "started_on": None, "ended_on": None} for name in STAGES],
            "source": {"type": "github", "config": _source_config()},
        }
        self.deployments.insert(0, deployment)
        self.polls[deployment["id"]] = 0
        if self.listing_lag:
            self.hidden[deployment["id"]] = self.listing_lag
        return deployment

    def push(self) -> dict[str, Any]:
        """A push the project builds by itself (Git integration): listed, never the gate's."""
        return self._new("github:push")

    def branch_push(self, branch: str, sha: str) -> dict[str, Any]:
        """A pushed branch built as a preview; its alias moves to this deployment."""
        alias = f"https://{re.sub(r'[^a-z0-9]+', '-', branch.lower()).strip('-')}.{PROJECT}.pages.dev"
        for older in self.deployments:
            if older["aliases"] and alias in older["aliases"]:
                older["aliases"] = None
        deployment = self._new("github:push", "preview", branch)
        deployment["deployment_trigger"]["metadata"]["commit_hash"] = sha
        deployment["aliases"] = [alias]
        return deployment

    def finish(self, deployment: dict[str, Any]) -> None:
        """The deployment builds to its end while no one looks."""
        while self.polls.get(deployment["id"], 0) < len(STAGES) - 1:
            self._advance(deployment)

    def live(self) -> dict[str, Any] | None:
        """The production deployment live now (`canonical_deployment`)."""
        if self.canonical is not None:
            return next((d for d in self.deployments if d["id"] == self.canonical), None)
        return next((d for d in self.deployments if d["environment"] == "production" and _succeeded(d)), None)

    def _advance(self, deployment: dict[str, Any]) -> None:
        """One stage further each time the deployment is read, ending in `final_status`."""
        seen = self.polls.get(deployment["id"], 0) + 1
        self.polls[deployment["id"]] = seen
        index = min(seen, len(STAGES) - 1)
        done = seen >= len(STAGES) - 1
        status = self.final_status if done else "active"
        deployment["latest_stage"] = {"name": STAGES[index], "status": status, "started_on": None, "ended_on": None}

    # ------------------------------------------------------------------ HTTP

    def __call__(self, request: Request) -> Response:
        if request.path == HOOK_PATH and request.method == "POST":
            return self._hook(request)
        if not request.path.startswith("/client/v4/"):
            return _envelope(None, 404, [{"code": 7003, "message": "No route for that URI"}])
        self.api_requests.append(request)
        if self.api_faults:
            status, headers = self.api_faults.pop(0)
            return Response(
                json.dumps({"success": False, "errors": [{"code": 971, "message": "fault"}]}),
                status,
                headers=headers,
                content_type="application/json",
            )
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _envelope(None, 403, [{"code": 10000, "message": "Authentication error"}])
        project = f"/client/v4/accounts/{ACCOUNT}/pages/projects/{PROJECT}"
        base = f"{project}/deployments"
        if request.path == project and request.method == "GET":
            return self._project()
        if request.path == base and request.method == "GET":
            return self._list(request)
        if not request.path.startswith(base + "/"):
            return _envelope(None, 404, [{"code": 8000000, "message": "not in this fake"}])
        ident, _, action = request.path[len(base) + 1 :].partition("/")
        found = next((d for d in self.deployments if d["id"] == ident), None)
        if found is None:
            return _envelope(None, 404, [{"code": 8000007, "message": "Deployment not found"}])
        if request.method == "GET" and not action:
            self._advance(found)
            return self._answer(found)
        if request.method == "POST" and action == "rollback":
            return self._rollback(found)
        if request.method == "DELETE" and not action:
            return self._delete(found, request)
        return _envelope(None, 404, [{"code": 8000000, "message": "not in this fake"}])

    def _rollback(self, found: dict[str, Any]) -> Response:
        if found["environment"] != "production" or not _succeeded(found):
            return _envelope(None, 400, [{"code": 8000009, "message": "Cannot roll back to this deployment"}])
        if self.rollback_answer == "new":
            made = self._new("ad_hoc")
            made["deployment_trigger"]["metadata"]["commit_hash"] = found["deployment_trigger"]["metadata"][
                "commit_hash"
            ]
            self.finish(made)
            found = made
        self.canonical = found["id"]
        return self._answer(found)

    def _delete(self, found: dict[str, Any], request: Request) -> Response:
        from cloudflare.types.pages.projects import DeploymentDeleteParams

        self._check_query(request, DeploymentDeleteParams)
        live = self.live()
        if live is not None and live["id"] == found["id"]:
            return _envelope(
                None, 400, [{"code": 8000034, "message": "Cannot delete the active production deployment"}]
            )
        if found["aliases"] and request.args.get("force") != "true":
            return _envelope(
                None, 400, [{"code": 8000035, "message": "Cannot delete an aliased deployment without ?force=true"}]
            )
        self.deployments.remove(found)
        self.deleted.append(found["id"])
        return _envelope(None, 200)

    def _project(self) -> Response:
        """The project, checked against the SDK's `Project` type."""
        from cloudflare.types.pages import Project
        from pydantic import ValidationError

        config = {
            **_source_config(),
            "production_deployments_enabled": self.production_deployments,
            "preview_deployment_setting": self.preview_setting,
        }
        body = {
            "id": "p-0001",
            "name": PROJECT,
            "subdomain": f"{PROJECT}.pages.dev",
            "created_on": _stamp(BASE),
            "production_branch": "main",
            "framework": "",
            "framework_version": "",
            "preview_script_name": "",
            "production_script_name": "",
            "deployment_configs": {"preview": _deployment_config(), "production": _deployment_config()},
            "canonical_deployment": self.live(),
            "latest_deployment": self.deployments[0] if self.deployments else None,
            "source": {"type": "github", "config": config},
        }
        try:
            Project.model_validate(body)
        except ValidationError as exc:
            self.violations.append(f"project: {exc}")
        return _envelope(body, 200)

    def _hook(self, request: Request) -> Response:
        self.hook_posts.append(request)
        status, starts = self.hook_faults.pop(0) if self.hook_faults else (self.hook_status, False)
        if status >= 300:
            if starts:
                self._new("deploy_hook")
            return Response("", status=status)
        deployment = self._new("deploy_hook")
        if self.hook_answer == "empty":
            return Response("", status=self.hook_status)
        return _envelope({"id": deployment["id"]}, self.hook_status)

    def _check_query(self, request: Request, params: type) -> None:
        """The request's query as the SDK would send it: only the parameter type's keys, each of its type."""
        from pydantic import TypeAdapter, ValidationError

        path = {
            k: v for k, v in {"account_id": ACCOUNT, "project_name": PROJECT}.items() if k in params.__annotations__
        }
        query = {**path, **request.args.to_dict()}
        unknown = set(query) - set(params.__annotations__)
        if unknown:
            self.violations.append(f"{request.method} {request.path}: {sorted(unknown)} not in {params.__name__}")
        try:
            TypeAdapter(params).validate_python(query)
        except ValidationError as exc:
            self.violations.append(f"{request.method} {request.path}: {exc}")

    def _list(self, request: Request) -> Response:
        from cloudflare.types.pages.projects import DeploymentListParams

        self._check_query(request, DeploymentListParams)
        per_page = int(request.args.get("per_page", "25"))
        if per_page > 25:
            return _envelope(None, 400, [{"code": 8000024, "message": "Invalid list options provided"}])
        page = int(request.args.get("page", "1"))
        env = request.args.get("env")
        for key in list(self.hidden):
            self.hidden[key] -= 1
            if self.hidden[key] < 0:
                del self.hidden[key]
        chosen = [
            d for d in self.deployments if (env is None or d["environment"] == env) and d["id"] not in self.hidden
        ]
        batch = chosen[(page - 1) * per_page : page * per_page]
        for deployment in batch:
            self._advance(deployment)
        info = {"page": page, "per_page": per_page, "count": len(batch), "total_count": len(chosen)}
        return self._answer(batch, info)

    def _answer(self, result: Any, info: dict[str, Any] | None = None) -> Response:
        """The envelope, with every deployment in it checked against the SDK's type first."""
        from cloudflare.types.pages import Deployment
        from pydantic import ValidationError

        for item in result if isinstance(result, list) else [result]:
            try:
                Deployment.model_validate(item)
            except ValidationError as exc:
                self.violations.append(f"{item.get('id')}: {exc}")
        return _envelope(result, 200, info=info)


def _envelope(
    result: Any, status: int, errors: list[dict[str, Any]] | None = None, info: dict[str, Any] | None = None
) -> Response:
    body = {"success": status < 400, "errors": errors or [], "messages": [], "result": result}
    if info is not None:
        body["result_info"] = info
    return Response(json.dumps(body), status=status, content_type="application/json")


def _succeeded(deployment: dict[str, Any]) -> bool:
    stage = deployment["latest_stage"]
    return bool(stage["name"] == "deploy" and stage["status"] == "success")


def _deployment_config() -> dict[str, Any]:
    """The smallest deployment config the SDK's type takes (bindings and variables all empty)."""
    return {
        "always_use_latest_compatibility_date": False,
        "build_image_major_version": 3,
        "compatibility_date": "2026-11-01",
        "compatibility_flags": [],
        "env_vars": None,
        "fail_open": True,
        "usage_model": "standard",
    }


def _source_config() -> dict[str, Any]:
    return {
        "deployments_enabled": True,
        "owner": "octo-org",
        "owner_id": "1",
        "path_excludes": [],
        "path_includes": ["*"],
        "pr_comments_enabled": True,
        "preview_branch_excludes": [],
        "preview_branch_includes": ["*"],
        "preview_deployment_setting": "all",
        "production_branch": "main",
        "production_deployments_enabled": True,
        "repo_id": "2",
        "repo_name": "vibe-demo",
    }

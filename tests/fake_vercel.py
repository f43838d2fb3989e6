"""A fake Vercel REST API (the endpoints the gate uses), for pytest-httpserver.

Every request body the gate sends to create a deployment, and every answer this fake gives, is checked against
the JSON Schemas in tests/contracts/vercel/, made from Vercel's official SDK, `@vercel/sdk` 1.28.35 (its zod
types; tests/contracts/vercel/make_schemas.mjs says how). A mismatch is a violation the fixture fails on.

Each behaviour and its source:
- bearer token, else 403 `{"error": {"code": "forbidden"}}`; `?teamId=` names a team's project (REST API
  reference, "Authentication" and "Accessing resources owned by a team");
- `POST /v2/files` with `x-vercel-digest` (SHA-1) and the raw bytes; a digest that does not match the bytes is
  refused (400 `invalid_digest`); answers `{}` (the SDK's `UploadFileResponseBody`);
- `POST /v13/deployments`: a file Vercel lacks → 400 `{"error": {"code": "missing_files", "missing": [sha…]}}`
  and nothing made (how `@vercel/client` uploads: create, upload what is missing, create again); else a new
  deployment, `readyState` QUEUED → BUILDING → READY (one step per read; `final_state` ERROR plays a failed
  build); `target: production` makes a production deployment, which production's domains point at once READY
  (the project's `targets.production`); none makes a preview. Hobby's 100 deployments a day: `daily_limit`
  (then 429 `api-deployments-free-per-day`, "Resource is limited - try again in 54 minutes (more than 100 …)",
  as the Vercel bot reported it in github.com/PriyaGhosal/BuddyTrail/issues/331 and bgoonz/BGOONZ_BLOG_2.0#1488);
- `GET /v13/deployments/{id}`, `GET /v7/deployments` (`projectId`, `target`, `since`, `limit`, newest first;
  items carry `uid`, `url`, `state`, `created`, `meta`, `target`), `DELETE /v13/deployments/{id}` (the
  deployment production serves is refused, as the dashboard refuses it);
- `POST /v1/projects/{id}/rollback/{deploymentId}` (Instant Rollback: only a READY production deployment; on
  `plan: hobby` only the one before the current, else 402 — Vercel's docs, "Instant Rollback": Hobby can roll
  back to the previous production deployment only) and `POST /v10/projects/{id}/promote/{deploymentId}`: 201,
  no body;
- `GET /v9/projects/{id}`: `name`, `link` (a connected Git repository, `git_linked`), `targets.production`.
Faults: `create_answer_lost` (the deployment is made, the answer a 502), `file_faults` (statuses for the next
file uploads: a 503 the client sends again).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from werkzeug.wrappers import Request, Response

TOKEN = "vercel-token-00000000000000000000"
PROJECT_ID = "prj_0123456789abcdefGHIJKLmnop"
PROJECT = "vibe-demo"
TEAM = "team_0123456789abcdefGHIJKLmn"
CONTRACTS = Path(__file__).parent / "contracts" / "vercel"
STEPS = ("QUEUED", "BUILDING", "READY")


def schema(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / f"{name}.json").read_text())


@dataclass
class FakeVercel:
    plan: str = "hobby"
    team: str | None = None  # the teamId every call must carry (None: a personal account)
    git_linked: bool = False
    final_state: str = "READY"
    files: dict[str, bytes] = field(default_factory=dict)
    deployments: list[dict[str, Any]] = field(default_factory=list)  # newest first
    production: str | None = None  # the deployment production's domains point at
    reads: dict[str, int] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    create_answer_lost: bool = False
    file_faults: list[int] = field(default_factory=list)
    daily_limit: int = 100
    rollbacks: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)  # every create body, as sent
    hook_posts: int = 0

    # ------------------------------------------------------------------ the world

    def _new(self, body: dict[str, Any]) -> dict[str, Any]:
        number = len(self.deployments) + 1
        ident = f"dpl_{number:024d}"
        deployment = {
            "id": ident,
            "name": PROJECT,
            "url": f"{PROJECT}-{number:09x}-octo.vercel.app",
            "readyState": "QUEUED",
            "status": "QUEUED",
            "type": "LAMBDAS",
            "target": body.get("target"),
            "meta": body.get("meta") or {},
            "createdAt": _now() + number,  # the service's clock (a listing's `since` is read against it)
            "creator": {"uid": "user_1", "username": "octo"},
            "build": {"env": []},
            "env": [],
            "plan": self.plan,
            "projectSettings": {},
            "regions": ["iad1"],
            "alias": [],
            "projectId": PROJECT_ID,
            "public": False,
            "version": 2,
        }
        self.deployments.insert(0, deployment)
        self.reads[ident] = 0
        return deployment

    def _advance(self, deployment: dict[str, Any]) -> None:
        seen = self.reads.get(deployment["id"], 0) + 1
        self.reads[deployment["id"]] = seen
        if deployment["readyState"] in ("READY", "ERROR"):
            return
        state = STEPS[min(seen, len(STEPS) - 1)]
        if state == "READY" and self.final_state != "READY":
            state = self.final_state
            deployment["errorMessage"] = "Command exited with 1"
        deployment["readyState"] = deployment["status"] = state
        if state == "READY" and deployment["target"] == "production":
            self.production = deployment["id"]
            deployment["alias"] = [f"{PROJECT}.vercel.app"]

    def get(self, ident: str) -> dict[str, Any]:
        return next(d for d in self.deployments if d["id"] == ident)

    def served(self, ident: str) -> dict[str, bytes]:
        """The files a deployment serves, by path, from the Build Output API's static folder."""
        body = next(b for b in self.bodies if b.get("_made") == ident)
        prefix = ".vercel/output/static"
        return {f["file"][len(prefix) :]: self.files[f["sha"]] for f in body["files"] if f["file"].startswith(prefix)}

    # ------------------------------------------------------------------ HTTP

    def __call__(self, request: Request) -> Response:
        self.log.append(request)
        if request.method == "POST" and request.path.startswith(f"/v1/integrations/deploy/{PROJECT_ID}/"):
            # A Deploy Hook (Vercel docs, "Deploy Hooks"): no token — the URL is the secret; a job, not a deployment
            self.hook_posts += 1
            return Response(json.dumps({"job": {"id": "job_1", "state": "PENDING", "createdAt": _now()}}), 201)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(403, "forbidden", "Not authorized")
        if self.team is not None and request.args.get("teamId") != self.team:
            return _error(404, "not_found", "Project not found (wrong team)")
        route = (request.method, request.path)
        if route == ("POST", "/v2/files"):
            return self._file(request)
        if route == ("POST", "/v13/deployments"):
            return self._create(request)
        if route == ("GET", "/v7/deployments"):
            return self._list(request)
        if route == ("GET", f"/v9/projects/{PROJECT_ID}"):
            return self._project()
        if request.path.startswith("/v13/deployments/"):
            return self._one(request)
        for prefix, action in (
            (f"/v1/projects/{PROJECT_ID}/rollback/", "rollback"),
            (f"/v10/projects/{PROJECT_ID}/promote/", "promote"),
        ):
            if request.method == "POST" and request.path.startswith(prefix):
                return self._point(request.path[len(prefix) :], action)
        return _error(404, "not_found", "not in this fake")

    def _answer(self, body: Any, name: str, status: int = 200) -> Response:
        try:
            jsonschema.validate(body, schema(name))
        except jsonschema.ValidationError as exc:
            self.violations.append(f"{name}: {exc.message} at {list(exc.absolute_path)}")
        return Response(json.dumps(body), status, content_type="application/json")

    def _file(self, request: Request) -> Response:
        data = request.get_data()
        digest = request.headers.get("x-vercel-digest", "")
        if self.file_faults:
            return _error(self.file_faults.pop(0), "internal_server_error", "fault")
        if hashlib.sha1(data, usedforsecurity=False).hexdigest() != digest:
            return _error(400, "invalid_digest", "the digest does not match the file")
        self.files[digest] = data
        return self._answer({}, "uploadfile.answer")

    def _create(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"{}")
        try:
            jsonschema.validate(body, schema("createdeployment.request"))
        except jsonschema.ValidationError as exc:
            self.violations.append(f"create request: {exc.message} at {list(exc.absolute_path)}")
        missing = sorted({f["sha"] for f in body.get("files", []) if f.get("sha") not in self.files})
        if missing:
            return Response(
                json.dumps({"error": {"code": "missing_files", "message": "Missing files", "missing": missing}}),
                400,
                content_type="application/json",
            )
        if len(self.deployments) >= self.daily_limit:
            limited = _error(429, "api-deployments-free-per-day", "Resource is limited - try again in 24 hours")
            limited.headers["Retry-After"] = "0"  # (Vercel sends a reset time; 0 keeps the test's clock out of it)
            return limited
        made = self._new(body)
        self.bodies.append({**body, "_made": made["id"]})
        if self.create_answer_lost:
            self.create_answer_lost = False
            return Response("<html>502 Bad Gateway</html>", 502)
        return self._answer(made, "createdeployment.answer")

    def _one(self, request: Request) -> Response:
        ident = request.path.rsplit("/", 1)[-1]
        found = next((d for d in self.deployments if d["id"] == ident), None)
        if found is None:
            return _error(404, "not_found", "Deployment not found")
        if request.method == "GET":
            self._advance(found)
            return self._answer(found, "getdeployment.answer")
        if request.method == "DELETE":
            if found["id"] == self.production:
                return _error(400, "cannot_delete_production", "The current production deployment cannot be deleted")
            self.deployments.remove(found)
            return self._answer({"state": "DELETED", "uid": ident}, "deletedeployment.answer")
        return _error(405, "method_not_allowed", "")

    def _list(self, request: Request) -> Response:
        target = request.args.get("target")
        since = int(request.args.get("since") or 0)
        limit = int(request.args.get("limit") or 20)
        chosen = [d for d in self.deployments if (target is None or d["target"] == target) and d["createdAt"] >= since][
            :limit
        ]
        items = [
            {
                "uid": d["id"],
                "name": d["name"],
                "url": d["url"],
                "state": d["readyState"],
                "readyState": d["readyState"],
                "created": d["createdAt"],
                "createdAt": d["createdAt"],
                "meta": d["meta"],
                "target": d["target"],
                "type": "LAMBDAS",
                "creator": {"uid": "user_1", "username": "octo"},
            }
            for d in chosen
        ]
        body = {"pagination": {"count": len(items), "next": None, "prev": None}, "deployments": items}
        return self._answer(body, "getdeployments.answer")

    def _project(self) -> Response:
        live = next((d for d in self.deployments if d["id"] == self.production), None)
        body: dict[str, Any] = {
            "id": PROJECT_ID,
            "name": PROJECT,
            "accountId": "user_1",
            "alias": [],
            "defaultResourceConfig": {"functionDefaultRegions": ["iad1"]},
            "deploymentExpiration": {},
            "nodeVersion": "22.x",
            "resourceConfig": {"functionDefaultRegions": ["iad1"]},
            "targets": {"production": _target(live)} if live else {},
        }
        if self.git_linked:
            body["link"] = {"type": "github", "repo": "vibe-demo", "org": "octo-org", "repoId": 2, "deployHooks": []}
        return self._answer(body, "getproject.answer")

    def _point(self, ident: str, action: str) -> Response:
        found = next((d for d in self.deployments if d["id"] == ident), None)
        if found is None:
            return _error(404, "not_found", "Deployment not found")
        if found["readyState"] != "READY" or found["target"] != "production":
            return _error(400, "invalid_deployment", "Only a ready production deployment can be rolled back to")
        if action == "rollback" and self.plan == "hobby":
            production = [
                d["id"] for d in self.deployments if d["target"] == "production" and d["readyState"] == "READY"
            ]
            current = production.index(self.production) if self.production in production else 0
            if production.index(ident) != current + 1:
                return _error(
                    402, "rollback_plan_limit", "Hobby plans can roll back to the previous production deployment only"
                )
        self.production = ident
        self.rollbacks.append(f"{action} {ident}")
        return Response("", 201)


def _now() -> int:
    return int(time.time() * 1000)


def _target(deployment: dict[str, Any]) -> dict[str, Any]:
    """A deployment as a project's `targets.production` carries it (fewer fields than a deployment read)."""
    keep = ("id", "url", "name", "readyState", "target", "meta", "createdAt", "alias", "type", "plan", "creator")
    return {k: deployment[k] for k in keep if k in deployment}


def _error(status: int, code: str, message: str) -> Response:
    return Response(json.dumps({"error": {"code": code, "message": message}}), status, content_type="application/json")

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
- Direct Upload (the API reference's "Pages → Assets" and "Get upload token"; wrangler's pages/upload.ts and
  api/pages/deploy.ts): `GET …/upload-token` (API token) answers `{jwt}` — a JWT whose claims carry `exp` and
  `max_file_count_allowed` (wrangler reads both); the asset store (`/pages/assets/check-missing`, `upload`,
  `upsert-hashes`) takes only that JWT as bearer, answers HTTP 401 (code 8000013, wrangler's
  `ApiErrorCodes.UNAUTHORIZED`) once it expired (`jwt_uses`: how many asset requests a token is good for — an
  upload token expiring mid-upload), and keeps files by key. Every body is checked against the SDK's parameter
  types (`AssetCheckMissingParams`, `AssetUploadParams.Body`, `AssetUpsertHashesParams`), each upload against
  wrangler's bucket bounds (2,000 files, 40 MiB) and each key against its value (32 hex digits of BLAKE3 over the
  base64 text and an extension, one of the folder's). `POST …/deployments` takes multipart fields checked against
  `DeploymentCreateParams`; every manifest key must be in the store (else 400); no `branch`, or the production
  branch, makes a production deployment (`deployment_trigger.type: ad_hoc`), another branch a preview with its
  branch alias. `create_answer_lost`: the deployment is made but the answer is a 502; `upload_faults`: statuses
  for the next asset uploads (a 503 the client sends again).
- Faults, as the Netlify fake has them: `hook_faults` (a status for the next hook POSTs; with `starts_build` a
  502 that follows a build the origin started — an edge timing out), `api_faults` (statuses for the next API
  reads, e.g. 503, or 429 with `Retry-After`: Cloudflare's API reference, "Rate limits": 1,200 requests per five
  minutes, then 429), `listing_lag` (a new deployment is listed only after that many listings: lists lag).
"""

from __future__ import annotations

import base64
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
    assets: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # key -> (bytes, content type)
    asset_posts: list[tuple[str, int]] = field(default_factory=list)  # (endpoint, files in it)
    jwt_uses: int = 1000
    tokens: dict[str, int] = field(default_factory=dict)  # jwt -> uses left
    upload_faults: list[int] = field(default_factory=list)
    create_answer_lost: bool = False
    created: list[dict[str, Any]] = field(default_factory=list)  # (deployment id, manifest, form files)
    upserted: list[str] = field(default_factory=list)

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
        if request.path.startswith("/client/v4/pages/assets/"):
            return self._assets(request)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _envelope(None, 403, [{"code": 10000, "message": "Authentication error"}])
        return self._project_routes(request)

    def _project_routes(self, request: Request) -> Response:
        project = f"/client/v4/accounts/{ACCOUNT}/pages/projects/{PROJECT}"
        base = f"{project}/deployments"
        routes = {
            (project, "GET"): self._project,
            (f"{project}/upload-token", "GET"): self._upload_token,
            (base, "POST"): lambda: self._create(request),
            (base, "GET"): lambda: self._list(request),
        }
        route = routes.get((request.path, request.method))
        if route is not None:
            return route()
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

    # ------------------------------------------------------------------ Direct Upload

    def _upload_token(self) -> Response:
        from cloudflare.types.pages import ProjectGetUploadTokenResponse

        claims = {"exp": int((BASE + timedelta(hours=1)).timestamp()), "max_file_count_allowed": 20000}
        parts = [{"alg": "HS256", "typ": "JWT"}, claims, {"n": len(self.tokens)}]
        jwt = ".".join(base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in parts)
        self.tokens[jwt] = self.jwt_uses
        body = {"jwt": jwt}
        ProjectGetUploadTokenResponse.model_validate(body)
        return _envelope(body, 200)

    def _assets(self, request: Request) -> Response:
        from cloudflare.types.pages import AssetCheckMissingParams, AssetUpsertHashesParams
        from cloudflare.types.pages.asset_upload_params import Body
        from pydantic import TypeAdapter, ValidationError

        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return _envelope(None, 403, [{"code": 10000, "message": "Authentication error"}])
        if self.tokens[bearer] <= 0:
            return _envelope(None, 401, [{"code": 8000013, "message": "Unauthorized: the upload token expired"}])
        self.tokens[bearer] -= 1
        name = request.path.rsplit("/", 1)[-1]
        data = json.loads(request.get_data() or b"null")
        kinds: dict[str, Any] = {
            "check-missing": AssetCheckMissingParams,
            "upsert-hashes": AssetUpsertHashesParams,
            "upload": list[Body],
        }
        if request.method != "POST" or name not in kinds:
            return _envelope(None, 404, [{"code": 7003, "message": "No route for that URI"}])
        try:
            TypeAdapter(kinds[name]).validate_python(_from_wire(data, kinds[name]), strict=True)
        except (ValidationError, KeyError, TypeError) as exc:
            self.violations.append(f"POST /pages/assets/{name}: {exc}")
            return _envelope(None, 400, [{"code": 8000000, "message": "bad body"}])
        self.asset_posts.append((name, len(data) if name == "upload" else len(data["hashes"])))
        if name == "check-missing":
            return _envelope([k for k in data["hashes"] if k not in self.assets], 200)
        if name == "upsert-hashes":
            self.upserted.extend(data["hashes"])
            return _envelope(None, 200)
        if self.upload_faults:
            return _envelope(None, self.upload_faults.pop(0), [{"code": 8000000, "message": "fault"}])
        return self._store(data)

    def _store(self, files: list[dict[str, Any]]) -> Response:
        """A bucket into the store, within wrangler's bounds (keys are checked against paths at deployment)."""
        size = sum(len(base64.b64decode(f["value"])) for f in files)
        if len(files) > 2000 or size > 40 * 1024 * 1024:
            self.violations.append(f"an upload of {len(files)} files, {size} bytes: beyond wrangler's buckets")
        for item in files:
            self.assets[item["key"]] = (base64.b64decode(item["value"]), item["metadata"]["contentType"])
        return _envelope(None, 200)

    def _create(self, request: Request) -> Response:
        from cloudflare.types.pages.projects import DeploymentCreateParams

        fields = request.form.to_dict()
        files = {name: upload.read() for name, upload in request.files.items()}
        allowed = {PropertyName(k) for k in DeploymentCreateParams.__annotations__}
        unknown = (set(fields) | set(files)) - allowed - {"account_id"}
        if unknown:
            self.violations.append(f"POST deployments: {sorted(unknown)} not in DeploymentCreateParams")
        manifest = json.loads(fields.get("manifest") or "{}")
        missing = [key for key in manifest.values() if key not in self.assets]
        if missing:
            return _envelope(None, 400, [{"code": 8000096, "message": f"{len(missing)} assets were never uploaded"}])
        for path, key in manifest.items():
            if _key(self.assets[key][0], path) != key:
                self.violations.append(f"{path}: key {key} is not BLAKE3(base64 + extension) of its bytes")
        branch = fields.get("branch") or self.branch
        if branch == self.branch:
            made = self._new("ad_hoc")
        else:
            made = self.branch_push(branch, fields.get("commit_hash", ""))
            made["deployment_trigger"]["type"] = "ad_hoc"
        made["deployment_trigger"]["metadata"]["commit_hash"] = fields.get("commit_hash", "")
        made["deployment_trigger"]["metadata"]["commit_message"] = fields.get("commit_message", "")
        self.created.append({"id": made["id"], "manifest": manifest, "files": files, "fields": fields})
        if self.create_answer_lost:
            self.create_answer_lost = False
            return Response("<html>502 Bad Gateway</html>", 502)
        return self._answer(made)

    def served(self, deployment_id: str) -> dict[str, bytes]:
        """What a deployment made by upload serves: its manifest's files, from the store."""
        made = next(c for c in self.created if c["id"] == deployment_id)
        return {path: self.assets[key][0] for path, key in made["manifest"].items()}

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


def PropertyName(name: str) -> str:  # noqa: N802 — the SDK's field name as sent on the wire
    """`_routes_json` is sent as `_routes.json`, `_worker_bundle` as `_worker.bundle` (the SDK's aliases)."""
    aliases = {
        "_routes_json": "_routes.json",
        "_worker_bundle": "_worker.bundle",
        "_worker_js": "_worker.js",
        "functions_filepath_routing_config_json": "functions-filepath-routing-config.json",
    }
    return aliases.get(name, name)


def _bare(hint: Any) -> Any:
    """A field's type without `Required[…]` / `NotRequired[…]` around it (typing_extensions': Python 3.10's
    typing has neither)."""
    import typing_extensions as te

    while te.get_origin(hint) in (te.Required, te.NotRequired):
        (hint,) = te.get_args(hint)
    return hint


def _from_wire(value: Any, kind: Any) -> Any:
    """A body as sent, in the SDK type's own field names (its `PropertyInfo(alias=…)` is the wire name), so
    that pydantic checks it against the type; a wire key the type lacks is kept, and fails the check."""
    import typing_extensions
    from cloudflare._utils import PropertyInfo

    origin = typing_extensions.get_origin(kind)
    if origin is list or (origin is not None and getattr(origin, "__name__", "") == "Iterable"):
        (inner,) = typing_extensions.get_args(kind)
        return [_from_wire(v, inner) for v in value] if isinstance(value, list) else value
    if not (isinstance(value, dict) and typing_extensions.is_typeddict(kind)):
        return value
    hints = typing_extensions.get_type_hints(kind, include_extras=True)
    out = dict(value)
    for name, declared in hints.items():
        alias, inner = name, _bare(declared)
        if typing_extensions.get_origin(inner) is typing_extensions.Annotated:
            inner, *extras = typing_extensions.get_args(inner)
            alias = next((e.alias for e in extras if isinstance(e, PropertyInfo) and e.alias), name)
            inner = _bare(inner)
        if alias in value:
            del out[alias]
            out[name] = _from_wire(value[alias], inner)
    return out


def _key(data: bytes, path: str) -> str:
    """wrangler's hashFile (pages/hash.ts), written out again here so that the gate's own is checked."""
    from blake3 import blake3

    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    extension = name[dot + 1 :] if dot > 0 else ""  # node's path.extname: none for ".env" or "a"
    return str(blake3(base64.b64encode(data) + extension.encode()).hexdigest())[:32]


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

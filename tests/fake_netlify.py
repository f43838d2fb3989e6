"""A local Netlify for the tests: build hooks and the API subset, with faults on demand.

Every API request is checked against Netlify's published Swagger 2.0 description (tests/contracts/
netlify-api-subset.json): the path and method must exist under `/api/v1`, query parameters must be declared
for the operation and have the declared type or enum, and `Authorization: Bearer <token>` must be sent. What
does not conform is recorded in `violations` (tests assert it stays empty) and answered 400. The build-hook
trigger (`POST /build_hooks/<id>`) is not in that description; it behaves as Netlify documents it: a 2xx with
an empty body and no deploy id, `trigger_title` / `trigger_branch` in the query, the body passed to the build.

The unpleasant parts of the real service are options, each with its source:
- `repo`: the site is linked to that git repository. Every `push()` starts a build, as Netlify's continuous
  deployment does, and every build — push, hook or API — first runs the repository's `ignore` command from
  netlify.toml with `sh -c` in a checkout of the commit built, with Netlify's build environment (`BRANCH`,
  `HEAD`, `COMMIT_REF`, `CACHED_COMMIT_REF`, `CONTEXT`, `DEPLOY_ID`, `BUILD_ID`, and `INCOMING_HOOK_TITLE` (the
  hook's name) / `INCOMING_HOOK_URL` / `INCOMING_HOOK_BODY` only for hook builds) [Netlify docs, "Build
  environment variables", "Ignore builds"; the Doppler build plugin reads INCOMING_HOOK_TITLE as the hook's
  name]. Exit 0 cancels: the deploy is still listed, `state: "error"`, `error_message: "Canceled build due to
  no content change"`, `commit_ref` the commit [build logs in forem/forem#12108, dandi/dandi-archive#1083].
- `listing_lag`: a new build's deploy is listed (and found by id) only that many seconds of `clock` after it
  was created: a hook answers before its deploy exists [../shared/contracts/README.md: "its deploy may not be
  listed yet when the hook answers"].
- `HookFault(502, starts_build=True)`: the edge answers 5xx after the origin started the build.
- `rate_limited(seconds)`: a 429 as Netlify sends it, with `X-RateLimit-Limit/Remaining/Reset` (epoch
  seconds) and no `Retry-After` [Netlify docs, "Get started with the API" → Rate limiting].
- A locked published deploy stays published: later builds are built, not published [Netlify docs, "Manage
  deploys" → Lock a deploy / Stop auto publishing]; `POST /deploys/{id}/unlock` lifts it.
- `retention_days`: old deploys are deleted, but not the published one, the newest production deploy or the
  newest deploy of each branch [Netlify docs, "Manage deploys" → deploy retention].

Uploads, as `netlify deploy` makes them [netlify/cli src/utils/deploy/deploy-site.ts, upload-files.ts, util.ts;
tests/contracts/UPSTREAM-README.md, "Uploading a built folder"]: `POST /sites/{id}/deploys?title=` makes a deploy
with no files (`state: "new"`); `PUT /sites/{id}/deploys/{deploy_id}` with the file digest answers `required`,
the SHA-1s the site does not hold yet (`async`: `preparing` first, `prepared` with `required` at the next look);
`PUT /deploys/{id}/files/{path}` (the path as encodeURI leaves it, `/` included) stores a file whose SHA-1 must be
the digest's; once every required file is in, the deploy is `processing`, then `ready` at the next look and
published unless a locked deploy holds production or it is a draft. JSON bodies are checked against the
operation's body schema in the description. Faults: `upload_faults` (statuses for the next file PUTs),
`create_answer_lost` (the deploy is made, the answer is a 502 — an edge that lost the origin's answer).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from werkzeug.wrappers import Request, Response

CONTRACT = Path(__file__).parent / "contracts" / "netlify-api-subset.json"
TOKEN = "nfp_fakeNetlifyToken000000000000000000"
SITE_ID = "3970e0fe-8564-4903-9a55-c5f8de49fb8b"
SITE_NAME = "vibe-demo"
HOOK_NAME = "vibe-deploy-gate"  # the build hook's name in the Netlify UI: the hook build's INCOMING_HOOK_TITLE
CANCELED = "Canceled build due to no content change"  # forem/forem#12108, dandi/dandi-archive#1083
STAMP = "%Y-%m-%dT%H:%M:%S.000Z"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def rate_limited(reset_in: int, now: float | None = None) -> tuple[int, dict[str, str]]:
    """An API fault as Netlify answers past its limit: 429 and X-RateLimit-* (epoch seconds), no Retry-After
    (docs.netlify.com/api/get-started/#rate-limiting). Its Date is the second the reset counts from, as a
    server's own clock gives both: the wait an answer asks for is then exactly `reset_in`, however long the
    request took to arrive."""
    sent = int(time.time() if now is None else now)
    return 429, {
        "X-RateLimit-Limit": "500",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(sent + reset_in),
        "Date": formatdate(sent, usegmt=True),
    }


def ignore_command(text: str) -> str | None:
    """`[build] ignore` of a netlify.toml, read as TOML (Python 3.11+); on 3.10, which has no tomllib, with the
    package's own rough reader (the suite's claim about Netlify is then only as good as that reader)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        from vibe_action.hosts.netlify.recipe import ignore_command as rough

        return rough(text)
    try:
        command = tomllib.loads(text).get("build", {}).get("ignore")
    except tomllib.TOMLDecodeError:
        return None  # Netlify fails such a build; no test here commits a broken netlify.toml
    return command if isinstance(command, str) else None


@cache
def contract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONTRACT.read_text())
    return data


def _operation(method: str, path: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    spec = contract()
    for template, item in spec["paths"].items():
        # A file's path keeps its '/' (netlify-cli sends encodeURI(path)); every other parameter is one segment.
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", re.sub(r"\{(?:path|file_path)\}$", ".+", template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            operation = item[method.lower()]
            return operation, [*item.get("parameters", []), *operation.get("parameters", [])]
    return None


def _check_body(request: Request, parameters: list[dict[str, Any]]) -> str:
    """A JSON body against the operation's body schema (Swagger 2.0's schemas are JSON Schema draft 4); a file's
    bytes (`file_body`, a binary string) need only arrive."""
    body = next((p for p in parameters if p.get("in") == "body"), None)
    data = request.get_data()
    if body is None or body.get("schema", {}).get("format") == "binary" or body["name"] == "file_body":
        return ""
    if not data:
        return f"the body {body['name']!r} is required" if body.get("required") else ""
    if request.mimetype != "application/json":
        return f"a JSON body sent as {request.mimetype!r}"
    try:
        document = json.loads(data)
    except ValueError:
        return "the body is not JSON"
    errors = sorted(Draft4Validator(body.get("schema", {})).iter_errors(document), key=str)
    return f"body: {errors[0].message}" if errors else ""


def _check_value(value: str, parameter: dict[str, Any]) -> str:
    kind = parameter.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"{parameter['name']}={value!r} is not an integer"
    if kind == "boolean" and value not in ("true", "false"):
        return f"{parameter['name']}={value!r} is not a boolean"
    if "enum" in parameter and value not in parameter["enum"]:
        return f"{parameter['name']}={value!r} is not one of {parameter['enum']}"
    return ""


@dataclass
class HookFault:
    """What the hook does with the next POST: answer `status` (with headers), or accept then hang."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering, after the build was started
    starts_build: bool = False  # a 5xx answered after the build was started (the edge gave up on the origin)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: dict[str, str]


@dataclass
class FakeNetlify:
    hook_id: str = "5f0a1b2c3d4e5f6a7b8c9d0e"
    head_sha: str = ""  # what a hook build checks out: the branch head (set by tests)
    final_state: str = "ready"  # what a new build ends as
    stop_builds: bool = False  # the site's "Stop builds" switch: hooks then start nothing
    error_message: str = ""
    polls_until_final: int = 2
    hook_faults: list[HookFault] = field(default_factory=list)
    api_faults: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    deploys: list[dict[str, Any]] = field(default_factory=list)  # newest first
    published_id: str | None = None
    log: list[Seen] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    polls: dict[str, int] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # Netlify's retention: deploys older than this are deleted, except the published one, the newest
    # production deploy and the newest deploy of each branch (None: nothing is ever deleted).
    retention_days: float | None = None
    exact_commit_recipe: bool = False  # the build checks out the hook body's sha (docs/netlify.md recipe)
    allowed_branches: list[str] = field(default_factory=lambda: ["main"])
    expired: list[str] = field(default_factory=list)  # ids Netlify's retention deleted
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], datetime] = utc_now  # Netlify's clock: creation times, the listing lag, retention
    listing_lag: float = 0.0  # seconds before a new build's deploy is listed or found by id
    repo: Path | None = None  # the linked repository: pushes build, every build runs its `ignore` command
    production_branch: str = "main"
    ignore_runs: list[dict[str, str]] = field(default_factory=list)  # the environment of each `ignore` run
    build_variables: dict[str, str] = field(default_factory=dict)  # the site's environment variables (Netlify UI)
    visible_at: dict[str, datetime] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)  # the site's files by SHA-1: sent once, kept
    manifests: dict[str, dict[str, str]] = field(default_factory=dict)  # deploy id -> its file digest
    required: dict[str, set[str]] = field(default_factory=dict)  # deploy id -> SHA-1s still to come
    upload_faults: list[int] = field(default_factory=list)  # statuses the next file PUTs answer
    create_answer_lost: int = 0  # this many deploy creations are made, then answered 502

    # ------------------------------------------------------------------ helpers for tests

    @property
    def hook_posts(self) -> list[Seen]:
        return [s for s in self.log if s.path.startswith("/build_hooks/")]

    def api(self, method: str | None = None, contains: str = "") -> list[Seen]:
        return [
            s
            for s in self.log
            if s.path.startswith("/api/v1") and (method is None or s.method == method) and contains in s.path
        ]

    def seed(
        self,
        count: int,
        *,
        context: str = "production",
        age_days: float = 30,
        title: str = "Deploy from git",
        state: str = "ready",
        locked: bool = False,
        commit_ref: str = "",
    ) -> list[str]:
        """`count` finished deploys, oldest `age_days` old, as if made before the gate existed."""
        made = []
        for index in range(count):
            created = self.now - timedelta(days=age_days) + timedelta(minutes=index)
            made.append(self._new_deploy(title, commit_ref or f"{index:040x}", context, created, state, locked)["id"])
        return made

    def get(self, deploy_id: str) -> dict[str, Any]:
        return next(d for d in self.deploys if d["id"] == deploy_id)

    def push(self, sha: str, branch: str = "main") -> dict[str, Any]:
        """A push to the linked repository: Netlify builds it (its title is the commit's subject)."""
        assert self.repo is not None, "push() needs a linked repository (repo=...)"
        subject = subprocess.run(
            ["git", "log", "-1", "--format=%s", sha], cwd=self.repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        return self._build(subject, branch, commit=sha)

    @property
    def cancelled(self) -> list[dict[str, Any]]:
        return [d for d in self.deploys if d["error_message"] == CANCELED]

    # ------------------------------------------------------------------ state

    def _new_deploy(
        self,
        title: str,
        commit_ref: str,
        context: str,
        created: datetime,
        state: str,
        locked: bool = False,
        branch: str = "main",
    ) -> dict[str, Any]:
        self.counter += 1
        ident = f"{self.counter:08x}{'d' * 16}"
        deploy = {
            "id": ident,
            "site_id": SITE_ID,
            "name": SITE_NAME,
            "state": state,
            "title": title,
            "commit_ref": commit_ref,
            "branch": branch,
            "context": context,
            "locked": locked,
            "created_at": created.strftime(STAMP),
            "updated_at": created.strftime(STAMP),
            "published_at": None,
            "error_message": None,
            "deploy_url": f"http://{ident}--{SITE_NAME}.netlify.app",
            "deploy_ssl_url": f"https://{ident}--{SITE_NAME}.netlify.app",
        }
        self.deploys.insert(0, deploy)
        self.deploys.sort(key=lambda d: d["created_at"], reverse=True)
        return deploy

    def _build(
        self,
        title: str,
        branch: str,
        body: bytes = b"",
        *,
        commit: str = "",
        hook: bool = False,
        hook_url: str = "",
    ) -> dict[str, Any]:
        """A new build's deploy; on a linked site, its `ignore` command runs first and may cancel it. The command
        runs outside the lock: a build may ask the API about itself (the `trigger: api` recipe does)."""
        with self.lock:
            commit = commit or self.head_sha or self._branch_head(branch)
            if self.exact_commit_recipe and body:
                commit = str(json.loads(body).get("sha") or commit)
            context = "production" if branch == self.production_branch else "branch-deploy"
            created = self.clock()
            deploy = self._new_deploy(title, commit, context, created, "building", branch=branch)
            self.visible_at[deploy["id"]] = created + timedelta(seconds=self.listing_lag)
        incoming = (
            {"INCOMING_HOOK_TITLE": HOOK_NAME, "INCOMING_HOOK_URL": hook_url, "INCOMING_HOOK_BODY": body.decode()}
            if hook
            else {}
        )
        cancelled = self._ignored(deploy, incoming)
        with self.lock:
            if cancelled:
                deploy.update(state="error", error_message=CANCELED)
            else:
                self.polls[deploy["id"]] = 0
        return deploy

    def _branch_head(self, branch: str) -> str:
        if self.repo is None:
            return ""
        done = subprocess.run(
            ["git", "rev-parse", "-q", "--verify", f"refs/heads/{branch}"],
            cwd=self.repo,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()

    def _ignored(self, deploy: dict[str, Any], incoming: dict[str, str]) -> bool:
        """Run the commit's netlify.toml `ignore` command as Netlify does; exit 0 means cancel the build."""
        if self.repo is None or not deploy["commit_ref"]:
            return False
        shown = subprocess.run(
            ["git", "show", f"{deploy['commit_ref']}:netlify.toml"], cwd=self.repo, capture_output=True, check=False
        )
        command = ignore_command(shown.stdout.decode()) if shown.returncode == 0 else None
        if command is None:
            return False
        cached = next(
            (d["commit_ref"] for d in self.deploys if d["state"] == "ready" and d["branch"] == deploy["branch"]),
            deploy["commit_ref"],
        )
        build_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "NETLIFY": "true",
            "BRANCH": deploy["branch"],
            "HEAD": deploy["branch"],
            "COMMIT_REF": deploy["commit_ref"],
            "CACHED_COMMIT_REF": cached,
            "CONTEXT": deploy["context"],
            "DEPLOY_ID": deploy["id"],
            "BUILD_ID": f"b{deploy['id']}",
            "SITE_ID": SITE_ID,
            "SITE_NAME": SITE_NAME,
            "PULL_REQUEST": "false",
            **self.build_variables,
            **incoming,
        }
        self.ignore_runs.append(build_env)
        with tempfile.TemporaryDirectory() as checkout:
            subprocess.run(
                ["git", "worktree", "add", "-q", "--detach", checkout, deploy["commit_ref"]],
                cwd=self.repo,
                capture_output=True,
                check=True,
            )
            try:
                ran = subprocess.run(
                    ["sh", "-c", command], cwd=checkout, env={**build_env, "HOME": checkout}, check=False, timeout=60
                )
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", checkout], cwd=self.repo, check=False)
        return ran.returncode == 0

    def _visible(self, deploy: dict[str, Any]) -> bool:
        return self.clock() >= self.visible_at.get(deploy["id"], deploy_time(deploy))

    def expire(self) -> None:
        """Netlify's retention job: delete what is past `retention_days` and not kept for a reason."""
        if self.retention_days is None:
            return
        kept = {self.published_id}
        production = [d for d in self.deploys if d["context"] == "production"]
        if production:
            kept.add(production[0]["id"])  # newest first
        for branch in {d["branch"] for d in self.deploys}:
            kept.add(next(d["id"] for d in self.deploys if d["branch"] == branch))
        limit = self.clock() - timedelta(days=self.retention_days)
        for deploy in list(self.deploys):
            if deploy_time(deploy) < limit and deploy["id"] not in kept:
                self.deploys.remove(deploy)
                self.expired.append(deploy["id"])

    def _advance(self, deploy: dict[str, Any]) -> None:
        """Each look at a building deploy brings it closer to its end state."""
        if deploy["id"] in self.manifests:
            self._advance_upload(deploy)
            return
        if deploy["id"] not in self.polls or deploy["state"] != "building":
            return
        self.polls[deploy["id"]] += 1
        if self.polls[deploy["id"]] >= self.polls_until_final:
            deploy["state"] = self.final_state
            if self.final_state == "error":
                deploy["error_message"] = self.error_message or "Build script returned non-zero exit code: 2"
            elif not self._published_locked():
                deploy["published_at"] = deploy["created_at"]
                self.published_id = deploy["id"]

    def _published_locked(self) -> bool:
        return self.published_id is not None and self.get(self.published_id)["locked"]

    # ------------------------------------------------------------------ server

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.log.append(
                Seen(
                    request.method, request.path, dict(request.args), request.get_data(), dict(request.headers.items())
                )
            )
        if request.path.startswith("/build_hooks/"):
            return self._hook(request)
        if not request.path.startswith("/api/v1/"):
            self.violations.append(f"{request.method} {request.path}: not a Netlify URL")
            return _json({"message": "Not Found"}, 404)
        path = request.path[len("/api/v1") :]
        found = _operation(request.method, path)
        if found is None:
            self.violations.append(f"{request.method} {path}: not in the Netlify API description")
            return _json({"message": "Not Found"}, 404)
        _, parameters = found
        problem = _check_body(request, parameters)
        if problem:
            self.violations.append(f"{request.method} {path}: {problem}")
            return _json({"message": problem}, 400)
        declared = {p["name"]: p for p in parameters if p.get("in") == "query"}
        for name, value in request.args.items():
            problem = _check_value(value, declared[name]) if name in declared else f"undeclared query {name!r}"
            if problem:
                self.violations.append(f"{request.method} {path}: {problem}")
                return _json({"message": problem}, 400)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _json({"code": 401, "message": "Access Denied: Invalid token"}, 401)
        faults = self.api_faults.get((request.method, path.split("/")[-1]))
        if faults:
            status, headers = faults.pop(0)
            response = _json({"code": status, "message": "injected"}, status)
            response.headers.update(headers)
            return response
        if path == f"/sites/{SITE_ID}/builds" and request.method == "POST":
            return self._api_build(request)  # takes the lock itself, around the build's `ignore` command
        with self.lock:
            uploaded = self._api_upload(request, path)
            if uploaded is not None:
                return uploaded
            self.expire()
            return self._api(request, path)

    def _hook(self, request: Request) -> Response:
        if request.path != f"/build_hooks/{self.hook_id}":
            return Response("Not Found", status=404)
        fault = self.hook_faults.pop(0) if self.hook_faults else HookFault()
        if fault.status >= 300 and not fault.starts_build:
            return Response("", status=fault.status, headers=fault.headers)
        self._build(
            request.args.get("trigger_title", f"Deploy triggered by hook: {HOOK_NAME}"),
            request.args.get("trigger_branch", self.production_branch),
            request.get_data(),
            hook=True,
            hook_url=request.base_url,
        )
        if fault.hang:
            time.sleep(fault.hang)
        return Response("", status=fault.status, headers=fault.headers)

    def _api(self, request: Request, path: str) -> Response:
        site = f"/sites/{SITE_ID}"
        if path == site and request.method == "GET":
            published = self.get(self.published_id) if self.published_id else None
            return _json(
                {
                    "id": SITE_ID,
                    "name": SITE_NAME,
                    "url": f"https://{SITE_NAME}.netlify.app",
                    "published_deploy": published,
                    "build_settings": {"stop_builds": self.stop_builds, "allowed_branches": self.allowed_branches},
                },
                200,
            )
        if path == f"{site}/deploys" and request.method == "GET":
            listed = [d for d in self.deploys if self._visible(d)]
            for deploy in listed:
                self._advance(deploy)
            per_page = int(request.args.get("per_page", 100))
            page = int(request.args.get("page", 1))
            return _json(listed[(page - 1) * per_page : page * per_page], 200)
        match = re.fullmatch(rf"(?:{site})?/deploys/([^/]+)", path)
        if match and request.method == "GET" and not path.startswith(site):  # getDeploy, without the site
            found = [d for d in self.deploys if d["id"] == match.group(1) and self._visible(d)]
            if found:
                self._advance(found[0])
            return _json(found[0], 200) if found else _json({"code": 404, "message": "Not Found"}, 404)
        match = re.fullmatch(rf"{site}/deploys/([^/]+)(/restore)?", path)
        if match and any(d["id"] == match.group(1) and self._visible(d) for d in self.deploys):
            deploy = self.get(match.group(1))
            if request.method == "GET":
                self._advance(deploy)
                return _json(deploy, 200)
            if request.method == "POST" and match.group(2):
                self.published_id = deploy["id"]
                deploy["published_at"] = self.clock().strftime(STAMP)
                return _json(deploy, 200)
            if request.method == "DELETE":
                if deploy["id"] == self.published_id:
                    return _json({"code": 422, "message": "Can't delete the published deploy"}, 422)
                self.deploys.remove(deploy)
                return Response(status=204)
        match = re.fullmatch(r"/deploys/([^/]+)/(lock|unlock)", path)
        if match and request.method == "POST" and any(d["id"] == match.group(1) for d in self.deploys):
            self.get(match.group(1))["locked"] = match.group(2) == "lock"
            return _json(self.get(match.group(1)), 200)
        return _json({"code": 404, "message": "Not Found"}, 404)

    def _api_upload(self, request: Request, path: str) -> Response | None:
        """The three requests of an upload; None for any other."""
        site = f"/sites/{SITE_ID}"
        if path == f"{site}/deploys" and request.method == "POST":
            body = json.loads(request.get_data() or b"{}")
            draft, branch = bool(body.get("draft")), body.get("branch")
            context = "draft" if draft else "branch-deploy" if branch else "production"
            deploy = self._new_deploy(request.args.get("title", ""), "", context, self.clock(), "new")
            deploy["branch"] = branch or self.production_branch
            self.manifests[deploy["id"]], self.required[deploy["id"]] = {}, set()
            if self.create_answer_lost:
                self.create_answer_lost -= 1
                return _json({"message": "Bad Gateway"}, 502)
            return _json(deploy, 200)
        match = re.fullmatch(rf"{site}/deploys/([^/]+)", path)
        if match and request.method == "PUT":
            deploy = self.get(match.group(1))
            body = json.loads(request.get_data())
            self.manifests[deploy["id"]] = dict(body["files"])
            self.required[deploy["id"]] = {sha for sha in body["files"].values() if sha not in self.blobs}
            deploy["state"] = "preparing" if body.get("async") else "uploading"
            self._settle(deploy)
            return _json(deploy, 200)
        match = re.fullmatch(r"/deploys/([^/]+)/files/(.+)", path)
        if match and request.method == "PUT":
            if self.upload_faults:
                return _json({"message": "injected"}, self.upload_faults.pop(0))
            deploy_id, served = match.group(1), "/" + match.group(2)
            data = request.get_data()
            expected = self.manifests.get(deploy_id, {}).get(served)
            if expected is None or hashlib.sha1(data).hexdigest() != expected:  # noqa: S324 — Netlify's file key
                return _json({"code": 422, "message": f"{served} is not in the deploy's file digest"}, 422)
            self.blobs[expected] = data
            self.required[deploy_id].discard(expected)
            self._settle(self.get(deploy_id))
            return _json({"id": expected, "path": served, "sha": expected, "size": len(data)}, 200)
        return None

    def _settle(self, deploy: dict[str, Any]) -> None:
        """An upload whose files are all in is processed; the next look finds it ready (or `final_state`).
        `required` is shown once the digest is diffed (at once, or when an async deploy is `prepared`)."""
        if deploy["state"] in ("uploading", "prepared") and not self.required[deploy["id"]]:
            deploy["state"] = "processing"
        shown = deploy["state"] in ("uploading", "prepared")
        deploy["required"] = sorted(self.required[deploy["id"]]) if shown else []

    def _advance_upload(self, deploy: dict[str, Any]) -> None:
        if deploy["state"] == "preparing":
            deploy["state"] = "prepared"
            self._settle(deploy)
        elif deploy["state"] == "processing":
            deploy["state"] = self.final_state
            if self.final_state == "error":
                deploy["error_message"] = self.error_message or "Failed to process the deploy's files"
            elif deploy["context"] == "production" and not self._published_locked():
                deploy["published_at"] = self.clock().strftime(STAMP)
                self.published_id = deploy["id"]

    def _api_build(self, request: Request) -> Response:
        """createSiteBuild: title, branch and clear_cache are query parameters (the Swagger description); an API
        build gets none of the INCOMING_HOOK_* variables."""
        deploy = self._build(request.args.get("title", ""), request.args.get("branch", self.production_branch))
        build = {
            "id": f"b{deploy['id']}",
            "deploy_id": deploy["id"],
            "sha": deploy["commit_ref"],
            "done": False,
            "created_at": deploy["created_at"],
        }
        return _json(build, 200)


def deploy_time(deploy: dict[str, Any]) -> datetime:
    return datetime.strptime(deploy["created_at"], STAMP).replace(tzinfo=timezone.utc)


def _json(data: Any, status: int) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")

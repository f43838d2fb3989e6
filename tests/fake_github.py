"""A local GitHub REST API for the tests: in-memory state, real HTTP, every request checked against the contract.

It serves what the action calls — deployments and their statuses, check runs, commit statuses, issue comments —
behaves like GitHub where it matters (newest-first listings, `Link` pagination, `inactive` for replaced
deployments, 403 "Resource not accessible by integration" for a read-only token) and enforces the documented
limits (50 annotations a request, 65,535-byte check output, 140-character status descriptions). Each request is
validated against GitHub's published OpenAPI description (tests/contracts/github-rest-subset.json) with
openapi-core; anything that does not conform is recorded in `violations` and answered 400, and unknown routes
are answered 404 and recorded too. Tests assert `violations == []`.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from openapi_core import Config as OpenAPIConfig
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

CONTRACT = Path(__file__).parent / "contracts" / "github-rest-subset.json"
# /git/refs is not in the shared subset: a supplement written from GitHub's documentation (see its info).
GIT_REFS_CONTRACT = Path(__file__).parent / "contracts" / "github-git-refs.json"
READ_ONLY_TOKEN = "ghs_readonly_fork_token_0000000000000000"
NOT_ACCESSIBLE = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com/rest",
}


@cache
def contract() -> OpenAPI:
    # The published description has vendor quirks a strict spec validator rejects; requests are still checked.
    spec = json.loads(CONTRACT.read_text())
    spec["paths"].update(json.loads(GIT_REFS_CONTRACT.read_text())["paths"])
    return OpenAPI.from_dict(spec, config=OpenAPIConfig(spec_validator_cls=None))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    token: str

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass
class FakeGitHub:
    repository: str = "octo-org/vibe-demo"
    prefix: str = ""  # "/api/v3" for a GitHub Enterprise Server style base URL
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc))
    forbidden: set[str] = field(default_factory=set)  # write surfaces answered 403: check-runs, statuses, ...
    faults: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)  # (method, surface) -> next statuses
    log: list[Seen] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    deployments: dict[int, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    commit_statuses: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # refs/heads/<branch> -> sha
    next_id: int = 1000
    # What GitHub's automatic `inactive` status (auto_inactive, default true) carries. Not documented; users
    # report it has no environment_url (nwtgck/actions-netlify#726). "copy": the older status's URL and
    # description; "bare": neither; "worded": no URL and GitHub's own words as the description.
    auto_inactive: str = "copy"
    # GitHub without a token: 60 requests an hour per IP, then 403 "API rate limit exceeded" with
    # x-ratelimit-remaining: 0 (docs: "Rate limits for the REST API"). None: no limit modelled.
    unauthenticated_limit: int | None = 60
    unauthenticated_used: int = 0
    # The repository's history, as GitHub keeps its copy: compare and get-a-commit answer from this git
    # repository (the test's workspace). None: they answer 404, as GitHub does for commits it does not have.
    history: Path | None = None

    # ------------------------------------------------------------------ helpers for tests

    def requests(self, method: str | None = None, contains: str = "") -> list[Seen]:
        return [s for s in self.log if (method is None or s.method == method) and contains in s.path]

    @property
    def writes(self) -> list[Seen]:
        return [s for s in self.log if s.is_write]

    def seed_deployment(
        self,
        sha: str,
        scores: dict[str, float],
        states: list[str],
        environment: str = "production",
        created_at: datetime | None = None,
        ours: bool = True,
        branch: str = "main",
        count_before: int | None = None,
    ) -> int:
        """A deployment as an earlier run of the action would have left it (with the month's count before it)."""
        data: dict[str, Any] = {"version": 1, "branch": branch, "scores": scores}
        if count_before is not None:
            data.update(month=(created_at or self.now).strftime("%Y-%m"), month_spent_before=count_before)
        payload: dict[str, Any] = {"vibe_deploy_gate": data} if ours else {}
        ident = self._new_deployment(
            sha,
            "deploy:vibe-gate" if ours else "deploy",
            payload,
            environment,
            created_at or self.now - timedelta(days=1),
        )
        for state in states:
            self._new_status(ident, {"state": state, "description": "seeded"})
        return ident

    def seed_comments(self, number: int, count: int, marker_at: int | None = None, marker: str = "") -> None:
        for index in range(count):
            body = f"{marker}\nold report" if index == marker_at else f"comment {index}"
            self.comments.setdefault(number, []).append(self._comment(number, body))

    def latest_state(self, deployment_id: int) -> str:
        return max(self.statuses[deployment_id], key=lambda s: s["id"])["state"]

    # ------------------------------------------------------------------ server

    def __call__(self, request: Request) -> Response:
        path = request.path
        if self.prefix:
            if not path.startswith(self.prefix):
                return self._unknown(request)
            path = path[len(self.prefix) :]
        body = request.get_json(silent=True) if request.data else None
        auth = request.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        self.log.append(Seen(request.method, path, dict(request.args), body, token))
        if not token and self.unauthenticated_limit is not None:
            self.unauthenticated_used += 1
            if self.unauthenticated_used > self.unauthenticated_limit:
                return _rate_limited(self.unauthenticated_limit)
        problem = self._validate(request, path)
        if problem:
            self.violations.append(f"{request.method} {path}: {problem}")
            return _json({"message": f"contract violation: {problem}"}, 400)
        if request.method != "GET" and token == READ_ONLY_TOKEN:
            return _json(NOT_ACCESSIBLE, 403)
        base = request.host_url.rstrip("/") + self.prefix + f"/repos/{self.repository}"
        repo_path = f"/repos/{self.repository}"
        if not path.startswith(repo_path):
            return self._unknown(request)
        route = path[len(repo_path) :]
        for pattern, method, handler in self._routes():
            match = re.fullmatch(pattern, route)
            if match and request.method == method:
                surface = route.strip("/").split("/")[0]
                if request.method != "GET" and surface in self.forbidden:
                    return _json(NOT_ACCESSIBLE, 403)
                injected = self.faults.get((request.method, surface))
                status = injected.pop(0) if injected else None  # None in the list: this one goes through
                if status is not None:
                    return _json({"message": "injected fault"}, status)
                result: Response = handler(request, base, body, *match.groups())
                return result
        return self._unknown(request)

    def _unknown(self, request: Request) -> Response:
        self.violations.append(f"{request.method} {request.path}: no such route in the fake (or the contract)")
        return _json({"message": "Not Found"}, 404)

    def _validate(self, request: Request, path: str) -> str:
        ref = re.fullmatch(r"(/repos/[^/]+/[^/]+/git/ref/)(.+)", path)
        if ref:  # GitHub's {ref} spans slashes (heads/versions/v3); the validator's paths are single segments
            if not re.fullmatch(r"(heads|tags)/[^\s]+", ref.group(2)):
                return f"{ref.group(2)!r} is not heads/<branch> or tags/<tag>"
            path = ref.group(1) + "REF"
        query = urlencode(list(request.args.items(multi=True)))
        data = request.get_data()
        builder = EnvironBuilder(
            method=request.method,
            base_url="https://api.github.com",
            path=path,
            query_string=query,
            data=data,
            content_type=request.content_type if data else None,
        )
        try:
            contract().validate_request(WerkzeugOpenAPIRequest(Request(builder.get_environ())))
        except Exception as exc:  # openapi-core raises a family of errors; all mean "does not conform"
            cause = exc.__cause__ or exc
            return f"{type(exc).__name__}: {cause}"
        return ""

    def _routes(self) -> list[tuple[str, str, Any]]:
        return [
            (r"/deployments", "GET", self._list_deployments),
            (r"/deployments", "POST", self._create_deployment),
            (r"/deployments/(\d+)/statuses", "GET", self._list_statuses),
            (r"/deployments/(\d+)/statuses", "POST", self._create_status),
            (r"/check-runs", "POST", self._create_check_run),
            (r"/check-runs/(\d+)", "PATCH", self._update_check_run),
            (r"/statuses/([0-9a-f]{7,40})", "POST", self._create_commit_status),
            (r"/issues/(\d+)/comments", "GET", self._list_comments),
            (r"/issues/(\d+)/comments", "POST", self._create_comment),
            (r"/issues/comments/(\d+)", "PATCH", self._update_comment),
            (r"/git/refs", "POST", self._create_ref),
            (r"/git/ref/heads/(.+)", "GET", self._get_ref),
            (r"/compare/([0-9a-f]{7,40})\.\.\.([0-9a-f]{7,40})", "GET", self._compare),
            (r"/commits/([0-9a-f]{7,40})", "GET", self._get_commit),
        ]

    # ------------------------------------------------------------------ history (compare, get a commit)

    def _git(self, *args: str) -> str | None:
        if self.history is None:
            return None
        done = subprocess.run(["git", *args], cwd=self.history, capture_output=True, text=True, check=False)
        return done.stdout if done.returncode == 0 else None

    def _commit_json(self, base: str, sha: str) -> dict[str, Any]:
        """A commit as GitHub lists it: its sha, parents and committer date (GitHub's `commit` schema)."""
        line = self._git("show", "-s", "--format=%H %P%n%cI%n%s", sha) or ""
        ids, date, message = ([*line.splitlines(), "", "", ""])[:3]
        full, *parents = ids.split()
        when = datetime.fromisoformat(date).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        person = {"name": "t", "email": "t@example.invalid", "date": when}
        return {
            "sha": full,
            "url": f"{base}/commits/{full}",
            "commit": {"author": person, "committer": person, "message": message},
            "parents": [{"sha": p, "url": f"{base}/commits/{p}"} for p in parents],
        }

    def _compare(self, request: Request, base: str, body: Any, older: str, newer: str) -> Response:
        """GitHub's "Compare two commits": the commits reachable from the head and not from the base, oldest
        first (as `git rev-list --reverse base..head`), 250 a page, with their total."""
        listed = self._git("rev-list", "--reverse", f"{older}..{newer}")
        if listed is None:
            return _json({"message": "Not Found"}, 404)
        shas = listed.split()
        page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 250))
        shown = shas[(page - 1) * per_page : page * per_page]
        answer = {
            "status": "ahead" if shas else "identical",
            "ahead_by": len(shas),
            "behind_by": 0,
            "total_commits": len(shas),
            "commits": [self._commit_json(base, sha) for sha in shown],
            "files": [],
        }
        return _json(answer, 200)

    def _get_commit(self, request: Request, base: str, body: Any, sha: str) -> Response:
        """GitHub's "Get a commit", with the files it changed (`git show --name-status`)."""
        changed = self._git("show", "--format=", "--name-status", "--no-renames", sha)
        if changed is None:
            return _json({"message": "No commit found for SHA: " + sha}, 422)
        files = [
            {"filename": name, "status": {"A": "added", "D": "removed"}.get(flag, "modified")}
            for flag, name in (line.split("\t", 1) for line in changed.splitlines() if "\t" in line)
        ]
        return _json({**self._commit_json(base, sha), "files": files}, 200)

    # ------------------------------------------------------------------ git refs (version branches)

    def _create_ref(self, request: Request, base: str, body: Any) -> Response:
        name = body["ref"]
        if name in self.refs:
            return _json({"message": "Reference already exists", "status": "422"}, 422)
        self.refs[name] = body["sha"]
        return _json({"ref": name, "object": {"sha": body["sha"], "type": "commit"}, "url": f"{base}/git/{name}"}, 201)

    def _get_ref(self, request: Request, base: str, body: Any, branch: str) -> Response:
        name = f"refs/heads/{branch}"
        if name not in self.refs:
            return _json({"message": "Not Found"}, 404)
        found = {"ref": name, "object": {"sha": self.refs[name], "type": "commit"}, "url": f"{base}/git/{name}"}
        return _json(found, 200)

    # ------------------------------------------------------------------ deployments

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _stamp(self, when: datetime | None = None) -> str:
        return (when or self.now).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _new_deployment(self, sha: str, task: str, payload: Any, environment: str, created: datetime) -> int:
        ident = self._id()
        self.deployments[ident] = {
            "id": ident,
            "node_id": f"DE_{ident}",
            "sha": sha,
            "ref": sha,
            "task": task,
            "payload": payload,
            "original_environment": environment,
            "environment": environment,
            "description": None,
            "creator": None,
            "created_at": self._stamp(created),
            "updated_at": self._stamp(created),
            "transient_environment": False,
            "production_environment": environment == "production",
        }
        self.statuses[ident] = []
        return ident

    def _deployment_json(self, base: str, ident: int) -> dict[str, Any]:
        url = f"{base}/deployments/{ident}"
        return {**self.deployments[ident], "url": url, "statuses_url": f"{url}/statuses", "repository_url": base}

    def _list_deployments(self, request: Request, base: str, body: Any) -> Response:
        found = [
            d
            for d in self.deployments.values()
            if all(request.args.get(key) in (None, d[key]) for key in ("sha", "ref", "task", "environment"))
        ]
        found.sort(key=lambda d: d["id"], reverse=True)
        return self._page(request, [self._deployment_json(base, d["id"]) for d in found])

    def _create_deployment(self, request: Request, base: str, body: dict[str, Any]) -> Response:
        if body.get("auto_merge") is not False or body.get("required_contexts") != []:
            return _json({"message": "the action must send auto_merge: false and required_contexts: []"}, 422)
        ident = self._new_deployment(
            body["ref"],
            body.get("task", "deploy"),
            body.get("payload", {}),
            body.get("environment", "production"),
            self.now,
        )
        self.deployments[ident]["description"] = body.get("description")
        return _json(self._deployment_json(base, ident), 201)

    def _new_status(self, ident: int, body: dict[str, Any], base: str = "") -> dict[str, Any]:
        status_id = self._id()
        status = {
            "id": status_id,
            "node_id": f"DES_{status_id}",
            "state": body["state"],
            "description": body.get("description", ""),
            "environment": self.deployments[ident]["environment"],
            "environment_url": body.get("environment_url", ""),
            "log_url": body.get("log_url", ""),
            "target_url": body.get("log_url", body.get("target_url", "")),
            "creator": None,
            "created_at": self._stamp(),
            "updated_at": self._stamp(),
            "url": f"{base}/deployments/{ident}/statuses/{status_id}",
            "deployment_url": f"{base}/deployments/{ident}",
            "repository_url": base,
        }
        if body["state"] == "success" and body.get("auto_inactive", True):
            env = self.deployments[ident]["environment"]
            for other, history in self.statuses.items():  # GitHub marks earlier live deployments inactive
                if (
                    other != ident
                    and history
                    and self.deployments[other]["environment"] == env
                    and self.latest_state(other) == "success"
                ):
                    history.append(self._auto_inactive(history[-1]))
        self.statuses[ident].append(status)
        return status

    def _auto_inactive(self, older: dict[str, Any]) -> dict[str, Any]:
        status_id = self._id()
        made = {**older, "id": status_id, "node_id": f"DES_{status_id}", "state": "inactive"}
        if self.auto_inactive != "copy":
            made.update(environment_url="", log_url="", target_url="")
            made["description"] = "" if self.auto_inactive == "bare" else "Deployment inactive: superseded"
        return made

    def _list_statuses(self, request: Request, base: str, body: Any, ident: str) -> Response:
        if int(ident) not in self.deployments:
            return _json({"message": "Not Found"}, 404)
        found = sorted(self.statuses[int(ident)], key=lambda s: s["id"], reverse=True)
        return self._page(request, found)

    def _create_status(self, request: Request, base: str, body: dict[str, Any], ident: str) -> Response:
        if len(body.get("description") or "") > 140:
            return _json({"message": "description is too long (maximum is 140 characters)"}, 422)
        return _json(self._new_status(int(ident), body, base), 201)

    # ------------------------------------------------------------------ checks and statuses

    def _check_output_problem(self, output: dict[str, Any] | None) -> str:
        if not output:
            return ""
        if len(output.get("annotations") or []) > 50:
            return "only 50 annotations are allowed per request"
        for key in ("summary", "text"):
            if len((output.get(key) or "").encode()) > 65535:
                return f"output.{key} is longer than 65535 bytes"
        if len(output.get("title") or "") > 255:
            return "output.title is longer than 255 characters"
        return ""

    def _check_json(self, base: str, run: dict[str, Any]) -> dict[str, Any]:
        ident = run["id"]
        output = {**run["output"], "annotations_count": len(run["annotations"]), "annotations_url": ""}
        return {
            **{k: v for k, v in run.items() if k != "annotations"},
            "url": f"{base}/check-runs/{ident}",
            "html_url": f"https://github.com/{self.repository}/runs/{ident}",
            "output": output,
        }

    def _create_check_run(self, request: Request, base: str, body: dict[str, Any]) -> Response:
        problem = self._check_output_problem(body.get("output"))
        if problem:
            return _json({"message": problem}, 422)
        ident = self._id()
        output = dict(body.get("output") or {})
        annotations = output.pop("annotations", [])
        self.check_runs[ident] = {
            "id": ident,
            "node_id": f"CR_{ident}",
            "name": body["name"],
            "head_sha": body["head_sha"],
            "status": body.get("status", "queued"),
            "conclusion": body.get("conclusion"),
            "details_url": body.get("details_url"),
            "started_at": self._stamp(),
            "completed_at": self._stamp(),
            "output": output,
            "annotations": list(annotations),
        }
        return _json(self._check_json(base, self.check_runs[ident]), 201)

    def _update_check_run(self, request: Request, base: str, body: dict[str, Any], ident: str) -> Response:
        problem = self._check_output_problem(body.get("output"))
        if problem:
            return _json({"message": problem}, 422)
        run = self.check_runs[int(ident)]
        output = dict(body.get("output") or {})
        run["annotations"].extend(output.pop("annotations", []))  # GitHub appends annotations on update
        run["output"].update(output)
        for key in ("status", "conclusion"):
            if key in body:
                run[key] = body[key]
        return _json(self._check_json(base, run), 200)

    def _create_commit_status(self, request: Request, base: str, body: dict[str, Any], sha: str) -> Response:
        if len(body.get("description") or "") > 140:
            return _json({"message": "description is too long (maximum is 140 characters)"}, 422)
        ident = self._id()
        status = {
            "id": ident,
            "node_id": f"ST_{ident}",
            "sha": sha,
            "state": body["state"],
            "description": body.get("description"),
            "target_url": body.get("target_url"),
            "context": body.get("context", "default"),
            "url": f"{base}/statuses/{sha}",
            "avatar_url": None,
            "created_at": self._stamp(),
            "updated_at": self._stamp(),
            "creator": None,
        }
        self.commit_statuses.append(status)
        return _json(status, 201)

    # ------------------------------------------------------------------ comments

    def _comment(self, number: int, body: str, base: str = "") -> dict[str, Any]:
        ident = self._id()
        return {
            "id": ident,
            "node_id": f"IC_{ident}",
            "body": body,
            "issue_number": number,
            "user": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
            "created_at": self._stamp(),
            "updated_at": self._stamp(),
            "author_association": "NONE",
        }

    def _comment_json(self, base: str, comment: dict[str, Any]) -> dict[str, Any]:
        number = comment["issue_number"]
        return {
            **{k: v for k, v in comment.items() if k != "issue_number"},
            "url": f"{base}/issues/comments/{comment['id']}",
            "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{comment['id']}",
            "issue_url": f"{base}/issues/{number}",
        }

    def _list_comments(self, request: Request, base: str, body: Any, number: str) -> Response:
        found = [self._comment_json(base, c) for c in self.comments.get(int(number), [])]  # oldest first
        return self._page(request, found)

    def _create_comment(self, request: Request, base: str, body: dict[str, Any], number: str) -> Response:
        comment = self._comment(int(number), body["body"])
        self.comments.setdefault(int(number), []).append(comment)
        return _json(self._comment_json(base, comment), 201)

    def _update_comment(self, request: Request, base: str, body: dict[str, Any], ident: str) -> Response:
        for comments in self.comments.values():
            for comment in comments:
                if comment["id"] == int(ident):
                    comment["body"] = body["body"]
                    comment["updated_at"] = self._stamp()
                    return _json(self._comment_json(base, comment), 200)
        return _json({"message": "Not Found"}, 404)

    # ------------------------------------------------------------------ pagination

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        per_page = min(int(request.args.get("per_page", 30)), 100)
        page = int(request.args.get("page", 1))
        chunk = items[(page - 1) * per_page : page * per_page]
        response = _json(chunk, 200)
        last = max(1, -(-len(items) // per_page))
        if page < last:
            args = {**request.args.to_dict(), "page": str(page + 1), "per_page": str(per_page)}
            last_args = {**args, "page": str(last)}
            url = request.base_url
            response.headers["Link"] = (
                f'<{url}?{urlencode(args)}>; rel="next", <{url}?{urlencode(last_args)}>; rel="last"'
            )
        return response


def _json(data: Any, status: int) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def _rate_limited(limit: int) -> Response:
    """GitHub's answer past the unauthenticated limit, as its docs show it (403, the x-ratelimit-* headers).
    The reset is on the wall clock (the client compares it with its own), up to an hour away."""
    response = _json(
        {
            "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests "
            "get a higher rate limit. Check out the documentation for more details.)",
            "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        },
        403,
    )
    reset = int(time.time()) + 3600
    response.headers.update(
        {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-used": str(limit),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core",
        }
    )
    return response

"""A local stand-in for Netlify, for the demo: a build hook that records each POST, and the few API calls the
gate makes (list and read deploys, read the site, restore, lock), and an upload's (make a deploy, send its file
digest, PUT the files it lacks: netlify-cli's order, as tests/fake_netlify.py plays it in full). Builds finish
at once; an upload's deploy is ready once its last file is in, and published unless it is a draft.

It listens on 127.0.0.1 on a port the OS picks, so the demo never touches the network and never collides with
another process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

SITE_ID = "demo-site"
SITE_NAME = "vibe-demo"
TOKEN = "demo-netlify-token"  # noqa: S105 — the demo's local stand-in, not a credential


def _shown(deploy: dict[str, Any]) -> dict[str, Any]:
    """A deploy as the API answers it (without the demo's own bookkeeping)."""
    return {k: v for k, v in deploy.items() if k != "digest"}


@dataclass(frozen=True)
class ReceivedPost:
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class HookReceiver:
    """`with HookReceiver() as netlify:` → `netlify.url` (the hook), `netlify.api_url`, `netlify.posts`."""

    def __init__(self, hook_id: str = "demo0000000000000000hook") -> None:
        self.hook_id = hook_id
        self.posts: list[ReceivedPost] = []
        self.deploys: list[dict[str, Any]] = []  # newest first
        self.published: str | None = None
        self.api_calls: list[str] = []
        self.files: dict[str, bytes] = {}  # sha1 -> bytes, every file uploaded to the site
        self.file_puts = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(*receiver.api("GET", self.path, self.headers.get("Authorization", "")))

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = self._body()
                if parts.path.startswith("/build_hooks/"):
                    self._answer(receiver.hook(parts.path, parse_qs(parts.query), body, dict(self.headers.items())))
                else:
                    self._answer(*receiver.api("POST", self.path, self.headers.get("Authorization", ""), body))

            def do_PUT(self) -> None:
                self._answer(*receiver.api("PUT", self.path, self.headers.get("Authorization", ""), self._body()))

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _answer(self, status: int, data: Any = None) -> None:
                payload = b"" if data is None else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the demo prints what it received itself, without the hook path."""

        return Handler

    def hook(self, path: str, query: dict[str, list[str]], body: bytes, headers: dict[str, str]) -> int:
        if path != f"/build_hooks/{self.hook_id}":
            return 404
        with self._lock:
            self.posts.append(ReceivedPost(path, query, body, headers))
            ident = f"{len(self.deploys) + 1:04d}demo{len(self.posts):04d}"
            sha = str(json.loads(body or b"{}").get("sha", ""))
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            branch = query.get("trigger_branch", ["main"])[0]  # another branch: a branch deploy, not published
            production = branch == "main"
            self.deploys.insert(
                0,
                {
                    "id": ident,
                    "state": "ready",
                    "title": query.get("trigger_title", [""])[0],
                    "commit_ref": sha,
                    "branch": branch,
                    "context": "production" if production else "branch-deploy",
                    "created_at": now,
                    "published_at": now if production else None,
                    "locked": False,
                    "deploy_ssl_url": f"https://{ident}--{SITE_NAME}.netlify.app",
                },
            )
            if production:
                self.published = ident
        return 200

    def api(self, method: str, raw_path: str, authorization: str, body: bytes = b"") -> tuple[int, Any]:
        parts_of = urlsplit(raw_path)
        path = parts_of.path.removeprefix("/api/v1")
        if authorization != f"Bearer {TOKEN}":
            return 401, {"message": "Access Denied"}
        with self._lock:
            self.api_calls.append(f"{method} {path}")
            site = f"/sites/{SITE_ID}"
            by_id = {d["id"]: d for d in self.deploys}
            uploaded = self._upload(method, path, parse_qs(parts_of.query), body, by_id)
            if uploaded is not None:
                return uploaded
            if method == "GET" and path == site:
                live = by_id.get(self.published or "")
                return 200, {"id": SITE_ID, "name": SITE_NAME, "published_deploy": _shown(live) if live else None}
            if method == "GET" and path == f"{site}/deploys":
                return 200, [_shown(d) for d in self.deploys]
            parts = path.split("/")
            if method == "GET" and path.startswith(f"{site}/deploys/") and parts[-1] in by_id:
                return 200, _shown(by_id[parts[-1]])
            if method == "POST" and path.endswith("/restore") and parts[-2] in by_id:
                self.published = parts[-2]
                return 200, _shown(by_id[parts[-2]])
            if method == "POST" and path.endswith("/lock") and parts[-2] in by_id:
                by_id[parts[-2]]["locked"] = True
                return 200, _shown(by_id[parts[-2]])
        return 404, {"message": "Not Found"}

    def _upload(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, by_id: dict[str, dict[str, Any]]
    ) -> tuple[int, Any] | None:
        """Make a deploy, take its digest, take its files; None when the request is not an upload's."""
        site = f"/sites/{SITE_ID}/deploys"
        if method == "POST" and path == site:
            asked = json.loads(body or b"{}")
            ident = f"{len(self.deploys) + 1:04d}upload{len(self.deploys) + 1:04d}"
            context = "draft" if asked.get("draft") else "branch-deploy" if asked.get("branch") else "production"
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            made: dict[str, Any] = {
                "id": ident,
                "state": "new",
                "title": query.get("title", [""])[0],
                "branch": asked.get("branch") or "main",
                "context": context,
                "created_at": now,
                "published_at": None,
                "locked": False,
                "required": [],
                "deploy_ssl_url": f"https://{ident}--{SITE_NAME}.netlify.app",
                "digest": {},
            }
            self.deploys.insert(0, made)
            return 200, _shown(made)
        if method == "PUT" and path.startswith(f"{site}/") and path.rsplit("/", maxsplit=1)[-1] in by_id:
            deploy = by_id[path.rsplit("/", maxsplit=1)[-1]]
            deploy["digest"] = dict(json.loads(body or b"{}").get("files") or {})
            deploy["required"] = sorted({sha for sha in deploy["digest"].values() if sha not in self.files})
            self._maybe_ready(deploy)
            return 200, _shown(deploy)
        if method == "PUT" and path.startswith("/deploys/") and "/files/" in path:
            target = by_id.get(path.split("/")[2])
            if target is None:
                return 404, {"message": "Not Found"}
            self.files[hashlib.sha1(body, usedforsecurity=False).hexdigest()] = body
            self.file_puts += 1
            target["required"] = [sha for sha in target["required"] if sha not in self.files]
            self._maybe_ready(target)
            return 200, {"path": path.split("/files", 1)[1]}
        return None

    def _maybe_ready(self, deploy: dict[str, Any]) -> None:
        if deploy["required"]:
            deploy["state"] = "uploading"
            return
        deploy["state"] = "ready"
        if deploy["context"] == "production":
            deploy["published_at"] = deploy["created_at"]
            self.published = deploy["id"]

    def served(self, deploy_id: str) -> dict[str, bytes]:
        """What an uploaded deploy serves: its digest's files, from what was uploaded."""
        deploy = next(d for d in self.deploys if d["id"] == deploy_id)
        return {path: self.files[sha] for path, sha in deploy.get("digest", {}).items()}

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/build_hooks/{self.hook_id}"

    @property
    def api_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v1"

    def __enter__(self) -> HookReceiver:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

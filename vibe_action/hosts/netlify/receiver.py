"""A local stand-in for Netlify, for the demo: a build hook that records each POST, and the few API calls the
gate makes (list and read deploys, read the site, restore, lock). Builds finish at once.

It listens on 127.0.0.1 on a port the OS picks, so the demo never touches the network and never collides with
another process.
"""

from __future__ import annotations

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
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if parts.path.startswith("/build_hooks/"):
                    self._answer(receiver.hook(parts.path, parse_qs(parts.query), body, dict(self.headers.items())))
                else:
                    self._answer(*receiver.api("POST", self.path, self.headers.get("Authorization", "")))

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

    def api(self, method: str, raw_path: str, authorization: str) -> tuple[int, Any]:
        path = urlsplit(raw_path).path.removeprefix("/api/v1")
        if authorization != f"Bearer {TOKEN}":
            return 401, {"message": "Access Denied"}
        with self._lock:
            self.api_calls.append(f"{method} {path}")
            site = f"/sites/{SITE_ID}"
            by_id = {d["id"]: d for d in self.deploys}
            if method == "GET" and path == site:
                return 200, {"id": SITE_ID, "name": SITE_NAME, "published_deploy": by_id.get(self.published or "")}
            if method == "GET" and path == f"{site}/deploys":
                return 200, self.deploys
            parts = path.split("/")
            if method == "GET" and path.startswith(f"{site}/deploys/") and parts[-1] in by_id:
                return 200, by_id[parts[-1]]
            if method == "POST" and path.endswith("/restore") and parts[-2] in by_id:
                self.published = parts[-2]
                return 200, by_id[parts[-2]]
            if method == "POST" and path.endswith("/lock") and parts[-2] in by_id:
                by_id[parts[-2]]["locked"] = True
                return 200, by_id[parts[-2]]
        return 404, {"message": "Not Found"}

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

"""A local stand-in for a Netlify build hook, for the demo: it records each POST and answers 200.

It listens on 127.0.0.1 on a port the OS picks, so the demo never touches the network and never collides with
another process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class ReceivedPost:
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class HookReceiver:
    """`with HookReceiver() as hook:` → `hook.url` to POST to, `hook.posts` to read afterwards."""

    def __init__(self, hook_id: str = "demo0000000000000000hook") -> None:
        self.hook_id = hook_id
        self.posts: list[ReceivedPost] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                known = parts.path == f"/build_hooks/{receiver.hook_id}"
                if known:
                    with receiver._lock:
                        receiver.posts.append(
                            ReceivedPost(parts.path, parse_qs(parts.query), body, dict(self.headers.items()))
                        )
                self.send_response(200 if known else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the demo prints what it received itself, without the hook path."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/build_hooks/{self.hook_id}"

    def __enter__(self) -> HookReceiver:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

"""The hook's outcome from what was sent and received, never from an exception's text (issue 19): a status line
of 2xx is accepted whatever its body then does; nothing sent is not started; sent with no status line is unknown.

Each answer comes from a real socket on 127.0.0.1 that writes exactly the bytes a broken server would."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from vibe_action.netlify.hook import fire
from vibe_action.redact import Secrets

HOOK = "/build_hooks/0123456789abcdef01234567"


class RawServer:
    """Accepts connections; reads the request's head and body; writes `answer` (bytes), then closes."""

    def __init__(self, answer: bytes, read_request: bool = True) -> None:
        self.answer = answer
        self.read_request = read_request
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                if self.read_request:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    self.requests += 1
                with contextlib.suppress(OSError):
                    conn.sendall(self.answer)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK}"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw() -> Iterator[type[RawServer]]:
    made: list[RawServer] = []

    def make(answer: bytes, read_request: bool = True) -> RawServer:
        server = RawServer(answer, read_request)
        made.append(server)
        return server

    yield make  # type: ignore[misc]
    for server in made:
        server.close()


BROKEN_AFTER_200 = {
    "content-length lie": b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort",
    "closed after the headers": b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
    "broken chunked body": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n",
    "broken gzip body": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!",
}


@pytest.mark.parametrize("answer", BROKEN_AFTER_200.values(), ids=BROKEN_AFTER_200.keys())
def test_a_200_is_accepted_whatever_its_body_then_does(raw: type[RawServer], answer: bytes) -> None:
    server = raw(answer)
    with requests.Session() as session:
        result = fire(session, server.url, "t", Secrets(), body={"sha": "a" * 40}, timeout=(2, 2))
    assert (result.state, result.status_code) == ("accepted", 200)
    assert server.requests == 1


def test_no_status_line_after_sending_is_unknown_and_never_resent(raw: type[RawServer]) -> None:
    server = raw(b"")  # reads the request, closes without a word
    with requests.Session() as session:
        result = fire(session, server.url, "t", Secrets(), timeout=(2, 2))
    assert result.state == "unknown"
    assert "the build may have started — not fired again" in result.message
    assert server.requests == 1


def test_a_tls_handshake_to_a_plain_server_sent_nothing(raw: type[RawServer]) -> None:
    server = raw(b"HTTP/1.1 400 Bad Request\r\n\r\n", read_request=False)  # answers the ClientHello with text
    url = server.url.replace("http://", "https://")
    with requests.Session() as session:
        result = fire(session, url, "t", Secrets(), timeout=(2, 2))
    assert result.state == "unreachable"  # no byte of HTTP went out: not started, may run again
    assert "nothing was sent" in result.message
    assert HOOK.rsplit("/", 1)[-1] not in result.message


def test_a_refused_connection_sent_nothing() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with requests.Session() as session:
        result = fire(session, f"http://127.0.0.1:{port}{HOOK}", "t", Secrets(), timeout=(1, 1))
    assert result.state == "unreachable"

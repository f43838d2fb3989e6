"""The hook's outcome from what was sent and received, never from an exception's text (issue 19): a status line
of 2xx is accepted whatever its body then does; nothing sent is not started; sent with no status line is unknown.

Each answer comes from a real socket on 127.0.0.1 that writes exactly the bytes a broken server would."""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from vibe_action.errors import ExternalError
from vibe_action.hosts.netlify.build_hook import fire
from vibe_action.hosts.netlify.client import MaybeActedError, NetlifyClient
from vibe_action.hosts.netlify.deploy import start_build
from vibe_action.hosts.netlify.services import NetlifyServices, Trigger
from vibe_action.redact import Secrets

HOOK = "/build_hooks/0123456789abcdef01234567"


class RawServer:
    """Accepts connections; reads the request's head and body; writes `answer` (bytes), then closes. With
    `trickle`, the answer goes out a byte at a time, that many seconds apart — a server that keeps each read
    under the timeout for as long as it likes; `sent` counts what went out before the client hung up. Without
    `read_request`, it keeps the first bytes the client sends (`first`: a TLS ClientHello, if the client speaks
    TLS); with `reset`, it closes with a TCP reset (SO_LINGER 0), as a server or a middlebox that drops a
    connection it cannot read does."""

    def __init__(self, answer: bytes, read_request: bool = True, trickle: float = 0.0, reset: bool = False) -> None:
        self.answer = answer
        self.read_request = read_request
        self.trickle = trickle
        self.reset = reset
        self.first = b""
        self.sent = 0
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
                else:
                    with contextlib.suppress(OSError):
                        self.first = self.first or conn.recv(5)
                with contextlib.suppress(OSError):
                    self._answer(conn)
                if self.reset:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _answer(self, conn: socket.socket) -> None:
        if not self.trickle:
            conn.sendall(self.answer)
            return
        for byte in self.answer:
            conn.sendall(bytes([byte]))
            self.sent += 1
            time.sleep(self.trickle)  # the server's pace, not the test's ordering

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK}"

    def close(self) -> None:
        """Stop listening for good: a thread blocked in accept() keeps a closed socket listening on Linux (and
        answering a later test's client that is given the same port), so it is woken by shutdown and joined."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=10)


@pytest.fixture
def raw() -> Iterator[type[RawServer]]:
    made: list[RawServer] = []

    def make(answer: bytes, read_request: bool = True, trickle: float = 0.0, reset: bool = False) -> RawServer:
        server = RawServer(answer, read_request, trickle, reset)
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


TLS_TO_PLAIN = {
    "answers the ClientHello with text": (b"HTTP/1.1 400 Bad Request\r\n\r\n", False),
    "closes without a word": (b"", False),
    "resets the connection": (b"", True),  # urllib3 says "Connection aborted", as for a reset after sending
}


@pytest.mark.parametrize(("answer", "reset"), TLS_TO_PLAIN.values(), ids=TLS_TO_PLAIN.keys())
def test_a_tls_handshake_that_fails_on_a_plain_server_sent_nothing(
    raw: type[RawServer], answer: bytes, reset: bool
) -> None:
    """An https hook URL on a server that speaks plain HTTP (issue 30): the handshake fails before any byte of
    the request is written, so the build was not started and the run may fire again."""
    server = raw(answer, read_request=False, reset=reset)
    url = server.url.replace("http://", "https://")
    waits: list[float] = []
    with requests.Session() as session:
        result = fire(session, url, "t", Secrets(), timeout=(2, 2), sleep=waits.append)
    assert result.state == "unreachable"  # no byte of HTTP went out: not started, may run again
    assert "nothing was sent" in result.message
    assert HOOK.rsplit("/", 1)[-1] not in result.message
    assert server.first[:1] == b"\x16"  # what reached the server: a TLS handshake record, no HTTP request
    assert server.requests == 0


def test_a_connection_reset_after_the_request_was_sent_stays_unknown(raw: type[RawServer]) -> None:
    server = raw(b"", reset=True)  # reads the whole request, then resets
    with requests.Session() as session:
        result = fire(session, server.url, "t", Secrets(), timeout=(2, 2))
    assert result.state == "unknown"
    assert "the build may have started — not fired again" in result.message
    assert server.requests == 1


def test_a_refused_connection_sent_nothing() -> None:
    waits: list[float] = []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with requests.Session() as session:
        result = fire(session, f"http://127.0.0.1:{port}{HOOK}", "t", Secrets(), timeout=(1, 1), sleep=waits.append)
    assert result.state == "unreachable"
    assert len(waits) == 2  # three connection retries, the first at once: nothing was sent, so it is safe


def test_a_status_line_trickled_past_the_deadline_is_unknown_and_sent_once(raw: type[RawServer]) -> None:
    """A byte every 0.3 s never trips a 1 s read timeout; the deadline (connect 1 s + answer 1 s) ends it. Read
    whole, this status line would arrive after 5 s and say 200."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    server = raw(answer, trickle=0.3)
    with requests.Session() as session:
        result = fire(session, server.url, "t", Secrets(), timeout=(1, 1))
    assert result.state == "unknown"
    assert "no answer within 2 s (connect and answer)" in result.message
    assert server.requests == 1
    assert server.sent < len(answer)


def test_a_200_whose_body_trickles_is_accepted_without_reading_it(raw: type[RawServer]) -> None:
    server = raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", trickle=0.0)
    server.answer += b"x" * 10  # the rest never comes
    with requests.Session() as session:
        result = fire(session, server.url, "t", Secrets(), timeout=(1, 1))
    assert (result.state, result.status_code) == ("accepted", 200)


# ---------------------------------------------------------------- Netlify's API over the same sockets

SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b"


def client_for(server: RawServer, timeout: tuple[float, float] = (1, 1)) -> NetlifyClient:
    session = requests.Session()
    return NetlifyClient(session, "nf-token", SITE, Secrets(), f"http://127.0.0.1:{server.port}/api/v1", timeout)


def http(status: str, body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in (*headers, f"Content-Length: {len(body)}"))
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def test_an_api_answer_past_the_cap_is_refused_decompression_bombs_too(raw: type[RawServer]) -> None:
    bomb = gzip.compress(b"[" + b" " * (9 * 1024 * 1024) + b"]")  # 9 MiB of JSON in some 9 KiB
    assert len(bomb) < 64 * 1024
    server = raw(http("200 OK", bomb, "Content-Type: application/json", "Content-Encoding: gzip"))
    with pytest.raises(ExternalError, match=r"larger than 8192 KiB; nothing of it was used"):
        list(client_for(server).deploys())


def test_an_api_body_trickled_past_the_deadline_ends_the_call(raw: type[RawServer]) -> None:
    body = b'[{"id": "d1", "state": "ready"}]' + b" " * 200
    server = raw(http("200 OK", body, "Content-Type: application/json"), trickle=0.05)
    with pytest.raises(ExternalError, match=r"the answer broke off \(not complete within 2 s\)"):
        list(client_for(server).deploys())
    assert server.sent < len(server.answer)


BUILD_MAY_HAVE_STARTED = {
    "502 from the edge": http("502 Bad Gateway", b"<html>bad gateway</html>"),
    "dropped after sending": b"",
    "200, body broken": b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n" + b'{"deploy_id": ',
    "200, not JSON": http("200 OK", b"<html>ok</html>"),
    "200, no deploy id": http("200 OK", b"{}", "Content-Type: application/json"),
}


@pytest.mark.parametrize("answer", BUILD_MAY_HAVE_STARTED.values(), ids=BUILD_MAY_HAVE_STARTED.keys())
def test_an_api_build_sent_without_a_usable_answer_may_have_started(raw: type[RawServer], answer: bytes) -> None:
    """`POST /sites/{id}/builds` sent, answer unusable: "unknown" (looked for, never sent again), not "rejected"
    (recorded as a failure, so the next run would start a second build)."""
    server = raw(answer)
    client = client_for(server)
    with pytest.raises(MaybeActedError):
        client.start_build("t [vibe-gate]", None)
    trigger = Trigger("api", "t [vibe-gate]", None, {}, None, confirm_timeout=0, poll_interval=1)
    started = start_build(trigger, NetlifyServices(ledger=None, session=None, secrets=Secrets(), netlify=client))  # type: ignore[arg-type]
    assert started.state == "unknown"
    assert "the build may have started" in started.message
    assert server.requests == 2  # once per call above: never repeated


NOT_STARTED = {
    "422 refused": http("422 Unprocessable Entity", b'{"message": "branch not found"}'),
    "429, reset far away": http("429 Too Many Requests", b"{}", "Retry-After: 3600"),
}


@pytest.mark.parametrize("answer", NOT_STARTED.values(), ids=NOT_STARTED.keys())
def test_an_api_build_refused_in_words_was_not_started(raw: type[RawServer], answer: bytes) -> None:
    server = raw(answer)
    trigger = Trigger("api", "t [vibe-gate]", None, {}, None, confirm_timeout=0, poll_interval=1)
    client = client_for(server)
    started = start_build(trigger, NetlifyServices(ledger=None, session=None, secrets=Secrets(), netlify=client))  # type: ignore[arg-type]
    assert started.state == "rejected"
    assert server.requests == 1


def test_an_api_build_to_a_closed_port_was_not_started() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    session = requests.Session()
    waits: list[float] = []
    api = f"http://127.0.0.1:{port}/api/v1"
    client = NetlifyClient(session, "nf-token", SITE, Secrets(), api, (1, 1), waits.append)
    with pytest.raises(ExternalError) as caught:
        client.start_build("t", None)
    assert not isinstance(caught.value, MaybeActedError)
    assert waits == [1.0, 2.0]  # connection retries (backoff 0.5) through the client's sleeper

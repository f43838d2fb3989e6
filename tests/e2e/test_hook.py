"""The build-hook POST against a real local HTTP server: outcomes, messages, and no secret in any of them."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
from pytest_httpserver import HTTPServer as FakeServer

from vibe_action.hosts.netlify.build_hook import fire
from vibe_action.redact import Secrets

HOOK_ID = "5f3c1a2b9d8e7f6a5b4c3d2e"


def test_accepted_post_carries_title_branch_and_body(httpserver: FakeServer) -> None:
    httpserver.expect_oneshot_request(f"/build_hooks/{HOOK_ID}", method="POST").respond_with_data("", status=200)
    with requests.Session() as session:
        result = fire(
            session,
            httpserver.url_for(f"/build_hooks/{HOOK_ID}"),
            "aime25 77.5 @ abc1234",
            Secrets(),
            branch="main",
            body={"sha": "abc", "scores": {"aime25": 77.5}},
        )
    assert (result.state, result.status_code) == ("accepted", 200)
    ((request, _),) = httpserver.log
    assert request.args["trigger_title"] == "aime25 77.5 @ abc1234"
    assert request.args["trigger_branch"] == "main"
    assert json.loads(request.get_data()) == {"sha": "abc", "scores": {"aime25": 77.5}}
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (404, "build hook not found — was it deleted or rotated?"),
        (422, "the build was not started"),
        (401, "check the hook URL secret"),
    ],
)
def test_a_4xx_is_rejected_once_with_a_useful_message(httpserver: FakeServer, status: int, phrase: str) -> None:
    httpserver.expect_request(f"/build_hooks/{HOOK_ID}").respond_with_data("nope", status=status)
    url = httpserver.url_for(f"/build_hooks/{HOOK_ID}")
    secrets = Secrets()
    with requests.Session() as session:
        result = fire(session, url, "t", secrets)
    assert result.state == "rejected"
    assert phrase in result.message
    assert len(httpserver.log) == 1  # never repeated
    assert HOOK_ID not in result.message


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
def test_a_5xx_after_sending_is_an_unknown_outcome_sent_once(httpserver: FakeServer, status: int) -> None:
    """A 5xx may come from an edge that gave up on an origin that started the build: never sent again."""
    httpserver.expect_request(f"/build_hooks/{HOOK_ID}").respond_with_data("", status=status)
    url = httpserver.url_for(f"/build_hooks/{HOOK_ID}")
    secrets = Secrets()
    with requests.Session() as session:
        result = fire(session, url, "t", secrets)
    assert result.state == "unknown"
    phrase = "the build may have started"
    assert phrase in result.message
    assert len(httpserver.log) == 1  # never repeated
    assert HOOK_ID not in result.message


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_connection_refused_is_unreachable_and_scrubbed() -> None:
    url = f"http://127.0.0.1:{_free_port()}/build_hooks/{HOOK_ID}"
    secrets = Secrets()
    slept: list[float] = []
    with requests.Session() as session:
        result = fire(session, url, "t", secrets, sleep=slept.append)
    assert slept == [2.0, 4.0]  # urllib3's backoff (factor 1: none before the first retry), handed to the sleeper
    assert result.state == "unreachable"
    assert "nothing was sent" in result.message
    assert HOOK_ID not in result.message
    assert "build_hooks" not in secrets.scrub(url)


@pytest.fixture
def slow_server() -> Iterator[tuple[str, list[str], Callable[[], None]]]:
    """Reads the request, then answers only once the test lets it — after the client has given up waiting. The
    third item lets it answer and stops the server: one thread serves, so it returns once the request in hand
    is answered."""
    seen: list[str] = []
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.path)
            release.wait(timeout=30)
            try:
                self.send_response(200)
                self.end_headers()
            except OSError:
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def finish() -> None:
        release.set()
        server.shutdown()

    yield f"http://127.0.0.1:{server.server_address[1]}/build_hooks/{HOOK_ID}", seen, finish
    release.set()
    server.shutdown()
    server.server_close()


def test_read_timeout_after_sending_is_unknown_and_not_retried(
    slow_server: tuple[str, list[str], Callable[[], None]],
) -> None:
    url, seen, finish = slow_server
    with requests.Session() as session:
        result = fire(session, url, "t", Secrets(), timeout=(2.0, 0.2))
    assert result.state == "unknown"
    assert "may have started" in result.message
    assert "no answer within 0.2 s after the request was sent" in result.message  # named as a read timeout
    finish()  # the server has answered what it received: it must have seen exactly one request
    assert len(seen) == 1


def test_secrets_cover_the_forms_urls_are_quoted_in() -> None:
    secrets = Secrets()
    url = f"https://api.netlify.com/build_hooks/{HOOK_ID}?trigger_title=x"
    secrets.add_url(url)
    text = (
        f"HTTPSConnectionPool(host='api.netlify.com', port=443): Max retries exceeded with url: "
        f"/build_hooks/{HOOK_ID}?trigger_title=x; also {url} and {HOOK_ID}"
    )
    scrubbed = secrets.scrub(text)
    assert HOOK_ID not in scrubbed
    assert "api.netlify.com" in scrubbed  # the host alone identifies nothing

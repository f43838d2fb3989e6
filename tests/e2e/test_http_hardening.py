"""HTTP to the hook and to Netlify's API: no redirect is followed, only 'try again' answers are retried, a long
Retry-After ends the run at once, and the hook URL must be an https address on the public internet."""

from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.http.hook_url import check_hook_url
from vibe_action.hosts.netlify.build_hook import fire
from vibe_action.hosts.netlify.client import NetlifyClient
from vibe_action.redact import Secrets

HOOK = "/build_hooks/5f3c1a2b9d8e7f6a5b4c3d2e"
TOKEN = "nfp_httpHardeningToken00000000000000"


@pytest.fixture
def elsewhere() -> HTTPServer:
    """Another host, where a redirect would lead."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/stolen").respond_with_data("ok", status=200)
    yield server  # type: ignore[misc]
    server.clear()
    server.stop()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_hook_redirect_is_a_failure_that_names_the_host_and_is_not_followed(
    httpserver: HTTPServer, elsewhere: HTTPServer, status: int
) -> None:
    target = elsewhere.url_for("/stolen")
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=status, headers={"Location": target})
    with requests.Session() as session:
        result = fire(session, httpserver.url_for(HOOK), "t", Secrets(), body={"sha": "a" * 40})
    assert result.state == "rejected"
    assert f"HTTP {status}, a redirect to 127.0.0.1" in result.message
    assert elsewhere.log == []  # the body never went to the other host
    assert len(httpserver.log) == 1


def test_413_is_not_retried_even_with_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=413, headers={"Retry-After": "1"})
    with requests.Session() as session:
        result = fire(session, httpserver.url_for(HOOK), "t", Secrets())
    assert (result.state, result.status_code) == ("rejected", 413)
    assert len(httpserver.log) == 1


def test_a_retry_after_beyond_the_cap_gives_up_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=503, headers={"Retry-After": "3600"})
    slept: list[float] = []
    with requests.Session() as session:
        result = fire(session, httpserver.url_for(HOOK), "t", Secrets(), sleep=slept.append)
    assert slept == []  # it used to sleep 60 s three times
    assert result.state == "rejected"
    assert "asked to wait 3600 s (more than the 60 s the gate waits)" in result.message
    assert len(httpserver.log) == 1


def test_a_short_retry_after_is_still_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(HOOK, method="POST").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request(HOOK, method="POST").respond_with_data("", status=200)
    with requests.Session() as session:
        result = fire(session, httpserver.url_for(HOOK), "t", Secrets())
    assert result.state == "accepted"
    assert len(httpserver.log) == 2


def client(server: HTTPServer, session: requests.Session) -> NetlifyClient:
    return NetlifyClient(session, TOKEN, "site-1", Secrets(), server.url_for("/api/v1"))


def test_an_api_redirect_is_an_error_and_the_token_goes_nowhere(httpserver: HTTPServer, elsewhere: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/sites/site-1/deploys").respond_with_data(
        "", status=302, headers={"Location": elsewhere.url_for("/stolen")}
    )
    with requests.Session() as session, pytest.raises(ExternalError, match=r"a redirect to 127\.0\.0\.1"):
        list(client(httpserver, session).deploys(max_pages=1))
    assert elsewhere.log == []


def test_api_500_is_not_retried_and_503_is(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/api/v1/sites/site-1/deploys/d1").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/api/v1/sites/site-1/deploys/d1").respond_with_json(
        {"id": "d1", "state": "ready"}
    )
    httpserver.expect_ordered_request("/api/v1/sites/site-1/deploys/d2").respond_with_data("boom", status=500)
    with requests.Session() as session:
        api = client(httpserver, session)
        assert api.deploy("d1").state == "ready"
        with pytest.raises(ExternalError, match="answered HTTP 500"):
            api.deploy("d2")
    assert len(httpserver.log) == 3


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://api.netlify.com/build_hooks/abc123", "https://api.netlify.com/build_hooks/abc123"),
        ("  https://api.netlify.com/build_hooks/abc123\n", "https://api.netlify.com/build_hooks/abc123"),
        ("http://127.0.0.1:8080/build_hooks/abc", "http://127.0.0.1:8080/build_hooks/abc"),
        ("http://localhost:8080/build_hooks/abc", "http://localhost:8080/build_hooks/abc"),
        ("http://[::1]:8080/build_hooks/abc", "http://[::1]:8080/build_hooks/abc"),
        ("http://api.netlify.com/build_hooks/abc123", None),
        ("https://169.254.169.254/latest/meta-data", None),
        ("https://192.168.1.10/hook", None),
        ("https://[fd00::1]/hook", None),
        ("https://0.0.0.0/hook", None),
        ("https://api.netlify.com:notaport/hook", None),
        ("https://api.netlify.com/build hooks", None),
        ("not a url", None),
    ],
)
def test_hook_url_rules(url: str, accepted: str | None) -> None:
    if accepted is None:
        with pytest.raises(InputError):
            check_hook_url(url, "build hook URL")
    else:
        assert check_hook_url(url, "build hook URL") == accepted


@pytest.mark.parametrize(
    "host",
    [
        "[2002:a9fe:a9fe::1]",  # 6to4 around 169.254.169.254
        "[2002:0a00:0001::1]",  # 6to4 around 10.0.0.1
        "[::ffff:169.254.169.254]",  # IPv4-mapped
        "[64:ff9b::a9fe:a9fe]",  # NAT64 around 169.254.169.254
        "[2001:0:4136:e378:8000:63bf:f5ff:fffe]",  # Teredo, client 10.0.0.1
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "[fd00::1]",  # unique local
    ],
)
def test_hook_urls_with_an_embedded_internal_address_are_refused(host: str) -> None:
    with pytest.raises(InputError, match="private or link-local address"):
        check_hook_url(f"https://{host}/build_hooks/x", "build-hook-url")


@pytest.mark.parametrize("host", ["[2606:4700::1]", "[2002:0808:0808::1]", "[64:ff9b::808:808]", "8.8.8.8"])
def test_global_unicast_hook_addresses_are_accepted(host: str) -> None:
    assert check_hook_url(f"https://{host}/build_hooks/x", "build-hook-url").startswith("https://")

"""A build-hook receiver for CLI runs: the hook's path on a pytest-httpserver, the variable that names it, and
the titles of the POSTs it received (the `hook` fixture in conftest.py serves it)."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

HOOK_ID = "0123456789abcdef01234567"

HOOK_PATH = f"/build_hooks/{HOOK_ID}"


def hook_env(server: HTTPServer) -> dict[str, str]:
    return {"VIBE_BUILD_HOOK_URL": server.url_for(HOOK_PATH)}


def posts(server: HTTPServer) -> list[str]:
    return [request.args["trigger_title"] for request, _ in server.log if request.method == "POST"]

"""The CLI against the fake Netlify: the settings, environment and commits the Netlify end-to-end tests share."""

from __future__ import annotations

import json

from tests.conftest import CONFIG, RESULTS, Done, Workspace, native
from tests.fake_netlify import SITE_ID, TOKEN, FakeNetlify

FAST = CONFIG + "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nhook:\n  timeout: 1\n"


def env(netlify: FakeNetlify, api: bool = True) -> dict[str, str]:
    variables = {"VIBE_BUILD_HOOK_URL": netlify.hook_url}  # type: ignore[attr-defined]
    if api:
        variables.update(NETLIFY_AUTH_TOKEN=TOKEN, NETLIFY_SITE_ID=SITE_ID, VIBE_NETLIFY_API_URL=netlify.api_url)  # type: ignore[attr-defined]
    return variables


def deploy_commit(
    ws: Workspace, netlify: FakeNetlify, score: float = 74.4, api: bool = True, config: str = FAST, *args: str
) -> tuple[str, Done]:
    ws.write("config/deploy.yaml", config)
    ws.write(RESULTS, native(score))
    sha = ws.commit(f"aime25 {score}", branch="main")
    netlify.head_sha = sha
    return sha, ws.run(*args, env=env(netlify, api))


def no_secret(netlify: FakeNetlify, ws: Workspace, *done: Done) -> None:
    texts = [d.stdout + d.stderr for d in done] + [json.dumps(ws.raw_ledger())]
    for text in texts:
        assert netlify.hook_id not in text
        assert TOKEN not in text


def deployed_history(ws: Workspace, netlify: FakeNetlify) -> list[str]:
    shas = []
    for score in (74.4, 77.5, 80.0):
        sha, done = deploy_commit(ws, netlify, score)
        assert done.code == 0, done.stdout + done.stderr
        shas.append(sha)
    return shas

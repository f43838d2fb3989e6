"""`target: cloudflare-pages` end to end through the real CLI (issue 20): the project's deploy hook starts the
build, the Pages API (a local fake whose every answer is checked against the official SDK's types) confirms it
and gives the permalink; a push the project built by itself is never taken for the gate's build."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import CONFIG, Workspace, native
from tests.fake_cloudflare import ACCOUNT, HOOK_ID, HOOK_PATH, PROJECT, TOKEN, FakeCloudflare

PAGES = CONFIG + (
    f"target: cloudflare-pages\ncloudflare:\n  project: {PROJECT}\n"
    "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nhook:\n  timeout: 2\n"
)


@pytest.fixture
def cloudflare() -> Iterator[FakeCloudflare]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    fake = FakeCloudflare()
    server.expect_request(re.compile(".*")).respond_with_handler(fake)
    fake.url = server.url_for("")  # type: ignore[attr-defined]
    yield fake
    server.clear()
    server.stop()
    assert fake.violations == [], "answers that do not match the cloudflare SDK's types"


def env_for(fake: FakeCloudflare, token: bool = True) -> dict[str, str]:
    base = fake.url.rstrip("/")  # type: ignore[attr-defined]
    env = {"VIBE_BUILD_HOOK_URL": base + HOOK_PATH, "VIBE_CLOUDFLARE_API_URL": base + "/client/v4"}
    if token:
        env.update(CLOUDFLARE_API_TOKEN=TOKEN, CLOUDFLARE_ACCOUNT_ID=ACCOUNT)
    return env


def committed(workspace: Workspace, fake: FakeCloudflare, score: float = 74.4) -> str:
    workspace.write("config/deploy.yaml", PAGES)
    workspace.write("results/r.json", native(score))
    sha = workspace.commit(f"aime25 {score}", branch="main")
    fake.head_sha = sha
    return sha


@pytest.mark.parametrize("answer", ["id", "empty"])  # what a Pages hook answers is undocumented
def test_the_hooks_deployment_is_confirmed_and_its_permalink_recorded(
    workspace: Workspace, cloudflare: FakeCloudflare, answer: str
) -> None:
    cloudflare.hook_answer = answer
    sha = committed(workspace, cloudflare)
    push = cloudflare.push()  # the project's own build of the same push: listed, never the gate's
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    (mine,) = [d for d in cloudflare.deployments if d["deployment_trigger"]["type"] == "deploy_hook"]
    assert done.json["outcome"]["deploy_id"] == mine["id"] != push["id"]
    assert done.json["outcome"]["deploy_url"] == mine["url"]
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_url"], record["deploy_id"]) == ("success", mine["url"], mine["id"])
    assert record["extra"]["commit_ref"] == sha
    assert TOKEN not in done.stdout + done.stderr
    assert HOOK_ID not in done.stdout + done.stderr
    assert all(r.args.get("per_page") == "25" for r in cloudflare.api_requests if r.path.endswith("/deployments"))


def test_a_failed_deployment_is_recorded_as_a_failure(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    cloudflare.final_status = "failure"
    committed(workspace, cloudflare)
    done = workspace.run(env=env_for(cloudflare))
    assert done.code == 3, done.stdout + done.stderr
    assert "failed at deploy" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]


def test_without_a_token_the_hook_fires_and_nothing_is_looked_up(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    committed(workspace, cloudflare)
    done = workspace.run(env=env_for(cloudflare, token=False))
    assert done.code == 0, done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    assert cloudflare.api_requests == []
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_url"]) == ("success", None)


def test_a_wrong_token_is_named_and_the_build_still_counts(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    committed(workspace, cloudflare)
    env = {**env_for(cloudflare), "CLOUDFLARE_API_TOKEN": "wrong"}
    done = workspace.run(env=env)
    assert "Authentication error (code 10000)" in done.stdout + done.stderr
    assert "Pages: Read" in done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    assert [r["status"] for r in workspace.ledger_lines()] in (["success"], ["unconfirmed"])
    assert workspace.run(env=env).code in (0, 3)
    assert len(cloudflare.hook_posts) == 1  # never fired twice


def test_a_token_without_an_account_is_an_input_error_before_anything_is_sent(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    committed(workspace, cloudflare)
    env = {k: v for k, v in env_for(cloudflare).items() if k != "CLOUDFLARE_ACCOUNT_ID"}
    done = workspace.run(env=env)
    assert done.code == 2
    assert "--cloudflare-account-id (or CLOUDFLARE_ACCOUNT_ID) is missing" in done.stderr
    assert cloudflare.hook_posts == []
    assert workspace.raw_ledger() == []


def test_rollback_says_it_is_not_offered_for_cloudflare_yet(workspace: Workspace) -> None:
    workspace.write("config/deploy.yaml", PAGES)
    done = workspace.run("rollback", "--previous")
    assert done.code == 2
    assert "target: cloudflare-pages (the gate does not offer it there yet)" in done.stderr


def test_the_fakes_answers_are_what_the_sdk_parses(cloudflare: FakeCloudflare) -> None:
    """Guard the guard: a deployment the SDK would refuse is caught as a violation."""
    broken: dict[str, Any] = {"id": "x", "environment": "staging"}
    cloudflare._answer(broken)
    assert cloudflare.violations
    cloudflare.violations.clear()


def test_a_502_after_the_origin_started_the_build_is_found_not_fired_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.hook_faults = [(502, True)]  # the edge timed out; the origin had started the build
    committed(workspace, cloudflare)
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["outcome"]["hook_state"] == "unknown"
    assert len(cloudflare.hook_posts) == 1  # a 5xx is never retried
    (record,) = workspace.ledger_lines()
    assert record["status"] == "success"
    assert record["deploy_id"] == cloudflare.deployments[0]["id"]


def test_a_503_that_started_nothing_is_unconfirmed_and_never_fired_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.hook_faults = [(503, False)]
    committed(workspace, cloudflare)
    env = env_for(cloudflare)
    done = workspace.run(env=env)
    assert done.code == 3, done.stdout + done.stderr
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    assert workspace.run(env=env).code == 0
    assert len(cloudflare.hook_posts) == 1


def test_api_faults_are_retried_and_a_lagging_listing_is_waited_for(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.api_faults = [(503, {}), (429, {"Retry-After": "1"})]  # reads are safe to repeat
    cloudflare.listing_lag = 2
    committed(workspace, cloudflare)
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    (mine,) = [d for d in cloudflare.deployments if d["deployment_trigger"]["type"] == "deploy_hook"]
    assert done.json["outcome"]["deploy_url"] == mine["url"]
    assert cloudflare.api_faults == []

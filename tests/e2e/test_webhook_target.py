"""`target: hook`: any deploy-hook URL (issue 20). It fires once, with the evaluated commit as JSON and no
Netlify query parameters; the decision, ledger, history and versions page work; what needs a host API says so.

Hook URL shapes from the hosts' docs: Vercel "Deploy Hooks" (`POST https://api.vercel.com/v1/integrations/
deploy/<project>/<hook>`), Render "Deploy Hooks" (`https://api.render.com/deploy/srv-…?key=…`: the secret is in
the query, which must be kept), Cloudflare Pages "Deploy hooks" (`POST https://api.cloudflare.com/client/v4/
pages/webhooks/deploy_hooks/<id>`). Each is played by a local server on 127.0.0.1.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import CONFIG, Workspace, native

VERCEL = "/v1/integrations/deploy/prj_0123456789/abcdefghij"
RENDER = "/deploy/srv-0123456789"


def hook_config(workspace: Workspace) -> None:
    workspace.write("config/deploy.yaml", CONFIG + "target: hook\n")


def posts(server: HTTPServer) -> list[Any]:
    return [request for request, _ in server.log if request.method == "POST"]


def test_a_deploy_hook_fires_once_with_the_commit_and_no_netlify_parameters(
    workspace: Workspace, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(VERCEL, method="POST").respond_with_json({"job": {"id": "j1", "state": "PENDING"}})
    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    sha = workspace.commit("first", branch="main")
    env = {"VIBE_BUILD_HOOK_URL": httpserver.url_for(VERCEL)}

    done = workspace.run(env=env)

    assert done.code == 0, done.stdout + done.stderr
    (request,) = posts(httpserver)
    assert request.query_string == b""  # trigger_title / trigger_branch are Netlify's
    body = json.loads(request.data)
    assert (body["sha"], body["branch"], body["scores"]["aime25"]) == (sha, "main", 74.4)
    (record,) = workspace.ledger_lines()
    assert (record["sha"], record["status"], record["deploy_url"]) == (sha, "success", None)
    assert "abcdefghij" not in done.stdout + done.stderr  # the hook URL is a secret
    again = workspace.run(env=env)
    assert again.code == 0
    assert len(posts(httpserver)) == 1  # the same commit is never fired twice
    history = workspace.run("history")
    assert history.code == 0
    assert sha[:7] in history.stdout
    page = workspace.run("page", "--out", "site")
    assert page.code == 0, page.stderr
    assert (workspace.path / "site" / "index.html").exists()


def test_a_hook_whose_secret_is_in_the_query_keeps_it(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(RENDER, method="POST", query_string="key=s3cr3tkey").respond_with_data("", 202)
    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": httpserver.url_for(RENDER) + "?key=s3cr3tkey"})
    assert done.code == 0, done.stdout + done.stderr
    assert len(posts(httpserver)) == 1
    assert "s3cr3tkey" not in done.stdout + done.stderr


def test_an_answer_that_may_follow_a_started_build_is_unconfirmed_and_never_fired_again(
    workspace: Workspace, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(VERCEL, method="POST").respond_with_data("bad gateway", 502)
    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    workspace.commit("first", branch="main")
    env = {"VIBE_BUILD_HOOK_URL": httpserver.url_for(VERCEL)}
    done = workspace.run(env=env)
    assert done.code == 3, done.stdout + done.stderr
    assert "with target: hook the gate cannot look" in done.stderr + done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    assert workspace.run(env=env).code == 0
    assert len(posts(httpserver)) == 1


def test_a_refused_hook_is_a_failure_that_may_run_again(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(VERCEL, method="POST").respond_with_data("not found", 404)
    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": httpserver.url_for(VERCEL)})
    assert done.code == 3
    assert "Create a new one in the host's settings" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]


def test_a_deploy_verdict_without_a_hook_url_names_the_setting_and_records_nothing(workspace: Workspace) -> None:
    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run()
    assert done.code == 2
    assert "no deploy hook URL is set: set --build-hook-url" in done.stderr
    assert workspace.raw_ledger() == []
    assert workspace.run("--dry-run").code == 0  # deciding needs no URL


@pytest.mark.parametrize("command", [["rollback", "--previous"], ["unlock"], ["prune"], ["doctor"]])
def test_what_needs_a_host_api_says_so(workspace: Workspace, command: list[str]) -> None:
    hook_config(workspace)
    done = workspace.run(*command)
    assert done.code == 2, done.stdout + done.stderr
    assert f"{command[0]} needs a host API, and config/deploy.yaml says target: hook" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_action_takes_deploy_hook_url_and_records_in_github_deployments(
    workspace: Workspace, fake_github: Any, hook_server: HTTPServer
) -> None:
    from tests.actions_env import HOOK_PATH, action_env, push_payload, run_action

    hook_config(workspace)
    workspace.write("results/r.json", native(74.4))
    sha = workspace.commit("first", branch="main")
    payload = push_payload(sha, "main", ["results/r.json"], fake_github.repository)
    inputs = {"INPUT_DEPLOY_HOOK_URL": hook_server.url_for(HOOK_PATH)}
    result = run_action(
        workspace, action_env(workspace, fake_github, fake_github.url, "push", payload, sha, "main", inputs)
    )
    assert result.code == 0, result.stdout + result.stderr
    assert len(posts(hook_server)) == 1
    assert result.outputs["decision"] == "deploy"
    assert result.outputs["deployed"] == "true"
    both = {**inputs, "INPUT_BUILD_HOOK_URL": hook_server.url_for(HOOK_PATH) + "x"}
    clash = run_action(
        workspace, action_env(workspace, fake_github, fake_github.url, "push", payload, sha, "main", both)
    )
    assert clash.code == 2
    assert "build-hook-url and deploy-hook-url are both set, to different URLs" in clash.stdout + clash.stderr

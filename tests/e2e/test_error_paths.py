"""External failures end honestly: the GitHub ledger's listing, status reads and writes, the Netlify client's
confirmation, rollback and prune — each with its exit code, its message, and what was (not) fired."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from tests.actions_env import hook_posts, push
from tests.conftest import Workspace, native
from tests.fake_github import FakeGitHub
from tests.fake_netlify import FakeNetlify
from tests.netlify_runs import deploy_commit, deployed_history, env


def test_a_failed_deployment_listing_fires_nothing(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.faults[("GET", "deployments")] = [403, 403, 403, 403]
    _, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 3
    assert "cannot list deployments" in result.stdout
    assert "deployments: read" in result.stdout
    assert hook_posts(hook_server) == 0
    assert result.outputs["decision"] == "error"


def test_a_failed_status_read_fires_nothing(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.seed_deployment("a" * 40, {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}, ["success"])
    fake_github.faults[("GET", "deployments")] = [None, 404]  # the listing works, the statuses read does not
    _, result = push(workspace, fake_github, hook_server, native(77.5))
    assert result.code == 3
    assert "cannot read deployment statuses" in result.stdout
    assert hook_posts(hook_server) == 0


def test_a_status_that_cannot_be_written_after_the_hook_fired_exits_4_with_the_record(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    # create the deployment, post in_progress, fire the hook, then the final status is refused
    fake_github.faults[("POST", "deployments")] = [None, None, 403]
    sha, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 4, result.stdout
    assert hook_posts(hook_server) == 1
    assert "the ledger could not record the outcome" in result.stdout
    assert "outcome not recorded" in result.summary
    record = json.loads(result.summary.split("status):\n", 1)[1].split("\n", 1)[0])
    assert (record["sha"], record["status"]) == (sha, "success")
    (deployment_id,) = fake_github.deployments
    assert fake_github.latest_state(deployment_id) == "in_progress"


def test_confirmation_that_cannot_reach_the_api_keeps_the_deploy_and_says_so(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    netlify.api_faults[("GET", "deploys")] = [(500, {})] * 3
    _, done = deploy_commit(workspace, netlify, 74.4)
    assert done.code == 0, done.stderr
    assert "could not confirm on Netlify" in done.stdout + done.stderr
    assert workspace.ledger_lines()[-1]["status"] == "success"  # the hook accepted it


def test_a_rollback_whose_restore_fails_records_nothing(workspace: Workspace, netlify: FakeNetlify) -> None:
    deployed_history(workspace, netlify)
    before = workspace.ledger_lines()
    netlify.api_faults[("POST", "restore")] = [(500, {})]
    done = workspace.run("rollback", "--previous", env=env(netlify))
    assert done.code == 3
    assert "answered HTTP 500" in done.stderr
    assert "Traceback" not in done.stderr
    assert workspace.ledger_lines() == before


def test_a_prune_whose_delete_fails_stops_with_the_api_error(workspace: Workspace, netlify: FakeNetlify) -> None:
    (old,) = netlify.seed(1, age_days=90)
    deployed_history(workspace, netlify)
    netlify.api_faults[("DELETE", old)] = [(500, {})]
    done = workspace.run("prune", "--apply", env=env(netlify))
    assert done.code == 3, done.stdout + done.stderr
    assert "answered HTTP 500" in done.stderr
    assert "Traceback" not in done.stderr
    assert old in {d["id"] for d in netlify.deploys}


@pytest.mark.parametrize("command", ["run", "validate", "history", "page", "prune", "init"])
@pytest.mark.parametrize("missing", ["no-such-folder", "results/vibethinker.json"])
def test_a_workspace_that_is_not_a_folder_is_said_to_be_so(workspace: Workspace, command: str, missing: str) -> None:
    """Not "config file not found" (or an empty history): the folder named is the mistake (issue 30)."""
    workspace.write("results/vibethinker.json", "{}")
    target = str(workspace.path / missing)
    done = workspace.run(command, "--workspace", target, *(["--out", "site"] if command == "page" else []))
    assert done.code == 2, done.stdout + done.stderr
    what = "does not exist" if missing == "no-such-folder" else "is not a folder"
    assert f"error: --workspace {target} {what}; pass the repository's root folder" in done.stderr
    assert "config file not found" not in done.stderr
    assert not (workspace.path / missing / "config").exists()  # init wrote nothing

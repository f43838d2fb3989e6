"""Versions in the action: the branch is made through GitHub's API (`POST /git/refs`, checked against the
contract), the job summary gains the versions chart, `command: page` writes the site from GitHub Deployments,
and `command: rollback` takes a version number."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from tests.actions_env import action_env, no_secret, push_with_netlify, run_action
from tests.conftest import Workspace
from tests.fake_github import FakeGitHub
from tests.fake_netlify import SITE_NAME

VERSIONS = "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nversions:\n  branch_prefix: versions/\n"


def test_the_action_creates_the_version_branch_through_the_api(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    workspace.write("config/deploy.yaml", (workspace.path / "config/deploy.yaml").read_text() + VERSIONS)
    first, _, result = push_with_netlify(workspace, fake_github, netlify, 74.4)
    assert result.code == 0, result.stdout + result.stderr
    assert fake_github.refs == {"refs/heads/versions/v1": first}
    assert [p.query.get("trigger_branch") for p in netlify.hook_posts] == [None, "versions/v1"]
    (deployment,) = fake_github.deployments.values()
    payload = deployment["payload"]["vibe_deploy_gate"]
    assert (payload["version_number"], payload["version_branch"]) == (1, "versions/v1")
    assert payload["version"] == 1  # the payload's own format version is not overwritten
    assert payload["report"][0]["name"] == "aime25"
    last = fake_github.statuses[deployment["id"]][-1]
    assert last["state"] == "success"
    assert f"https://versions-v1--{SITE_NAME}.netlify.app" in last["description"]
    assert "--vibe-demo.netlify.app" in last["environment_url"]  # still the permalink
    assert result.outputs["version-url"] == f"https://versions-v1--{SITE_NAME}.netlify.app"
    assert f"Lasting URL: https://versions-v1--{SITE_NAME}.netlify.app" in result.summary
    second, _, result = push_with_netlify(workspace, fake_github, netlify, 78.0)
    assert result.code == 0
    assert fake_github.refs["refs/heads/versions/v2"] == second
    assert "```mermaid\nxychart-beta" in result.summary
    assert '"v1", "candidate"' in result.summary  # the live version, then this run's candidate
    assert "| v1 (live) | 74.4 |" in result.summary
    no_secret(result)


def test_a_branch_that_exists_elsewhere_or_a_missing_permission_is_a_warning(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    workspace.write("config/deploy.yaml", (workspace.path / "config/deploy.yaml").read_text() + VERSIONS)
    fake_github.refs["refs/heads/versions/v1"] = "f" * 40
    _, _, result = push_with_netlify(workspace, fake_github, netlify, 74.4)
    assert result.code == 0  # the production deploy stands
    assert "exists at fffffff" in result.stdout
    assert len(netlify.hook_posts) == 1
    fake_github.forbidden.add("git")
    _, _, result = push_with_netlify(workspace, fake_github, netlify, 78.0)
    assert result.code == 0
    assert "add `contents: write` to the job's permissions" in result.stdout
    assert fake_github.refs == {"refs/heads/versions/v1": "f" * 40}


def test_command_page_writes_the_site_from_deployments(workspace: Workspace, fake_github: FakeGitHub) -> None:
    now = datetime.now(timezone.utc)
    for index in range(3):
        fake_github.seed_deployment(
            f"{index + 1:040x}",
            {"aime25": 74.0 + index, "hmmt25": 50.0},
            ["success"] if index == 2 else ["success", "inactive"],
            created_at=now - timedelta(days=40 - index * 10),
        )
    env = action_env(
        workspace, fake_github, fake_github.url, "workflow_dispatch", {}, "a" * 40, "main",
        {"INPUT_COMMAND": "page", "INPUT_OUT": "public/versions"},
    )  # fmt: skip
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout + result.stderr
    index = (workspace.path / "public/versions/index.html").read_text()
    assert index.count('<tr class="version') == 3
    assert 'class="version live"' in index
    assert f"https://github.com/{fake_github.repository}/commit/{3:040x}" in index
    assert result.outputs["decision"] == "page"
    assert len(fake_github.requests("GET", "/statuses")) == 3  # every snapshot's status, once


def test_command_page_needs_out(workspace: Workspace, fake_github: FakeGitHub) -> None:
    env = action_env(
        workspace, fake_github, fake_github.url, "workflow_dispatch", {}, "a" * 40, "main", {"INPUT_COMMAND": "page"}
    )
    result = run_action(workspace, env)
    assert result.code == 2
    assert "command 'page' needs the input 'out'" in result.stdout


def test_command_rollback_to_a_version_number(workspace: Workspace, fake_github: FakeGitHub, netlify: Any) -> None:
    workspace.write("config/deploy.yaml", (workspace.path / "config/deploy.yaml").read_text() + VERSIONS)
    first, env, _ = push_with_netlify(workspace, fake_github, netlify, 74.4)
    push_with_netlify(workspace, fake_github, netlify, 78.0)
    env = {**env, "INPUT_COMMAND": "rollback", "INPUT_TO": "v1"}
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout
    assert f"to v1 ({first[:7]}): restored Netlify deploy" in result.outputs["reason"]
    created = [
        d for d in fake_github.deployments.values() if d["payload"]["vibe_deploy_gate"]["decision"] == "rollback"
    ]
    payload = created[0]["payload"]["vibe_deploy_gate"]
    assert (payload["version"], payload["version_number"]) == (1, 1)  # the payload format, and the version


def test_command_page_stays_inside_the_workspace(workspace: Workspace, fake_github: FakeGitHub) -> None:
    inputs = {"INPUT_COMMAND": "page", "INPUT_OUT": "../outside"}
    env = action_env(workspace, fake_github, fake_github.url, "workflow_dispatch", {}, "a" * 40, "main", inputs)
    result = run_action(workspace, env)
    assert result.code == 2
    assert "input 'out' (../outside) leaves the workspace" in result.stdout
    assert not (workspace.path.parent / "outside").exists()


def test_a_rollbacks_lock_blocks_the_action_until_command_unlock(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    workspace.write("config/deploy.yaml", (workspace.path / "config/deploy.yaml").read_text() + VERSIONS)
    first, env, _ = push_with_netlify(workspace, fake_github, netlify, 74.4)
    push_with_netlify(workspace, fake_github, netlify, 78.0)
    assert run_action(workspace, {**env, "INPUT_COMMAND": "rollback", "INPUT_TO": "v1"}).code == 0
    posts = len(netlify.hook_posts)
    _, _, blocked = push_with_netlify(workspace, fake_github, netlify, 82.0)
    assert blocked.code == 1, blocked.stdout
    assert blocked.outputs["decision"] == "block"
    assert f"production is locked on v1 ({first[:7]})" in blocked.summary
    assert len(netlify.hook_posts) == posts
    unlocked = run_action(workspace, {**env, "INPUT_COMMAND": "unlock"})
    assert unlocked.code == 0, unlocked.stdout
    assert unlocked.outputs["reason"].startswith(f"unlocked v1 ({first[:7]})")
    assert netlify.get(netlify.published_id)["locked"] is False
    sha, _, deployed = push_with_netlify(workspace, fake_github, netlify, 82.5)
    assert deployed.code == 0, deployed.stdout
    assert netlify.get(netlify.published_id)["commit_ref"] == sha

"""The gate against a GitHub that behaves like the real one where it is unpleasant:

- when a newer deployment succeeds, GitHub adds an `inactive` status to the older ones (`auto_inactive`); what
  that status carries is not documented and users report no `environment_url` (nwtgck/actions-netlify#726), so
  every variant is tested: the URL and description copied, neither, or GitHub's own words;
- without a token GitHub allows 60 requests an hour per IP, then answers 403 with `x-ratelimit-remaining: 0`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.actions_env import push_with_netlify, run_action
from tests.conftest import Workspace
from tests.fake_github import FakeGitHub
from vibe_action.ledger.github_deployments import read_statuses

RETENTION = "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nretention:\n  keep: 2\n  grace_days: 0\n"
VARIANTS = ["copy", "bare", "worded"]


def three_versions(workspace: Workspace, github: FakeGitHub, netlify: Any) -> tuple[list[str], dict[str, str]]:
    workspace.write("config/deploy.yaml", (workspace.path / "config/deploy.yaml").read_text() + RETENTION)
    shas, env = [], {}
    for score in (74.4, 77.5, 80.0):
        sha, env, result = push_with_netlify(workspace, github, netlify, score)
        assert result.code == 0, result.stdout + result.stderr
        shas.append(sha)
    return shas, env


def deploy_of(netlify: Any, sha: str) -> dict[str, Any]:
    return next(d for d in netlify.deploys if d["commit_ref"] == sha and d["branch"] == "main")


@pytest.mark.parametrize("variant", VARIANTS)
def test_superseded_versions_keep_their_permalinks_in_history_page_and_prune(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any, variant: str
) -> None:
    fake_github.auto_inactive = variant
    (first, second, third), env = three_versions(workspace, fake_github, netlify)
    assert [s["state"] for s in fake_github.statuses[min(fake_github.deployments)]][-1] == "inactive"

    history = run_action(workspace, {**env, "INPUT_COMMAND": "history"})
    assert history.code == 0, history.stdout
    for sha in (first, second, third):
        assert deploy_of(netlify, sha)["deploy_ssl_url"] in history.summary  # the table in the job summary
    assert "| v1 |" in history.summary
    assert "superseded" in history.summary

    page = run_action(workspace, {**env, "INPUT_COMMAND": "page", "INPUT_OUT": "public/versions"})
    assert page.code == 0, page.stdout
    index = (workspace.path / "public/versions/index.html").read_text()
    assert deploy_of(netlify, first)["deploy_ssl_url"] in index

    oldest = deploy_of(netlify, first)["id"]
    prune = run_action(workspace, {**env, "INPUT_COMMAND": "prune"})
    assert prune.code == 0, prune.stdout
    assert [s.path.rsplit("/", 1)[-1] for s in netlify.api("DELETE")] == [oldest]
    assert "snapshot #3, beyond keep=2" in prune.stdout  # retention.keep held: v1's deploy id was known


@pytest.mark.parametrize("variant", VARIANTS)
def test_rollback_restores_a_superseded_version_by_its_recorded_deploy(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any, variant: str
) -> None:
    fake_github.auto_inactive = variant
    (first, _, _), env = three_versions(workspace, fake_github, netlify)
    result = run_action(workspace, {**env, "INPUT_COMMAND": "rollback", "INPUT_TO": "v1"})
    assert result.code == 0, result.stdout
    first_deploy = deploy_of(netlify, first)
    assert f"restored Netlify deploy {first_deploy['id']}" in result.outputs["reason"]
    assert netlify.published_id == first_deploy["id"]
    assert netlify.api("POST", "/builds") == []
    assert len(netlify.hook_posts) == 3


@pytest.mark.parametrize("variant", VARIANTS)
def test_statuses_are_read_from_the_newest_that_carries_each_field(variant: str) -> None:
    gate_success = {"id": 2, "state": "success", "environment_url": "https://d1--s.netlify.app", "description": "ok"}
    auto = {
        "copy": {**gate_success, "id": 9, "state": "inactive"},
        "bare": {"id": 9, "state": "inactive", "environment_url": "", "description": ""},
        "worded": {"id": 9, "state": "inactive", "environment_url": "", "description": "superseded by GitHub"},
    }[variant]
    started = {"id": 1, "state": "in_progress", "description": "deploying"}
    assert read_statuses([auto, started, gate_success]) == ("superseded", "https://d1--s.netlify.app", "ok")
    pruned = {"id": 12, "state": "inactive", "environment_url": "", "description": "pruned: deleted"}
    assert read_statuses([started, gate_success, auto, pruned])[0::2] == ("pruned", "pruned: deleted")
    assert read_statuses([]) == ("in_progress", None, "")


def test_the_page_without_a_token_stays_within_githubs_60_requests_and_says_why(
    workspace: Workspace, fake_github: FakeGitHub
) -> None:
    for index in range(1000):
        fake_github.seed_deployment(
            f"{index + 1:040x}",
            {"aime25": 70.0 + index / 100},
            ["success", "inactive"] if index < 999 else ["success"],
            created_at=fake_github.now - timedelta(hours=1000 - index),
        )
    out = workspace.path / "site"
    done = workspace.run(
        "page", "--github-repo", fake_github.repository, "--out", str(out), env={"GITHUB_API_URL": fake_github.url}
    )
    assert done.code == 0, done.stderr
    assert len(fake_github.log) <= 60
    assert fake_github.unauthenticated_used == len(fake_github.log)
    assert "without GITHUB_TOKEN GitHub allows 60 requests an hour: read the status of the newest 57" in done.stderr
    assert "set GITHUB_TOKEN to a read-only token" in done.stderr
    assert 'class="version live"' in (out / "index.html").read_text()  # the newest is read: the live one shows


def test_a_rate_limited_page_names_the_token_without_a_traceback(workspace: Workspace, fake_github: FakeGitHub) -> None:
    fake_github.seed_deployment("1" * 40, {"aime25": 74.0}, ["success"])
    fake_github.unauthenticated_used = 60  # the build machine's IP used its hour already (shared)
    done = workspace.run(
        "page", "--github-repo", fake_github.repository, "--out", "site", env={"GITHUB_API_URL": fake_github.url}
    )
    assert done.code == 3, done.stdout + done.stderr
    assert "GitHub's rate limit is used up; it resets at" in done.stderr
    assert "without a token GitHub allows 60 requests an hour per IP address" in done.stderr
    assert "set GITHUB_TOKEN to a read-only token (fine-grained, Deployments: read)" in done.stderr
    assert "deployments: read`" not in done.stderr  # not a permission problem
    assert "Traceback" not in done.stderr
    assert len(fake_github.log) <= 3  # no hour-long wait, no hammering

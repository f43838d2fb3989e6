"""The action end to end: `entrypoint.py action` as a child process, real event payloads, a fake GitHub API that
checks every request against GitHub's OpenAPI description, and a local build-hook receiver."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.actions_env import (
    HOOK_PATH,
    ActionResult,
    action_env,
    hook_posts,
    no_secret,
    pr_payload,
    push,
    push_payload,
    push_with_netlify,
    run_action,
    unescaped,
)
from tests.conftest import RESULTS, Workspace, native
from tests.fake_github import READ_ONLY_TOKEN, FakeGitHub
from tests.fake_netlify import TOKEN as NETLIFY_TOKEN


def netlify_push(
    workspace: Workspace, github: FakeGitHub, netlify: Any, head_sha: str | None = None
) -> tuple[str, dict[str, str], ActionResult]:
    """A push that deploys with Netlify access; the fake Netlify builds `head_sha` (default: the pushed commit)."""
    config = (workspace.path / "config/deploy.yaml").read_text()
    workspace.write("config/deploy.yaml", config + "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\n")
    return push_with_netlify(workspace, github, netlify, 74.4, head_sha=head_sha)


def test_push_that_deploys_records_a_deployment_and_annotates(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    sha, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 0, result.stdout + result.stderr
    assert hook_posts(hook_server) == 1
    (deployment,) = fake_github.deployments.values()
    assert (deployment["sha"], deployment["task"], deployment["environment"]) == (sha, "deploy:vibe-gate", "production")
    assert deployment["payload"]["vibe_deploy_gate"]["scores"]["aime25"] == 74.4
    create = fake_github.requests("POST", "/deployments")[0].body
    assert (create["auto_merge"], create["required_contexts"], create["ref"]) == (False, [], sha)
    states = [s["state"] for s in fake_github.statuses[deployment["id"]]]
    assert states == ["in_progress", "success"]
    assert (
        fake_github.statuses[deployment["id"]][-1]["log_url"]
        == "https://github.com/octo-org/vibe-demo/actions/runs/4242"
    )
    (check,) = fake_github.check_runs.values()
    assert (check["name"], check["head_sha"], check["conclusion"]) == ("vibe-deploy-gate", sha, "success")
    assert check["output"]["title"].startswith("DEPLOY: first deploy")
    assert "| metric | deployed baseline (none) | current | Δ | rules | verdict |" in check["output"]["summary"]
    (status,) = fake_github.commit_statuses
    assert (status["state"], status["context"], status["sha"]) == ("success", "vibe-deploy-gate", sha)
    assert status["target_url"] == "https://github.com/octo-org/vibe-demo/actions/runs/4242"
    assert result.outputs["decision"] == "deploy"
    assert result.outputs["deployed"] == "true"
    assert result.outputs["score"] == "74.4"
    assert result.outputs["deployment-id"] == str(deployment["id"])
    assert "| aime25 * |" in result.summary
    # The whole conversation with GitHub, in order: the listing, the deployment (the lock) and its first status,
    # the listing again (did another run deploy meanwhile?), the final status, check run, commit status.
    assert [(s.method, s.path.split("/repos/octo-org/vibe-demo")[1]) for s in fake_github.log] == [
        ("GET", "/deployments"),
        ("POST", "/deployments"),
        ("POST", f"/deployments/{deployment['id']}/statuses"),
        ("GET", "/deployments"),
        ("GET", f"/deployments/{deployment['id']}/statuses"),
        ("POST", f"/deployments/{deployment['id']}/statuses"),
        ("POST", "/check-runs"),
        ("POST", f"/statuses/{sha}"),
    ]
    no_secret(result)


def test_push_that_skips_compares_with_the_live_deployment(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.seed_deployment("a" * 40, {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}, ["success"])
    _, result = push(workspace, fake_github, hook_server, native(75.7))
    assert result.code == 0
    assert hook_posts(hook_server) == 0
    assert len(fake_github.deployments) == 1
    (check,) = fake_github.check_runs.values()
    assert check["conclusion"] == "neutral"
    assert "is below min_gain 2%" in check["output"]["title"]
    assert result.outputs["decision"] == "skip"
    assert result.outputs["baseline-sha"] == "a" * 40
    assert result.outputs["baseline-score"] == "74.4"
    assert result.outputs["delta"] == "1.3"
    assert len(fake_github.requests("GET")) == 2  # the listing and the live deployment's statuses


def test_push_blocked_by_a_guard_fails_and_annotates_the_metric_line(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.seed_deployment("a" * 40, {"aime25": 77.5, "hmmt25": 51.0, "livecodebench_v6": 51.8}, ["success"])
    _, result = push(workspace, fake_github, hook_server, native(80.0, hmmt25=47.0))
    assert result.code == 1
    assert hook_posts(hook_server) == 0
    (check,) = fake_github.check_runs.values()
    assert check["conclusion"] == "failure"
    failing = [a for a in check["annotations"] if a["annotation_level"] == "failure"]
    assert failing == [
        {
            "path": RESULTS,
            "start_line": 11,
            "end_line": 11,
            "annotation_level": "failure",
            "message": "-4 (-7.84%) vs deployed 51 exceeds max_drop 2 points; "
            "no error bars, so not tested against noise: the drop measured blocks",
            "title": "hmmt25: guard rule",
        }
    ]
    config_notes = [a for a in check["annotations"] if a["path"] == "config/deploy.yaml"]
    assert config_notes[0]["start_line"] == 8  # the hmmt25 key in deploy.yaml
    assert fake_github.commit_statuses[0]["state"] == "failure"
    assert f"::error file={RESULTS},line=11,title=hmmt25%3A guard rule::-4 (-7.84%25) vs deployed 51" in result.stdout
    assert result.outputs["decision"] == "block"


def test_fail_on_controls_which_verdicts_fail_the_step(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.seed_deployment("a" * 40, {"aime25": 77.5, "hmmt25": 51.0, "livecodebench_v6": 51.8}, ["success"])
    _, result = push(workspace, fake_github, hook_server, native(80.0, hmmt25=47.0), inputs={"INPUT_FAIL_ON": "never"})
    assert (result.code, result.outputs["decision"]) == (0, "block")
    _, result = push(workspace, fake_github, hook_server, native(77.6), inputs={"INPUT_FAIL_ON": "skip"})
    assert (result.code, result.outputs["decision"]) == (1, "skip")


def test_invalid_results_fail_the_check_at_the_line(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    text = json.dumps(native(), indent=2).replace('"score": 74.4', '"score": "high"')
    workspace.write(RESULTS, text)
    _, result = push(workspace, fake_github, hook_server)
    assert result.code == 2
    assert hook_posts(hook_server) == 0
    assert fake_github.deployments == {}
    (check,) = fake_github.check_runs.values()
    assert check["conclusion"] == "failure"
    assert check["annotations"] == [
        {
            "path": RESULTS,
            "start_line": 8,
            "end_line": 8,
            "annotation_level": "failure",
            "message": "'high' is not a number",
            "title": "invalid benchmarks.aime25.score",
        }
    ]
    assert f"::error file={RESULTS},line=8,col=16,title=invalid benchmarks.aime25.score::'high' is not a number" in (
        result.stdout
    )
    assert result.outputs["decision"] == "invalid"
    assert "Traceback" not in result.stderr


def test_more_than_50_annotations_are_sent_in_chunks(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write(RESULTS, {f"bench{i:03d}": "x" for i in range(120)})
    _, result = push(workspace, fake_github, hook_server)
    assert result.code == 2
    (check,) = fake_github.check_runs.values()
    assert len(check["annotations"]) == 120
    assert len(fake_github.requests("POST", "/check-runs")) == 1
    assert len(fake_github.requests("PATCH", "/check-runs/")) == 2


def test_rerun_of_the_same_sha_never_deploys_twice(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    push(workspace, fake_github, hook_server, native(74.4))
    _, again = push(workspace, fake_github, hook_server, commit=False)
    assert again.code == 0
    assert hook_posts(hook_server) == 1
    assert len(fake_github.deployments) == 1
    assert "is already deployed" in again.outputs["reason"]


def test_a_deployment_whose_last_status_failed_is_not_the_baseline(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    live = fake_github.seed_deployment(
        "a" * 40,
        {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1},
        ["in_progress", "success"],
        created_at=datetime(2026, 11, 20, tzinfo=timezone.utc),
    )
    fake_github.seed_deployment(
        "b" * 40,
        {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1},
        ["in_progress", "failure"],
        created_at=datetime(2026, 11, 21, tzinfo=timezone.utc),
    )
    fake_github.seed_deployment("c" * 40, {"aime25": 99.0}, ["success"], ours=False)  # not made by the gate
    _, result = push(workspace, fake_github, hook_server, native(77.5))
    assert result.outputs["baseline-sha"] == "a" * 40
    assert result.outputs["decision"] == "deploy"
    assert fake_github.latest_state(live) == "inactive"  # GitHub retires the previous live deployment


def test_push_that_touches_neither_results_nor_config_finishes_fast(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write(RESULTS, native())
    _, result = push(workspace, fake_github, hook_server, files=["README.md", "src/app.ts"])
    assert result.code == 0
    assert result.outputs["decision"] == "skip"
    assert result.outputs["reason"] == "no results or config change"
    assert fake_github.log == []
    assert hook_posts(hook_server) == 0


def test_pull_request_previews_on_the_head_sha_with_one_sticky_comment(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.seed_deployment("a" * 40, {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}, ["success"])
    workspace.write(RESULTS, native(77.5))
    head = workspace.commit("candidate", branch="feature/better-cot")
    payload = pr_payload(head, "main", fake_github.repository)
    inputs = {"INPUT_BUILD_HOOK_URL": hook_server.url_for(HOOK_PATH)}
    env = action_env(workspace, fake_github, fake_github.url, "pull_request", payload, "f" * 40, "7/merge", inputs)
    first = run_action(workspace, env)
    assert first.code == 0, first.stdout + first.stderr
    assert hook_posts(hook_server) == 0
    assert len(fake_github.deployments) == 1  # nothing created from a pull request
    (check,) = fake_github.check_runs.values()
    assert check["head_sha"] == head
    assert check["output"]["title"].startswith("WOULD DEPLOY")
    assert fake_github.commit_statuses[0]["sha"] == head
    (comment,) = fake_github.comments[7]
    assert "<!-- vibe-deploy-gate:sticky-comment -->" in comment["body"]
    assert "WOULD DEPLOY" in comment["body"]

    workspace.write(RESULTS, native(70.5))
    head2 = workspace.commit("worse")
    payload = pr_payload(head2, "main", fake_github.repository)
    env = action_env(workspace, fake_github, fake_github.url, "pull_request", payload, "f" * 40, "7/merge", inputs)
    second = run_action(workspace, env)
    assert second.code == 1
    (comment,) = fake_github.comments[7]  # updated in place, not duplicated
    assert "BLOCKED" in comment["body"]
    assert len(fake_github.requests("PATCH", "/issues/comments/")) == 1
    assert hook_posts(hook_server) == 0


@pytest.mark.usefixtures("hook_server")
def test_sticky_comment_is_found_across_all_pages(workspace: Workspace, fake_github: FakeGitHub) -> None:
    fake_github.seed_comments(7, 150, marker_at=120, marker="<!-- vibe-deploy-gate:sticky-comment -->")
    workspace.write(RESULTS, native(77.5))
    head = workspace.commit("candidate", branch="feature/x")
    env = action_env(
        workspace,
        fake_github,
        fake_github.url,
        "pull_request",
        pr_payload(head, "main", fake_github.repository),
        "f" * 40,
        "7/merge",
    )
    result = run_action(workspace, env)
    assert result.code == 0
    assert len(fake_github.comments[7]) == 150
    assert "WOULD DEPLOY" in fake_github.comments[7][120]["body"]
    assert len(fake_github.requests("GET", "/issues/7/comments")) == 2  # 100 + 50
    assert fake_github.requests("POST", "/comments") == []


def test_fork_pull_request_writes_nothing_and_reports_in_the_summary(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write(RESULTS, native(77.5))
    head = workspace.commit("fork change", branch="feature/x")
    payload = pr_payload(head, "main", fake_github.repository, fork=True)
    env = action_env(
        workspace, fake_github, fake_github.url, "pull_request", payload, "f" * 40, "7/merge", token=READ_ONLY_TOKEN
    )
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout + result.stderr
    assert fake_github.writes == []
    assert "fork pull request: the token is read-only" in result.summary
    assert "| aime25 * |" in result.summary
    assert "::warning::fork pull request" in result.stdout
    assert hook_posts(hook_server) == 0


def test_same_repository_pull_request_in_a_forked_repository_writes_its_check_run(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    # In a repository that is itself a fork, GitHub sets head.repo.fork on every PR (../shared/contracts/README.md).
    workspace.write(RESULTS, native(77.5))
    head = workspace.commit("same-repo change", branch="feature/x")
    payload = pr_payload(head, "main", fake_github.repository, fork=False, repo_is_fork=True)
    env = action_env(workspace, fake_github, fake_github.url, "pull_request", payload, "f" * 40, "7/merge")
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout + result.stderr
    (run,) = fake_github.check_runs.values()
    assert run["head_sha"] == head
    assert "WOULD DEPLOY" in fake_github.comments[7][0]["body"]
    assert "fork pull request" not in result.summary
    assert hook_posts(hook_server) == 0


def test_a_pull_request_judged_on_the_merge_commit_says_so(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("base", branch="main")
    workspace.write(RESULTS, native(77.5))
    head = workspace.commit("candidate", branch="feature/x")
    # What actions/checkout leaves on pull_request by default: refs/pull/7/merge, the PR merged into its base.
    workspace.git("checkout", "-q", "--detach", "main")
    workspace.git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "merge", "-q", "--no-ff", "-m", "m", head)
    merge = workspace.git("rev-parse", "HEAD")
    payload = pr_payload(head, "main", fake_github.repository)
    env = action_env(workspace, fake_github, fake_github.url, "pull_request", payload, merge, "7/merge")
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout + result.stderr
    note = f"read from the checked-out commit {merge[:7]}"
    assert note in unescaped(result.summary)
    assert f"not from the PR head {head[:7]}" in unescaped(result.summary)
    assert "`ref: ${{ github.event.pull_request.head.sha }}`" in unescaped(fake_github.comments[7][0]["body"])
    (run,) = fake_github.check_runs.values()
    assert run["head_sha"] == head
    workspace.git("checkout", "-q", head)  # with ref: the head's own files, and no note
    again = run_action(workspace, env)
    assert note not in unescaped(again.summary)
    assert "checked-out commit" not in again.summary
    assert hook_posts(hook_server) == 0


def test_missing_checks_permission_degrades_without_failing(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.forbidden = {"check-runs", "statuses"}
    _, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 0
    assert result.outputs["decision"] == "deploy"
    assert "add `checks: write` to the job's permissions" in result.summary
    assert "add `statuses: write` to the job's permissions" in result.summary
    assert "Resource not accessible by integration" in result.stdout


def test_missing_deployments_permission_deploys_nothing(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.forbidden = {"deployments"}
    _, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 3
    assert hook_posts(hook_server) == 0
    assert "add `deployments: write`" in result.stdout
    assert result.outputs["decision"] == "error"


def test_pull_request_target_is_refused(workspace: Workspace, fake_github: FakeGitHub) -> None:
    workspace.write(RESULTS, native())
    head = workspace.commit("x", branch="main")
    env = action_env(
        workspace,
        fake_github,
        fake_github.url,
        "pull_request_target",
        pr_payload(head, "main", fake_github.repository),
        head,
        "main",
    )
    result = run_action(workspace, env)
    assert result.code == 2
    assert "pull_request_target is refused" in result.stdout
    assert fake_github.log == []
    assert result.outputs["decision"] == "invalid"


def test_workflow_dispatch_evaluates_head_like_a_push(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    from tests.actions_env import event

    workspace.write(RESULTS, native(74.4))
    sha = workspace.commit("x", branch="main")
    env = action_env(
        workspace,
        fake_github,
        fake_github.url,
        "workflow_dispatch",
        event("workflow_dispatch.0"),
        sha,
        "main",
        {"INPUT_BUILD_HOOK_URL": hook_server.url_for(HOOK_PATH)},
    )
    result = run_action(workspace, env)
    assert (result.code, result.outputs["decision"]) == (0, "deploy")
    assert hook_posts(hook_server) == 1


def test_dry_run_creates_no_deployment(workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer) -> None:
    _, result = push(workspace, fake_github, hook_server, native(74.4), inputs={"INPUT_DRY_RUN": "true"})
    assert (result.code, result.outputs["decision"], result.outputs["deployed"]) == (0, "deploy", "false")
    assert fake_github.deployments == {}
    assert hook_posts(hook_server) == 0


def test_a_failed_post_is_never_retried_but_a_failed_read_is(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.faults[("POST", "deployments")] = [502]
    fake_github.faults[("GET", "deployments")] = [502]
    _, result = push(workspace, fake_github, hook_server, native(74.4))
    assert result.code == 3
    assert len(fake_github.requests("GET", "/deployments")) == 2  # the listing was retried once, then answered
    assert len(fake_github.requests("POST", "/deployments")) == 1  # the deployment POST was not repeated
    assert hook_posts(hook_server) == 0
    assert "cannot create the GitHub deployment" in result.stdout
    assert result.outputs["decision"] == "error"


def test_github_enterprise_api_url_is_honoured(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    fake_github.prefix = "/api/v3"
    workspace.write(RESULTS, native(74.4))
    sha = workspace.commit("results", branch="main")
    env = action_env(
        workspace,
        fake_github,
        fake_github.url + "/api/v3",
        "push",
        push_payload(sha, "main", [RESULTS], fake_github.repository),
        sha,
        "main",
        {"INPUT_BUILD_HOOK_URL": hook_server.url_for(HOOK_PATH)},
    )
    env["GITHUB_SERVER_URL"] = "https://ghe.example.com"
    result = run_action(workspace, env)
    assert (result.code, result.outputs["decision"]) == (0, "deploy")
    assert all(s.path.startswith("/repos/") for s in fake_github.log)  # every request went under /api/v3
    (check,) = fake_github.check_runs.values()
    assert check["details_url"] == "https://ghe.example.com/octo-org/vibe-demo/actions/runs/4242"


def test_quota_counts_this_months_deployments_from_the_ledger(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    now = datetime.now(timezone.utc)
    for day in range(18):  # 18 deploys this month: 20 minus the reserve of 2 are used
        fake_github.seed_deployment(
            f"{day:040x}",
            {"aime25": 70.0 + day * 0.01},
            ["success"],
            created_at=now.replace(hour=0, minute=0, second=0),
        )
    fake_github.seed_deployment("f" * 40, {"aime25": 50.0}, ["failure"], created_at=now)  # failures are free
    _, result = push(workspace, fake_github, hook_server, native(80.0))
    assert result.code == 1
    assert result.outputs["reason"].startswith("quota used up: 18/20 deploys used this month")
    assert hook_posts(hook_server) == 0


def test_confirmed_netlify_deploy_sets_environment_url_and_deploy_url(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    sha, env, result = netlify_push(workspace, fake_github, netlify)
    assert result.code == 0, result.stdout + result.stderr
    permalink = netlify.deploys[0]["deploy_ssl_url"]
    assert result.outputs["deploy-url"] == permalink
    (deployment,) = fake_github.deployments.values()
    final = fake_github.statuses[deployment["id"]][-1]
    assert (final["state"], final["environment_url"]) == ("success", permalink)
    assert NETLIFY_TOKEN not in result.stdout.replace(f"::add-mask::{NETLIFY_TOKEN}", "")

    # command: rollback to the live version changes nothing, and says so.
    env.update(INPUT_COMMAND="rollback", INPUT_TO=sha)
    noop = run_action(workspace, env)
    assert noop.code == 0, noop.stdout + noop.stderr
    assert f"v1 ({sha[:7]}) is live already; nothing was restored, rebuilt or recorded" in noop.stdout
    assert len(fake_github.deployments) == 1
    # After a newer version, command: rollback restores the deploy recorded in GitHub Deployments (by sha).
    first_deploy = netlify.deploys[0]["id"]
    later, _, newer = push_with_netlify(workspace, fake_github, netlify, 78.0)
    assert newer.code == 0, newer.stdout
    rollback = run_action(workspace, {**env, "INPUT_COMMAND": "rollback", "INPUT_TO": sha})
    assert rollback.code == 0, rollback.stdout + rollback.stderr
    assert rollback.outputs["decision"] == "rollback"
    assert f"rolled back from {later[:7]} to v1 ({sha[:7]}): restored Netlify deploy {first_deploy} and locked it" in (
        rollback.stdout
    )
    assert netlify.get(first_deploy)["locked"] is True
    rollback_deployment = max(fake_github.deployments.values(), key=lambda d: d["id"])
    assert rollback_deployment["payload"]["vibe_deploy_gate"]["decision"] == "rollback"


def test_a_busy_month_costs_a_few_reads_thanks_to_the_count_in_each_payload(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    now = datetime.now(timezone.utc).replace(day=1, hour=1)
    for index in range(60):  # 60 deploys this month, each recording the count before it
        fake_github.seed_deployment(
            f"{index:040x}",
            {"aime25": 70.0 + index * 0.01, "hmmt25": 50.4, "livecodebench_v6": 51.1},
            ["success"],
            created_at=now + timedelta(minutes=index),
            count_before=index,
        )
    config = (workspace.path / "config/deploy.yaml").read_text().replace("monthly_deploys: 20", "monthly_deploys: 61")
    workspace.write("config/deploy.yaml", config)
    _, result = push(workspace, fake_github, hook_server, native(80.0))
    assert result.code == 1
    assert result.outputs["reason"].startswith("quota used up: 60/61 deploys used this month")  # 61 minus reserve 2
    # The decision: the listing and the newest deployment's statuses. The job summary's chart of the last 10
    # versions then reads the 9 older ones' statuses (the listing is reused).
    assert len(fake_github.requests("GET")) == 2 + 9
    _, quiet = push(workspace, fake_github, hook_server, native(80.5), inputs={"INPUT_ANNOTATE": "check,status"})
    assert quiet.code == 1
    assert len(fake_github.requests("GET")) == 11 + 2  # without the summary, no chart and no extra read


def test_a_build_of_another_commit_is_flagged_in_the_check_run(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    sha, _env, result = netlify_push(workspace, fake_github, netlify, head_sha="9" * 40)
    assert result.code == 0
    (check,) = fake_github.check_runs.values()
    assert f"Netlify built commit 9999999, not the evaluated {sha[:7]}" in check["output"]["summary"]
    assert f"::warning::Netlify built commit 9999999, not the evaluated {sha[:7]}" in result.stdout
    for text in (result.summary, json.dumps(result.outputs), json.dumps(check)):
        assert NETLIFY_TOKEN not in text
        assert netlify.hook_id not in text


def test_a_huge_report_is_cut_below_githubs_limit(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    scores = {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}
    # Within the limits (500 benchmarks, 200-character names), a report still outgrows a check run.
    scores.update({f"extra_benchmark_{i:04d}_{'with_a_long_descriptive_name_' * 5}": 50.0 for i in range(490)})
    _, result = push(workspace, fake_github, hook_server, scores, inputs={"INPUT_DRY_RUN": "true"})
    assert result.code == 0
    (check,) = fake_github.check_runs.values()  # accepted: the fake rejects anything over 65,535 bytes
    summary = check["output"]["summary"].encode()
    assert 60_000 < len(summary) <= 65_535
    assert check["output"]["summary"].endswith("(cut to fit GitHub's size limit)\n")


def test_a_merge_queue_run_is_a_preview_judged_by_its_base_branch(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write(RESULTS, native(77.5))
    sha = workspace.commit("queued", branch="main")
    payload = {"action": "checks_requested", "merge_group": {"head_sha": sha, "base_ref": "refs/heads/main"}}
    ref = f"gh-readonly-queue/main/pr-7-{sha}"
    env = action_env(workspace, fake_github, fake_github.url, "merge_group", payload, sha, ref)
    result = run_action(workspace, env)
    assert result.code == 0, result.stdout + result.stderr
    assert "event 'merge_group' only previews" in unescaped(result.summary)
    assert hook_posts(hook_server) == 0
    assert fake_github.deployments == {}

"""The CLI end to end: a child process in a temporary git repository, a real HTTP build-hook receiver."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli_hook import HOOK_ID, HOOK_PATH, hook_env, posts
from tests.conftest import RESULTS, ROOT, Workspace, native


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert HOOK_ID not in text
        assert "build_hooks" not in text


def test_the_whole_story_deploy_skip_deploy_block_report(workspace: Workspace, hook: HTTPServer) -> None:
    env = hook_env(hook)
    workspace.write(RESULTS, native(74.4))
    first = workspace.commit("first", branch="main")
    done = workspace.run(env=env)
    assert done.code == 0, done.stderr
    assert "DEPLOY: first deploy" in done.stdout
    assert posts(hook) == [f"aime25 74.4 @ {first[:7]}"]
    body = json.loads(hook.log[0][0].get_data())
    assert body["sha"] == first
    assert body["model"] == {"name": "VibeThinker-1.5B", "revision": "r1"}

    workspace.write(RESULTS, native(75.7))
    workspace.commit("+1.3")
    done = workspace.run(env=env)
    assert (done.code, len(posts(hook))) == (0, 1)
    assert "SKIP: aime25: +1.3 (+1.75%) over deployed 74.4 is below min_gain 2% (1.488 points)" in done.stdout

    workspace.write(RESULTS, native(77.5, hmmt25=51.0))
    third = workspace.commit("+3.1")
    done = workspace.run(env=env)
    assert (done.code, len(posts(hook))) == (0, 2)
    assert f"baseline {first[:7]} (last deployed)" in done.stdout

    workspace.write(RESULTS, native(80.0, hmmt25=47.0))
    workspace.commit("hmmt down 4")
    done = workspace.run(env=env)
    assert (done.code, len(posts(hook))) == (1, 2)
    assert "BLOCK: hmmt25: -4 (-7.84%) vs deployed 51 exceeds max_drop 2 points" in done.stdout

    workspace.write(RESULTS, native(79.5))
    workspace.commit("experiment", branch="experiment/longer-cot")
    done = workspace.run(env=env)
    assert (done.code, len(posts(hook))) == (0, 2)
    assert "REPORT ONLY (would deploy)" in done.stdout

    ledger = workspace.ledger_lines()
    assert [(r["sha"], r["status"]) for r in ledger] == [(first, "success"), (third, "success")]
    # The in-progress record is written before the hook fires; the outcome follows under the same id.
    raw = workspace.raw_ledger()
    assert [(r["sha"], r["status"]) for r in raw] == [
        (first, "in_progress"),
        (first, "success"),
        (third, "in_progress"),
        (third, "success"),
    ]
    assert raw[0]["id"] == raw[1]["id"] != raw[2]["id"]
    assert ledger[1]["scores"]["aime25"] == 77.5
    assert len(ledger[1]["results_digest"]) == 64
    assert len(ledger[1]["config_digest"]) == 64
    assert_no_secret(done.stdout, done.stderr, json.dumps(ledger))


def test_rerun_of_a_deployed_sha_does_not_deploy_twice(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    assert workspace.run(env=hook_env(hook)).code == 0
    again = workspace.run(env=hook_env(hook))
    assert again.code == 0
    assert "is already deployed" in again.stdout
    assert len(posts(hook)) == 1
    assert len(workspace.ledger_lines()) == 1


def test_json_output_has_the_documented_shape(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(74.4))
    sha = workspace.commit("first", branch="main")
    data = workspace.run("run", "--json", env=hook_env(hook)).json
    assert set(data) >= {"decision", "reasons", "sha", "branch", "baseline", "metrics", "deployed", "dry_run"}
    assert (data["decision"], data["sha"], data["branch"], data["deployed"], data["dry_run"]) == (
        "deploy",
        sha,
        "main",
        True,
        False,
    )
    assert data["baseline"] is None
    metric = data["metrics"][0]
    assert set(metric) >= {"name", "current", "baseline", "delta", "delta_pct", "rules", "passed"}
    assert set(metric["rules"][0]) >= {"rule", "threshold", "passed"}
    assert data["outcome"]["hook_state"] == "accepted"


def test_dry_run_fires_nothing_and_records_nothing(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run("--dry-run", "--json", env=hook_env(hook))
    assert done.code == 0
    assert (done.json["decision"], done.json["deployed"], done.json["dry_run"]) == ("deploy", False, True)
    assert posts(hook) == []
    assert workspace.ledger_lines() == []


def test_hook_404_exits_3_records_failure_and_leaks_nothing(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("Not Found", status=404)
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run(env=hook_env(httpserver))
    assert done.code == 3
    assert "build hook not found" in done.stdout
    ledger = workspace.ledger_lines()
    assert [r["status"] for r in ledger] == ["failure"]
    assert_no_secret(done.stdout, done.stderr, json.dumps(ledger))
    assert len(httpserver.log) == 1
    # A failed build is not a baseline and not "already deployed": the next run tries again.
    httpserver.clear()
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=200)
    assert workspace.run(env=hook_env(httpserver)).code == 0
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure", "success"]


def test_hook_url_on_the_command_line_is_never_printed(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=500)
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run("--build-hook-url", httpserver.url_for(HOOK_PATH), "--json")
    assert done.code == 3
    assert_no_secret(done.stdout, done.stderr)


def test_deploy_without_a_hook_url_is_invalid_input(workspace: Workspace) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run()
    assert done.code == 2
    assert "no build hook URL is set: set --build-hook-url (or VIBE_BUILD_HOOK_URL)" in done.stderr
    assert workspace.ledger_lines() == []
    assert done.stdout.startswith("vibe-deploy-gate · main @ ")  # the decision first (issue 21)
    assert "DEPLOY" in done.stdout
    as_json = workspace.run("--json")
    assert as_json.code == 2
    assert json.loads(as_json.stdout)["decision"] == "deploy"


def test_invalid_results_exit_2_without_traceback_or_side_effects(workspace: Workspace, hook: HTTPServer) -> None:
    text = json.dumps(native(), indent=2).replace('"score": 74.4', '"score": "high"')
    workspace.write(RESULTS, text)
    workspace.commit("bad", branch="main")
    for command in ("validate", "run"):
        done = workspace.run(command, env=hook_env(hook))
        assert done.code == 2
        assert done.stderr.strip() == f"error: {RESULTS}:8:16: benchmarks.aime25.score: 'high' is not a number"
        assert "Traceback" not in done.stderr
    assert posts(hook) == []
    assert workspace.ledger_lines() == []


def test_bad_config_key_gets_did_you_mean(workspace: Workspace) -> None:
    workspace.write(RESULTS, native())
    config = (workspace.path / "config/deploy.yaml").read_text().replace("max_drop: 2", "max_dorp: 2")
    workspace.write("config/deploy.yaml", config)
    done = workspace.run("validate")
    assert done.code == 2
    assert "config/deploy.yaml:10:5: metrics.hmmt25.max_dorp: unknown key 'max_dorp' (did you mean 'max_drop'?)" in (
        done.stderr
    )


def test_validate_ok_and_json(workspace: Workspace) -> None:
    workspace.write(RESULTS, native())
    done = workspace.run("validate")
    assert done.code == 0
    assert done.stdout.startswith("ok: config/deploy.yaml (3 metrics, primary aime25)")
    data = workspace.run("validate", "--json").json
    assert data["benchmarks"] == {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}


def test_results_flag_overrides_the_config_glob(workspace: Workspace) -> None:
    workspace.write("evals/flat.json", '{"aime25": 80, "hmmt25": 50, "livecodebench_v6": 50}')
    done = workspace.run("validate", "--results", "evals/*.json", "--json")
    assert done.json["results"] == ["evals/flat.json"]
    missing = workspace.run("validate")
    assert missing.code == 2
    assert "no results files match 'results/*.json' (from 'results:' in config/deploy.yaml)" in missing.stderr


def test_corrupt_ledger_stops_the_gate(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native())
    workspace.commit("first", branch="main")
    workspace.write(".vibe-deploy-gate/ledger.jsonl", '{"sha": 1}\n')
    done = workspace.run(env=hook_env(hook))
    assert done.code == 2
    assert "error: .vibe-deploy-gate/ledger.jsonl:1:1: corrupt ledger record" in done.stderr
    assert posts(hook) == []


def test_a_repository_without_a_commit_is_told_so(workspace: Workspace, hook: HTTPServer) -> None:
    """Issue 21: `git init`, files written, nothing committed yet — inside a repository, not outside one."""
    workspace.write(RESULTS, native())
    for args in (["--dry-run"], ["--dry-run", "--branch", "main"]):
        done = workspace.run(*args, env=hook_env(hook))
        assert done.code == 2, done.stderr
        assert "the repository has no commit yet" in done.stderr
        assert "run inside a git repository" not in done.stderr
    done = workspace.run("--dry-run", "--sha", "a" * 40, "--branch", "main", env=hook_env(hook))
    assert done.code in (0, 1), done.stderr  # a decision, once the commit is named
    assert posts(hook) == []


def test_explicit_sha_branch_and_ledger_path(workspace: Workspace, hook: HTTPServer, tmp_path: Path) -> None:
    workspace.write(RESULTS, native())
    workspace.commit("first", branch="main")
    workspace.git("checkout", "-q", "--detach")
    detached = workspace.run(env=hook_env(hook))
    assert detached.code == 2
    assert "HEAD is detached" in detached.stderr
    ledger = tmp_path / "elsewhere.jsonl"
    done = workspace.run("--sha", "f" * 40, "--branch", "release/1.0", "--ledger", str(ledger), env=hook_env(hook))
    assert done.code == 0, done.stderr
    assert json.loads(ledger.read_text().splitlines()[-1])["branch"] == "release/1.0"
    history = workspace.run("history", "--wide", "--ledger", str(ledger))
    assert "fffffff  release/1.0" in history.stdout


def test_history_lists_newest_first(workspace: Workspace, hook: HTTPServer) -> None:
    assert workspace.run("history").stdout.strip() == "no snapshots recorded yet"
    workspace.write(RESULTS, native(74.4))
    first = workspace.commit("first", branch="main")
    workspace.run(env=hook_env(hook))
    workspace.write(RESULTS, native(78.0))
    second = workspace.commit("second")
    workspace.run(env=hook_env(hook))
    lines = [line for line in workspace.run("history").stdout.splitlines() if line[:4].isdigit()]
    assert second[:7] in lines[0]
    assert first[:7] in lines[1]
    data = workspace.run("history", "--json").json
    assert [r["sha"] for r in data] == [first, second]


@pytest.mark.parametrize("command", [[], ["run"], ["validate"], ["history"], ["demo"]])
def test_help_for_every_command(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", *command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "usage: vibe-gate" in done.stdout
    if not command:
        for code in ("0 +deploy or skip", "1 +blocked", "2 +invalid input", "3 +external failure", "4 +the build"):
            assert re.search(code, done.stdout), code


def test_11_validate_fails_when_a_required_metric_is_in_no_results_file(workspace: Workspace) -> None:
    workspace.write("results/r.json", {"hmmt25": 50.4, "livecodebench_v6": 51.1})
    done = workspace.run("validate")
    assert done.code == 2
    assert "metrics.aime25: in no results file (the results have: hmmt25, livecodebench_v6)" in done.stderr
    assert re.search(r"config/deploy\.yaml:\d+:1: metrics\.aime25", done.stderr)  # at its line (issue 21)

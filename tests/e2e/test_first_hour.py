"""A new user's first hour: init, help, fitting 80 columns, quiet pipes, honest headlines, the hints and
warnings a person needs. The real CLI in child processes, in temporary git repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli_hook import HOOK_PATH, hook_env
from tests.conftest import RESULTS, ROOT, Workspace, native
from tests.fake_netlify import FakeNetlify
from tests.tool_outputs import lm_eval_gsm8k


def test_init_writes_files_that_validate_accepts(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "repo")
    ws.write(
        "evals/results_2026-11-20T10-00-00.json",
        lm_eval_gsm8k(0.1, 0.8)
        | {"results": {"arc_easy": {"alias": "arc_easy", "acc,none": 0.7, "acc_stderr,none": 0.01}}},
    )
    ws.write("results/aime25.jsonl", "\n".join(json.dumps({"id": f"p{i}", "correctness": [1, 0, 1]}) for i in range(5)))
    ws.write("results/summary.json", {"hmmt25": 50.4, "livecodebench_v6": 51.1})
    ws.write("package.json", {"name": "site"})  # not a results file: never picked up
    ws.commit("evals", branch="main")
    ws.git("branch", "release/1.0")
    done = ws.run("init")
    assert done.code == 0, done.stderr
    assert "wrote config/deploy.yaml and .github/workflows/deploy-gate.yml" in done.stdout
    assert "NETLIFY_AUTH_TOKEN and NETLIFY_SITE_ID" in done.stdout  # the upload workflow's secrets
    config = (ws.path / "config/deploy.yaml").read_text()
    assert "primary: aime25" in config
    assert '"release/**": {deploy: true}' in config
    assert '# "hotfix/**"' in config  # not in use here: written, commented out
    valid = ws.run("validate", "--json")
    assert valid.code == 0, valid.stderr
    assert set(valid.json["benchmarks"]) == {"aime25", "arc_easy", "hmmt25", "livecodebench_v6"}
    workflow = (ws.path / ".github/workflows/deploy-gate.yml").read_text()
    for glob in ("evals/*.json", "results/*.jsonl", "results/*.json", "config/deploy.yaml"):
        assert f'"{glob}"' in workflow
    assert "  reserve: 2" not in config  # no hotfix rule is active: nothing is held back for one
    assert "# reserve: 2" in config
    assert "4. the workflow runs `uses: org/vibe-deploy-gate@v1`" in done.stdout
    again = ws.run("init")
    assert again.code == 0, again.stderr
    assert "kept config/deploy.yaml and .github/workflows/deploy-gate.yml: both exist" in again.stdout
    assert ws.run("init", "--force").code == 0


def test_the_quick_start_in_its_order_copy_the_workflow_then_init(tmp_path: Path) -> None:
    """Issue 21: README step 1 copies examples/workflow.yml, step 2 runs init — which writes the config it lacks
    and keeps the workflow as copied, saying so."""
    ws = Workspace(tmp_path / "repo")
    ws.write("results/summary.json", {"aime25": 74.4, "hmmt25": 50.4})
    copied = (ROOT / "examples" / "workflow.yml").read_text()
    ws.write(".github/workflows/deploy-gate.yml", copied)
    ws.commit("results and the workflow", branch="main")
    ws.git("branch", "hotfix/tokenizer")
    done = ws.run("init")
    assert done.code == 0, done.stderr
    assert "wrote config/deploy.yaml\n" in done.stdout
    assert "kept .github/workflows/deploy-gate.yml: it exists (--force rewrites it)" in done.stdout
    assert (ws.path / ".github/workflows/deploy-gate.yml").read_text() == copied
    config = (ws.path / "config/deploy.yaml").read_text()
    assert '  "hotfix/**": {deploy: true, min_gain: false, use_reserve: true}' in config
    assert "  reserve: 2                # kept for the hotfix rule above" in config  # the rule is active here
    assert ws.run("validate").code == 0


def test_init_in_a_repository_without_results_says_so(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "repo")
    ws.write("README.md", "hi\n")
    ws.commit("readme", branch="main")
    done = ws.run("init")
    assert done.code == 2
    assert "no results file" in done.stderr
    assert not (ws.path / "config/deploy.yaml").exists()


@pytest.mark.parametrize(
    "command", ["run", "validate", "history", "diff", "rollback", "prune", "doctor", "init", "demo"]
)
def test_each_command_lists_its_exit_codes(command: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), command, "--help"], capture_output=True, text=True, check=True
    )
    assert "exit codes:" in done.stdout
    assert "  0    " in done.stdout
    if command in ("history", "rollback", "prune", "doctor"):
        assert "--results" not in done.stdout  # they read no results
    if command == "run":
        assert "--event takes one of: pull_request, push, repository_dispatch, schedule, workflow_dispatch" in " ".join(
            done.stdout.split()
        )


@pytest.mark.parametrize("command", ["", "run", "rollback", "page", "prune", "doctor", "init"])
def test_every_help_fits_the_terminal(command: str) -> None:
    """Issue 21: descriptions are wrapped to $COLUMNS; the exit-code table keeps its columns."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), *([command] if command else []), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert max(len(line) for line in done.stdout.splitlines()) <= 80, done.stdout
    assert re.search(r"^  2    invalid input", done.stdout, re.MULTILINE)
    assert re.search(r"^       \S", done.stdout, re.MULTILINE)  # a long exit-code row continues under its text


def test_output_fits_80_columns(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    workspace.run(env=hook_env(hook))
    workspace.write(RESULTS, native(75.0, hmmt25=47.0))
    workspace.commit("second")
    done = workspace.run(env={**hook_env(hook), "COLUMNS": "80"})
    assert max(len(line) for line in done.stdout.splitlines()) <= 80, done.stdout
    wide = workspace.run("run", "--dry-run", env={**hook_env(hook), "COLUMNS": "300"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 80  # wrapping is the terminal's width, not a rule
    history = workspace.run("history", env={"COLUMNS": "80"})
    assert max(len(line) for line in history.stdout.splitlines()) <= 80, history.stdout
    wide_history = workspace.run("history", "--wide")
    assert "branch" in wide_history.stdout.splitlines()[0]


@pytest.mark.parametrize("args", [["history", "--json"], ["run", "--json", "--dry-run"]])
def test_a_closed_pipe_ends_quietly(workspace: Workspace, hook: HTTPServer, args: list[str]) -> None:
    workspace.seed_deploys(30)  # a ledger long enough to fill the pipe; the newest scores 77.3
    workspace.write(RESULTS, native(80.0))  # a gain: the dry run would deploy (exit 0)
    workspace.commit("candidate", branch="main")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "GITHUB_"))}
    shell = f'{sys.executable} {ROOT / "entrypoint.py"} {" ".join(args)} | head -1; echo "exit=${{PIPESTATUS[0]}}"'
    done = subprocess.run(
        ["bash", "-c", shell],
        cwd=workspace.path,
        env={**env, **hook_env(hook)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "BrokenPipe" not in done.stderr
    assert "internal error" not in done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[-1] in ("exit=0", "exit=141")


def test_a_hook_that_fails_heads_the_line_with_deploy_failed(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=404)
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": httpserver.url_for(HOOK_PATH)})
    assert done.code == 3
    assert done.stdout.splitlines()[-1].startswith("DEPLOY FAILED: ")


def test_cli_errors_name_the_cli_flags(workspace: Workspace) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    done = workspace.run("rollback", "--previous", env={"NETLIFY_SITE_ID": "site"})
    assert "--netlify-token (or NETLIFY_AUTH_TOKEN) is missing" in done.stderr
    no_hook = workspace.run()
    assert "--build-hook-url (or VIBE_BUILD_HOOK_URL)" in no_hook.stderr


def test_a_fraction_under_a_percentage_floor_gets_a_hint(workspace: Workspace) -> None:
    workspace.write(RESULTS, {"aime25": 0.744, "hmmt25": 0.504, "livecodebench_v6": 0.511})
    workspace.commit("fractions", branch="main")
    done = workspace.run("run", "--dry-run", env={"COLUMNS": "400"})
    assert done.code == 1
    assert "0.74 < floor 70 (scores are on a 0-100 scale: 0.74 looks like a fraction — write 74.4)" in done.stdout


def test_results_that_differ_from_head_are_named(workspace: Workspace) -> None:
    workspace.write(RESULTS, native(74.4))
    sha = workspace.commit("first", branch="main")
    workspace.write(RESULTS, native(80.0))  # not committed
    done = workspace.run("run", "--dry-run")
    assert f"warning: {RESULTS} differs from HEAD ({sha[:7]})" in done.stderr
    assert "commit it first" in done.stderr
    clean = workspace.run("run", "--dry-run", "--sha", sha)
    assert "from HEAD" not in clean.stderr


def test_a_missing_brace_is_reported_on_its_own_line(workspace: Workspace) -> None:
    workspace.write("config/deploy.yaml", "version: 1\nprimary: aime25\nmetrics:\n  aime25: {min: 70\n  hmmt25: {}\n")
    workspace.write(RESULTS, native(74.4))
    workspace.commit("broken", branch="main")
    done = workspace.run("validate")
    assert done.code == 2
    assert "config/deploy.yaml:4:11: invalid YAML: the '{' opened here is not closed" in done.stderr


def test_the_demo_runs_outside_a_checkout_from_the_installed_package(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("VIBE_")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo OK" in done.stdout
    assert (ROOT / "vibe_action" / "examples" / "demo" / "scenario.yaml").is_file()  # shipped as package data


def test_progress_lines_while_waiting_for_the_deploy(workspace: Workspace, netlify: FakeNetlify) -> None:
    from tests.netlify_runs import deploy_commit

    netlify.polls_until_final = 3  # building for a few polls
    _, done = deploy_commit(workspace, netlify, 74.4)
    assert done.code == 0, done.stderr
    assert re.search(r"^waiting for deploy \w+… \(building, \d+ s of 5 s\)$", done.stderr, re.MULTILINE), done.stderr


def test_retries_of_the_hook_are_announced(workspace: Workspace, netlify: FakeNetlify) -> None:
    from tests.fake_netlify import HookFault
    from tests.netlify_runs import deploy_commit

    netlify.hook_faults = [HookFault(429, {"Retry-After": "1"})]  # refused, so safe to send again
    _, done = deploy_commit(workspace, netlify, 74.4)
    assert done.code == 0, done.stderr
    assert "build hook: nothing was started; trying again in 1 s" in done.stderr


def test_json_is_there_for_every_command_that_reports(workspace: Workspace, netlify: FakeNetlify) -> None:
    from tests.netlify_runs import deploy_commit, env

    deploy_commit(workspace, netlify, 74.4)
    for command in ("doctor", "prune"):
        done = workspace.run(command, "--json", env=env(netlify))
        data = json.loads(done.stdout)
        assert data["command"] == command
        assert isinstance(data["found"], int)
        assert data["report"].startswith(f"{command}:")


def test_history_shows_a_screenful_by_default(workspace: Workspace) -> None:
    lines = [
        json.dumps(
            {
                "id": f"r{i}",
                "sha": f"{i:02x}" + "a" * 38,
                "branch": "main",
                "time": "2026-11-01T00:00:00Z",
                "status": "success",
                "scores": {"aime25": 70.0},
                "environment": "production",
            }
        )
        for i in range(30)
    ]
    workspace.write(".vibe-deploy-gate/ledger.jsonl", "\n".join(lines) + "\n")
    out = workspace.run("history").stdout
    assert "1daaaaa" in out  # the newest (29) first
    assert "05aaaaa" not in out
    assert "… 10 older snapshot(s); --limit 0 shows them all" in out
    everything = workspace.run("history", "--limit", "0").stdout.splitlines()
    assert len(everything) == 31  # a header row, then one line per snapshot (these have no URL)
    assert everything[0].split() == ["time", "(UTC)", "version", "sha", "status", "aime25"]
    assert len(workspace.run("history", "--json", "--limit", "3").json) == 3


def test_every_changed_file_read_is_named_as_git_answers_while_the_gate_decides(workspace: Workspace) -> None:
    """Which files differ from HEAD is asked as soon as they are read (git answers while the gate decides): the
    warning names each, once, in order."""
    workspace.write(RESULTS, native(74.4))
    workspace.write("results/extra.json", {"gsm8k": 80.0})  # read by the glob: shown, gated by no metric
    sha = workspace.commit("first", branch="main")
    workspace.write("results/extra.json", {"gsm8k": 81.0})
    one = workspace.run("run", "--dry-run")
    assert f"warning: results/extra.json differs from HEAD ({sha[:7]})" in one.stderr
    workspace.write(RESULTS, native(80.0))
    both = workspace.run("run", "--dry-run")
    assert f"warning: results/extra.json, {RESULTS} differ from HEAD ({sha[:7]})" in both.stderr
    assert "commit them first" in both.stderr

"""No text from results, config, branch names or commit data can start a workflow command.

The runner reads every line of stdout and stderr for `::command::` (and the older `##[command]`). These tests
read the action's output the way the runner does — honouring `::stop-commands::<token>` — and check that the
only commands in it are the gate's own."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pytest_httpserver import HTTPServer

from tests.actions_env import action_env, push_payload, run_action
from tests.conftest import CONFIG, RESULTS, Workspace
from tests.fake_github import FakeGitHub
from tests.hostile import HOSTILE, obeyed_commands

INJECTION = "x\n::set-output name=decision::skip\n::add-mask::aime25\n::stop-commands::t\n##[set-output name=a;]b"


@dataclass(frozen=True)
class Command:
    name: str
    text: str


def runner_commands(output: str) -> list[Command]:
    """The workflow commands a runner would act on in `output`."""
    found: list[Command] = []
    token = ""
    for line in output.splitlines():
        stripped = line.strip()
        if token:
            if stripped == f"::{token}::":
                token = ""
            continue
        match = re.match(r"::([\w-]+)(?: [^:]*)?::(.*)", stripped)
        if match:  # a line that parses as a `::` command is not read again as a `##[` one (as the runner does)
            found.append(Command(match[1], match[2]))
            if match[1] == "stop-commands":
                token = match[2]
        elif "##[" in stripped:
            found.append(Command("##[", stripped))
    return found


def assert_only_our_commands(output: str) -> None:
    for command in runner_commands(output):
        assert command.name in ("add-mask", "error", "warning", "notice", "stop-commands"), command
        if command.name == "stop-commands":
            assert re.fullmatch(r"[0-9a-f]{32}", command.text), command  # ours: a random token
        if command.name == "add-mask":
            assert command.text != "aime25", command
        assert "set-output" not in command.text or "%0A" in command.text, command


def test_the_runner_model_sees_injected_commands_in_plain_output() -> None:
    """Guard the guard: unescaped, the injection string would be three commands and a v1 command."""
    names = [c.name for c in runner_commands(INJECTION)]
    assert names == ["set-output", "add-mask", "stop-commands"]  # the last stops the rest: ##[ is not seen
    assert [c.name for c in runner_commands("ok\n##[set-output name=a;]b")] == ["##["]


def test_hostile_names_in_results_config_and_branch_start_no_command(
    workspace: Workspace, fake_github: FakeGitHub, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(re.compile("/build_hooks/.*"), method="POST").respond_with_data("", status=200)
    hostile_metric = INJECTION.replace("\n", " ")[:150]  # a YAML key holds no newline; quoted, it holds the rest
    config = CONFIG.replace("metrics:\n", f'metrics:\n  "{hostile_metric}":\n    optional: true\n', 1)
    workspace.write("config/deploy.yaml", config)
    workspace.write(
        RESULTS,
        {
            "model": {"name": INJECTION, "revision": INJECTION},
            "benchmarks": {
                "aime25": {"score": 77.5},
                "hmmt25": {"score": 50.4},
                "livecodebench_v6": {"score": 51.1},
                INJECTION: {"score": 10.0},
            },
        },
    )
    sha = workspace.commit("hostile", branch="main")
    branch = "main" + INJECTION
    env = action_env(
        workspace,
        fake_github,
        fake_github.url,
        "push",
        push_payload(sha, "main", [RESULTS], fake_github.repository),
        sha,
        branch,
        {"INPUT_BUILD_HOOK_URL": httpserver.url_for("/build_hooks/0123456789abcdef01234567"), "INPUT_DRY_RUN": "true"},
    )
    result = run_action(workspace, env)
    assert result.code in (0, 1, 2), result.stderr
    assert "set-output name=decision::skip" in result.stdout + result.stderr  # the text is shown ...
    assert_only_our_commands(result.stdout)  # ... but never acted on
    assert_only_our_commands(result.stderr)
    assert result.outputs["decision"] == "skip"  # the branch matches no rule: report only
    assert "matches no rule under branches" in result.outputs["reason"]
    assert hostile_metric in result.stdout  # the config's metric name, in the table


def test_hostile_names_through_the_cli_in_actions_start_no_command(workspace: Workspace) -> None:
    workspace.write(
        RESULTS, {"benchmarks": {"aime25": {"score": 77.5}, "hmmt25": {"score": 50.4}, INJECTION: {"score": 1.0}}}
    )
    workspace.commit("hostile", branch="main")
    done = workspace.run("run", "--dry-run", env={"GITHUB_ACTIONS": "true"})
    assert "::set-output name=decision::skip" in done.stdout
    assert_only_our_commands(done.stdout)
    assert_only_our_commands(done.stderr)
    plain = workspace.run("run", "--dry-run")  # outside Actions the text is printed as it is
    assert not re.search(r"::stop-commands::[0-9a-f]{32}", plain.stdout)
    assert re.search(r"::stop-commands::[0-9a-f]{32}", done.stdout)


def test_hostile_names_reach_the_cli_output_inert(workspace: Any) -> None:
    workspace.write("results/r.json", {HOSTILE: 80.0, "aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.write(f"results/x\n::warning::pwned\n{HOSTILE[:8]}.json", {"gsm8k": 70.0})
    workspace.commit("x", branch="main")
    for command, env in (
        (["--dry-run"], {}),
        (["validate"], {"GITHUB_ACTIONS": "true"}),
        (["validate", "--json"], {}),
    ):
        done = workspace.run(*command, env=env)
        text = done.stdout + done.stderr
        assert done.code == 0, text
        assert "\x1b" not in text
        assert "\x9b" not in text
        assert "\u202e" not in text
        assert "\r" not in text
        if env:  # under Actions no line of it is a command the runner would obey
            assert obeyed_commands(text) == []


def test_a_ledger_url_cannot_become_a_workflow_command(workspace: Any) -> None:
    line = {
        "sha": "a" * 40,
        "branch": "main",
        "time": "2026-11-02T10:00:00Z",
        "status": "success",
        "scores": {"aime25": 74.4},
        "id": "r1",
        "deploy_url": "https://x.netlify.app/\n::warning::pwned",
    }
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps(line) + "\n")
    done = workspace.run("history", env={"GITHUB_ACTIONS": "true"})
    assert done.code == 0, done.stderr
    assert obeyed_commands(done.stdout) == []

"""Untrusted text reaches a terminal or a runner's log only through its sink (issue 19): no escape sequence,
control or bidi character, and — under GitHub Actions — no line that the runner reads as a workflow command."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action.errors import terminal_safe

HOSTILE = "aime\x1b[2J\x1b]0;pwned\x07\x9b31m\u202ereversed\u200b\rover\x00"


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_terminal_safe_leaves_no_control_or_invisible_character(text: str) -> None:
    shown = terminal_safe(text)
    allowed = {"\n", "\t"}
    for char in shown:
        code = ord(char)
        assert char in allowed or not (code < 0x20 or 0x7F <= code <= 0x9F), repr(char)
        assert not 0x200B <= code <= 0x200F
        assert not 0x2028 <= code <= 0x202E
        assert not 0x2060 <= code <= 0x2069
        assert code != 0xFEFF
    shown.encode("utf-8")  # lone surrogates are escaped too


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


def obeyed_commands(log: str) -> list[str]:
    """The workflow commands a runner would act on: `::…` lines outside `::stop-commands::T` … `::T::`."""
    obeyed, stopped_by = [], ""
    for line in log.splitlines():
        if stopped_by:
            stopped_by = "" if line == f"::{stopped_by}::" else stopped_by
        elif line.startswith("::stop-commands::"):
            stopped_by = line.removeprefix("::stop-commands::")
        elif line.startswith("::") or line.startswith("##["):
            obeyed.append(line)
    return obeyed


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

"""Any ledger line, through every command that reads the ledger: an answer or a clear error, never an internal
error (issue 19). The lines start as records the gate writes and have one field replaced by arbitrary JSON — the
top level and inside `extra` — or are arbitrary text; the commands run in-process against a fake Netlify."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CONFIG, Workspace, make_netlify_server, native
from tests.fake_netlify import SITE_ID, TOKEN
from vibe_action.cli.main import main
from vibe_action.cli.parser import COMMAND_EXITS

SHA = "a" * 40
VALID = {
    "sha": SHA,
    "branch": "main",
    "time": "2026-11-20T10:00:00Z",
    "status": "success",
    "scores": {"aime25": 74.4, "hmmt25": 50.4},
    "id": "r1",
    "environment": "production",
    "decision": "deploy",
    "reasons": ["first deploy"],
    "deploy_id": "d1",
    "deploy_url": "https://d1--vibe-demo.netlify.app",
    "extra": {
        "month": "2026-11",
        "title": "aime25 74.4 @ aaaaaaa",
        "month_spent_before": 0,
        "version_number": 1,
        "version_branch": "versions/v1",
        "benchmarks": {"aime25": {"n": 30, "stderr": 1.2, "samples": 1, "settings": {}, "items": None}},
        "report": [{"name": "aime25", "baseline": None, "current": 74.4, "delta": None, "rules": [], "passed": True}],
    },
}
TOP = [k for k in VALID if k != "extra"]
EXTRA = [*VALID["extra"], "rebuilt", "locked", "version_build", "version_url", "commit_mismatch", "rollback_of"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def ledger_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["top", "extra", "text", "valid"]))
    record = json.loads(json.dumps(VALID))
    if kind == "text":
        return draw(st.text(max_size=60)).replace("\n", " ")
    if kind == "top":
        record[draw(st.sampled_from(TOP))] = draw(json_values)
    elif kind == "extra":
        record["extra"][draw(st.sampled_from(EXTRA))] = draw(json_values)
    record["id"] = draw(st.sampled_from(["r1", "r2", "r3"]))
    return json.dumps(record, allow_nan=True)


COMMANDS = [
    ["run", "--dry-run", "--sha", "b" * 40, "--branch", "main"],
    ["history"],
    ["page", "--out", "{workspace}/site"],
    ["rollback", "--to", "v1"],
    ["prune"],
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Any]]:
    ws = Workspace(tmp_path_factory.mktemp("fuzz") / "repo")
    ws.write("config/deploy.yaml", CONFIG)
    ws.write("results/r.json", native(77.5))
    ws.commit("candidate", branch="main")
    with make_netlify_server() as netlify:
        yield ws, netlify


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(ledger_line(), min_size=1, max_size=3))
def test_any_ledger_line_is_an_answer_or_a_clear_error(world: tuple[Workspace, Any], lines: list[str]) -> None:
    ws, netlify = world
    ledger = Path(ws.path, ".vibe-deploy-gate", "ledger.jsonl")
    ledger.parent.mkdir(exist_ok=True)
    ledger.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    env = {
        "NETLIFY_AUTH_TOKEN": TOKEN,
        "NETLIFY_SITE_ID": SITE_ID,
        "VIBE_NETLIFY_API_URL": netlify.api_url,
        "PATH": "/usr/bin:/bin",
    }
    for command in COMMANDS:
        out, err = io.StringIO(), io.StringIO()
        argv = [arg.format(workspace=ws.path) for arg in command]
        code = main([*argv, "--workspace", str(ws.path)], env=env, stdout=out, stderr=err)
        assert "internal error" not in err.getvalue(), (command, lines, err.getvalue())
        assert code in COMMAND_EXITS[command[0]], (command, lines, code, err.getvalue())
        if code >= 2:
            assert err.getvalue().startswith("error: "), (command, err.getvalue())
        if code == 2 and "ledger.jsonl" in err.getvalue():
            assert ".vibe-deploy-gate/ledger.jsonl:" in err.getvalue(), err.getvalue()  # with its line

"""Issue 32 through the real CLI: `run` says what changed per problem against the deployed run (text, markdown,
JSON), the snapshot keeps its item ids, `vibe-gate diff` shows the same view between any two versions or a
results folder, and the first run on a benchmark gives its sampling plan."""

from __future__ import annotations

import json
import shutil

from pytest_httpserver import HTTPServer

from tests.cli_hook import hook_env
from tests.conftest import CONFIG, ROOT, Workspace

EXAMPLES = ROOT / "examples"
PER_ITEM = CONFIG + "results: [results/*.json, results/*.jsonl]\n"


def commit_run(ws: Workspace, summary: str, aime: str, branch: str = "main") -> str:
    ws.write("config/deploy.yaml", PER_ITEM)
    (ws.path / "results").mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / summary, ws.path / "results" / "vibethinker-1.5b.json")
    shutil.copy(EXAMPLES / aime, ws.path / "results" / "aime25.jsonl")
    return ws.commit(f"results {aime}", branch=branch)


def test_a_run_says_what_changed_per_problem_and_the_snapshot_keeps_its_ids(
    workspace: Workspace, hook: HTTPServer
) -> None:
    commit_run(workspace, "results/vibethinker-1.5b.json", "results/aime25.jsonl")
    first = workspace.run("--json", env=hook_env(hook))
    assert first.code == 0, first.stdout + first.stderr
    assert first.json["problems"] == []  # nothing to compare with yet
    (aime_plan,) = [p for p in first.json["sampling_plan"] if p["benchmark"] == "aime25"]
    assert (aime_plan["problems"], aime_plan["samples"]) == (30, 64)
    stored = workspace.ledger_lines()[-1]["extra"]["benchmarks"]["aime25"]["items"]
    assert "names" in stored  # the ids, compressed, beside the counts
    commit_run(workspace, "demo/03-real-gain.json", "demo/03-aime25.jsonl")
    text = workspace.run(env=hook_env(hook))
    assert text.code == 0, text.stdout + text.stderr
    assert "per problem:" in text.stdout
    assert "aime25: 7 up, 0 down of 30 problems" in text.stdout
    assert "↑ aime25-25: 15/64 → 24/64" in text.stdout
    assert "what each benchmark can detect" not in text.stdout  # said on the first run only


def test_vibe_gate_diff_between_versions_and_against_a_results_folder(workspace: Workspace, hook: HTTPServer) -> None:
    commit_run(workspace, "results/vibethinker-1.5b.json", "results/aime25.jsonl")
    assert workspace.run(env=hook_env(hook)).code == 0
    commit_run(workspace, "demo/03-real-gain.json", "demo/03-aime25.jsonl")
    assert workspace.run(env=hook_env(hook)).code == 0
    between = workspace.run("diff", "v1", "v2", "--json")
    assert between.code == 0, between.stdout + between.stderr
    (aime,) = between.json["problems"]
    assert (aime["benchmark"], aime["up"], aime["down"], aime["problems"]) == ("aime25", 7, 0, 30)
    assert {m["item"] for m in aime["moves"]} >= {"aime25-25", "aime25-26"}
    assert between.json["notes"] == []
    markdown = workspace.run("diff", "v1", "v2", "--markdown")
    assert "<details><summary>7 problems moved</summary>" in markdown.stdout
    (workspace.path / "candidate").mkdir()
    shutil.copy(EXAMPLES / "demo" / "04-aime25.jsonl", workspace.path / "candidate" / "aime25.jsonl")
    folder = workspace.run("diff", "candidate")
    assert folder.code == 0, folder.stdout + folder.stderr
    assert folder.stdout.startswith("live (")
    assert "→ candidate" in folder.stdout.splitlines()[0]
    assert "aime25:" in folder.stdout
    missing = workspace.run("diff", "v9")
    assert missing.code == 2
    assert "no version v9" in missing.stderr


def test_a_snapshot_from_before_ids_were_kept_is_named_by_the_newer_run(workspace: Workspace, hook: HTTPServer) -> None:
    commit_run(workspace, "results/vibethinker-1.5b.json", "results/aime25.jsonl")
    assert workspace.run(env=hook_env(hook)).code == 0
    ledger = workspace.path / ".vibe-deploy-gate" / "ledger.jsonl"
    lines = [json.loads(line) for line in ledger.read_text().splitlines()]
    for line in lines:  # as the gate wrote it before issue 32: the ids' hash, no ids
        for bench in (line.get("extra") or {}).get("benchmarks", {}).values():
            if bench.get("items"):
                bench["items"].pop("names", None)
    ledger.write_text("".join(json.dumps(line) + "\n" for line in lines))
    commit_run(workspace, "demo/03-real-gain.json", "demo/03-aime25.jsonl")
    done = workspace.run(env=hook_env(hook))
    assert done.code == 0, done.stdout + done.stderr
    assert "↑ aime25-25: 15/64 → 24/64" in done.stdout  # the same problems: named by this run's ids
    between = workspace.run("diff", "v1", "v2")
    assert between.code == 0, between.stdout + between.stderr
    assert "aime25-25" in between.stdout  # v2 kept its ids; v1 ran the same problems


def test_two_snapshots_without_ids_take_them_from_the_results_at_their_commits(
    workspace: Workspace, hook: HTTPServer
) -> None:
    commit_run(workspace, "results/vibethinker-1.5b.json", "results/aime25.jsonl")
    assert workspace.run(env=hook_env(hook)).code == 0
    commit_run(workspace, "demo/03-real-gain.json", "demo/03-aime25.jsonl")
    assert workspace.run(env=hook_env(hook)).code == 0
    ledger = workspace.path / ".vibe-deploy-gate" / "ledger.jsonl"
    lines = [json.loads(line) for line in ledger.read_text().splitlines()]
    for line in lines:  # both as the gate wrote them before issue 32
        for bench in (line.get("extra") or {}).get("benchmarks", {}).values():
            if bench.get("items"):
                bench["items"].pop("names", None)
    ledger.write_text("".join(json.dumps(line) + "\n" for line in lines))
    between = workspace.run("diff", "v1", "v2", "--json")
    assert between.code == 0, between.stdout + between.stderr
    (aime,) = between.json["problems"]
    assert "aime25-25" in {m["item"] for m in aime["moves"]}  # read from results/aime25.jsonl at each commit
    assert between.json["notes"] == []


def test_a_benchmark_too_large_to_keep_its_ids_is_said_before_the_snapshot_is_written(
    workspace: Workspace, hook: HTTPServer
) -> None:
    import random

    rng = random.Random(5)
    rows = [{"id": f"lcb-{rng.getrandbits(64):016x}", "correctness": [i % 2]} for i in range(4000)]
    workspace.write("config/deploy.yaml", CONFIG + "results: [results/*.json, results/*.jsonl]\n")
    workspace.write("results/lcb_full.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    for name in ("vibethinker-1.5b.json", "aime25.jsonl"):
        shutil.copy(EXAMPLES / "results" / name, workspace.path / "results" / name)
    workspace.commit("a large benchmark", branch="main")
    done = workspace.run(env=hook_env(hook))
    assert done.code == 0, done.stdout + done.stderr
    assert "the snapshot keeps only a hash of the item ids of lcb_full" in done.stdout
    stored = workspace.ledger_lines()[-1]["extra"]["benchmarks"]["lcb_full"]["items"]
    assert "names" not in stored
    assert stored["n"] == 4000

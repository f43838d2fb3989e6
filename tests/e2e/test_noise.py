"""Noise-aware decisions end to end, on both ledgers: the local file (CLI) and GitHub Deployments (action)."""

from __future__ import annotations

import json

from pytest_httpserver import HTTPServer

from tests.actions_env import HOOK_PATH, action_env, push_payload, run_action
from tests.conftest import CONFIG, Workspace
from tests.fake_github import FakeGitHub
from tests.noise_data import K, base_counts, within_noise

NOISE_CONFIG = (
    CONFIG.replace("    min: 70\n", "    min: 20\n")
    .replace("    min: 45\n", "    min: 20\n")
    .replace('min_gain: "2%"', "min_gain: 1")
    .replace("version: 1\n", "version: 1\nresults: [results/*.json, results/*.jsonl]\n")
)
OTHERS = {"hmmt25": 50.0, "livecodebench_v6": 50.0}


def write_run(ws: Workspace, counts: list[int], samples: int = K) -> None:
    lines = [
        json.dumps({"id": f"aime25-{i:02d}", "correctness": [1] * c + [0] * (samples - c)})
        for i, c in enumerate(counts)
    ]
    ws.write("results/aime25.jsonl", "\n".join(lines) + "\n")
    ws.write("results/others.json", OTHERS)


def test_local_ledger_within_noise_then_real_gain_then_partial(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=200)
    env = {"VIBE_BUILD_HOOK_URL": httpserver.url_for(HOOK_PATH)}
    workspace.write("config/deploy.yaml", NOISE_CONFIG)
    base = base_counts()
    write_run(workspace, base)
    workspace.commit("first", branch="main")
    assert workspace.run(env=env).code == 0
    record = workspace.ledger_lines()[0]
    digest = record["extra"]["benchmarks"]["aime25"]["items"]
    assert (digest["n"], digest["k"]) == (30, K)

    write_run(workspace, within_noise(base))
    workspace.commit("+1.3 within noise")
    noisy = workspace.run("--json", env=env).json
    assert noisy["decision"] == "skip"
    assert "within noise; this benchmark detects" in noisy["reasons"][0]
    (noise,) = [rule for rule in noisy["metrics"][0]["rules"] if rule["rule"] == "noise"]
    assert noise["significance"]["method"] == "paired"

    write_run(workspace, [min(K, c + 5) if c < K else c for c in base])
    workspace.commit("real gain")
    real = workspace.run("--json", env=env).json
    assert real["decision"] == "deploy", real["reasons"]

    write_run(workspace, [K] * 28)
    workspace.commit("partial run")
    partial = workspace.run(env=env)
    assert partial.code == 1
    assert "aime25: partial run: 28 of the deployed run's 30 items" in partial.stdout
    assert sum(1 for request, _ in httpserver.log if request.method == "POST") == 2


def test_github_ledger_carries_the_digest_for_the_paired_test(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    workspace.write("config/deploy.yaml", NOISE_CONFIG)
    base = base_counts()
    for counts, expected in ((base, "deploy"), (within_noise(base), "skip")):
        write_run(workspace, counts)
        sha = workspace.commit("run", branch="main")
        env = action_env(
            workspace,
            fake_github,
            fake_github.url,
            "push",
            push_payload(sha, "main", ["results/aime25.jsonl"], fake_github.repository),
            sha,
            "main",
            {"INPUT_BUILD_HOOK_URL": hook_server.url_for(HOOK_PATH)},
        )
        result = run_action(workspace, env)
        assert result.outputs["decision"] == expected, result.stdout
    (deployment,) = fake_github.deployments.values()
    kept = deployment["payload"]["vibe_deploy_gate"]["benchmarks"]["aime25"]["items"]
    assert (kept["n"], kept["k"]) == (30, K)
    assert len(kept["c"]) == 40  # 30 counts, one byte each, in base64
    (_, check) = fake_github.check_runs.values()
    assert "within noise; this benchmark detects ≥ " in check["output"]["title"]

"""Noise-aware decisions end to end, on both ledgers: the local file (CLI) and GitHub Deployments (action)."""

from __future__ import annotations

import json

from pytest_httpserver import HTTPServer

from tests.actions_env import HOOK_PATH, action_env, push_payload, run_action
from tests.actions_env import push as push_and_run
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


def first_deploy(workspace: Workspace, httpserver: HTTPServer) -> tuple[dict[str, str], list[int]]:
    """The noise config and a first run of per-problem results on main, deployed through a hook that accepts:
    (the run's environment, the per-problem counts that went live)."""
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=200)
    env = {"VIBE_BUILD_HOOK_URL": httpserver.url_for(HOOK_PATH)}
    workspace.write("config/deploy.yaml", NOISE_CONFIG)
    base = base_counts()
    write_run(workspace, base)
    workspace.commit("first", branch="main")
    assert workspace.run(env=env).code == 0
    return env, base


def test_local_ledger_within_noise_then_real_gain_then_partial(workspace: Workspace, httpserver: HTTPServer) -> None:
    env, base = first_deploy(workspace, httpserver)
    record = workspace.ledger_lines()[0]
    digest = record["extra"]["benchmarks"]["aime25"]["items"]
    assert (digest["n"], digest["k"]) == (30, K)

    write_run(workspace, within_noise(base))
    workspace.commit("+1.3 within noise")
    noisy = workspace.run("--json", env=env).json
    assert noisy["decision"] == "skip"
    assert "within re-run noise; this benchmark detects" in noisy["reasons"][0]
    (noise,) = [rule for rule in noisy["metrics"][0]["rules"] if rule["rule"] == "noise"]
    assert noise["significance"]["method"] == "rerun"  # the default question: beyond re-run noise?

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
    assert "within re-run noise; this benchmark detects ≥ " in check["output"]["title"]


def _noise(done: object) -> dict[str, object]:
    decision = done.json  # type: ignore[attr-defined]
    (noise,) = [rule for rule in decision["metrics"][0]["rules"] if rule["rule"] == "noise"]
    return dict(noise["significance"])


def test_successive_comparisons_with_one_live_version_share_its_budget(
    workspace: Workspace, httpserver: HTTPServer
) -> None:
    """Issue 29: every results change after a deploy is compared with the same live version, each at a level
    that spends from one budget (alpha 6/(pi^2 j^2)), counted from the repository: commits that change no
    results do not count, a re-run of the same commit gives the same number, and a deploy starts again."""
    env, base = first_deploy(workspace, httpserver)  # v1 is live
    levels = []
    for step in range(3):
        write_run(workspace, within_noise(base, net=10 + step))
        workspace.commit(f"results {step}")
        workspace.write("README.md", f"notes {step}\n")
        workspace.commit("docs only: not a comparison")
        noise = _noise(workspace.run("--dry-run", "--json", env=env))
        levels.append((noise["comparison"], noise["alpha"]))
    assert [j for j, _ in levels] == [1, 2, 3]
    assert [a for _, a in levels] == [round(0.05 * 6 / (3.141592653589793**2 * j**2), 6) for j in (1, 2, 3)]
    again = _noise(workspace.run("--dry-run", "--json", env=env))
    assert (again["comparison"], again["alpha"]) == levels[-1]  # the same commit, the same answer
    text = workspace.run("--dry-run", env=env).stdout
    assert "comparison 3 with the live version: judged at p < 0.0034 (of its 5 % budget)" in text
    write_run(workspace, [min(K, c + 6) if c < K else c for c in base])  # a real gain: v2 goes live
    workspace.commit("real gain")
    assert workspace.run(env=env).code == 0
    write_run(workspace, within_noise(base, net=200))
    workspace.commit("after v2")
    assert _noise(workspace.run("--dry-run", "--json", env=env))["comparison"] == 1  # a new budget


def test_the_count_after_a_rollback_starts_when_it_went_live(workspace: Workspace) -> None:
    """A rollback puts an old commit live again: the commits between it and the candidate were compared with
    other live versions, so only those committed since the rollback count. A commit git does not have (a
    shallow checkout) gives no count rather than a wrong one."""
    import os
    import subprocess

    from vibe_action.inputs.gitinfo import results_commits

    workspace.write("results/r.json", {"aime25": 70.0})
    old = workspace.commit("v1", branch="main")
    for step in range(3):
        workspace.write("results/r.json", {"aime25": 71.0 + step})
        workspace.commit(f"compared with later live versions: {step}")
    workspace.write("results/r.json", {"aime25": 75.0})
    workspace.git("add", "-A")
    later = {"GIT_COMMITTER_DATE": "2099-01-02T00:00:00Z", "GIT_AUTHOR_DATE": "2099-01-02T00:00:00Z"}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "after the rollback"],
        cwd=workspace.path,
        env={**os.environ, **later},
        check=True,
    )
    head = workspace.git("rev-parse", "HEAD")
    paths = ["results/*.json", "config/deploy.yaml"]
    assert results_commits(workspace.path, old, head, paths) == 4  # without a rollback: every one since v1
    assert results_commits(workspace.path, old, head, paths, since="2099-01-01T00:00:00Z") == 1
    assert results_commits(workspace.path, "f" * 40, head, paths) is None


def test_the_action_counts_comparisons_through_githubs_compare_api(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer
) -> None:
    """The action's checkout is shallow, so the count comes from GitHub's copy of the history: one compare
    request and one get-a-commit per commit on the first-parent chain (a docs-only commit does not count)."""
    workspace.write("config/deploy.yaml", NOISE_CONFIG)
    base = base_counts()

    def push(counts: list[int], message: str, files: list[str]) -> dict[str, str]:
        if counts:
            write_run(workspace, counts)
        else:
            workspace.write("README.md", message)
        _, result = push_and_run(workspace, fake_github, hook_server, files=files)
        assert result.code in (0, 1), result.stdout + result.stderr
        return result.outputs

    assert push(base, "v1", ["results/aime25.jsonl"])["decision"] == "deploy"
    reads = len(fake_github.requests("GET", "/compare/"))
    push(within_noise(base, net=10), "first change", ["results/aime25.jsonl"])
    push([], "docs", ["README.md"])  # the action skips it at once: no results or config change
    outputs = push(within_noise(base, net=12), "second change", ["results/aime25.jsonl"])
    assert outputs["decision"] == "skip"
    # Two per run with a gain test: the comparison, then its commits a page at a time (PyGithub's
    # Comparison.commits); none for the docs-only push.
    assert len(fake_github.requests("GET", "/compare/")) == reads + 4
    report = (workspace.path / outputs["report"]).read_text() if outputs.get("report") else ""
    check = list(fake_github.check_runs.values())[-1]
    assert "comparison 2 with the live version" in check["output"]["summary"] + report
    assert fake_github.requests("GET", "/commits/")  # the files of the commits between were read


def test_pull_requests_spend_nothing_and_a_merged_one_counts_once(workspace: Workspace, httpserver: HTTPServer) -> None:
    """Previews on a pull request's branch are not on the deploy branch's first-parent chain: they spend none of
    its budget; merged, the pull request is one comparison (its merge commit), however many commits it had."""
    workspace.write(".gitignore", ".vibe-deploy-gate/\n")  # the local ledger stays put across checkouts
    env, base = first_deploy(workspace, httpserver)  # v1 is live
    workspace.git("checkout", "-q", "-b", "feature")
    for step in range(3):
        write_run(workspace, within_noise(base, net=5 + step))
        workspace.commit(f"feature {step}")
        preview = _noise(workspace.run("--dry-run", "--json", "--event", "pull_request", "--branch", "main", env=env))
        assert preview["comparison"] == step + 1  # the preview is judged along its own branch
    workspace.git("checkout", "-q", "main")
    write_run(workspace, within_noise(base, net=9))
    workspace.commit("main after the previews")
    on_main = workspace.run("--dry-run", "--json", env=env)
    assert on_main.code in (0, 1), on_main.stdout + on_main.stderr
    assert _noise(on_main)["comparison"] == 1  # the previews spent nothing
    workspace.git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "merge", "-q", "--no-ff", "-X", "theirs",
                  "-m", "merge feature", "feature")  # fmt: skip
    assert _noise(workspace.run("--dry-run", "--json", env=env))["comparison"] == 2  # the merge: one more

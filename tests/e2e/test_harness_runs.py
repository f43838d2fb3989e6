"""Stock evaluation outputs as the harnesses write them, run history included (issue 18): lm-eval writes a new
`results_<stamp>.json` and `samples_<task>_<stamp>.jsonl` on every run, lighteval a new `results_<stamp>.json`.
Files come from tests/tool_outputs.py (lm-eval 0.4.9, lighteval 0.12 layouts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.tool_outputs import lighteval, lm_eval_aime25, lm_eval_samples_aime25
from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results

OLD, NEW = "2026-11-20T10-00-00.123456", "2026-11-21T09-30-00.654321"
DAY = 86400.0


def write(root: Path, name: str, content: Any) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, list):
        path.write_text("\n".join(json.dumps(row) for row in content) + "\n")
    else:
        path.write_text(json.dumps(content, indent=2))


def flags(correct: int, n: int = 30) -> list[int]:
    return [1] * correct + [0] * (n - correct)


def lm_eval_run(root: Path, stamp: str, correct: int, date: float, samples: bool = True) -> None:
    """One `lm_eval --output_path out/ --log_samples` run: a results file and a samples file, one stamp."""
    write(root, f"out/WeiboAI__VibeThinker-1.5B/results_{stamp}.json", lm_eval_aime25(correct, date))
    if samples:
        write(
            root, f"out/WeiboAI__VibeThinker-1.5B/samples_aime25_{stamp}.jsonl", lm_eval_samples_aime25(flags(correct))
        )


GLOBS = [Source("out/**/results_*.json"), Source("out/**/samples_*.jsonl")]


def test_the_newest_lm_eval_run_is_read_with_its_own_samples(tmp_path: Path) -> None:
    lm_eval_run(tmp_path, OLD, 22, 1763630000.0)
    lm_eval_run(tmp_path, NEW, 25, 1763630000.0 + DAY)
    results = load_results(GLOBS, tmp_path)
    aime = results.benchmarks["aime25"]
    assert aime.score == pytest.approx(25 / 30 * 100)
    assert aime.items is not None
    assert sum(aime.items.scores.values()) == 25  # the new run's samples, paired with its results
    assert aime.file.endswith(f"results_{NEW}.json")
    (note,) = results.notes
    assert f"aime25: read out/WeiboAI__VibeThinker-1.5B/results_{NEW}.json and " in note
    assert f"samples_aime25_{NEW}.jsonl, the newest of 2 runs" in note
    assert f"results_{OLD}.json" in note


def test_the_time_in_the_file_wins_over_the_name(tmp_path: Path) -> None:
    lm_eval_run(tmp_path, OLD, 22, 1763630000.0 + 2 * DAY, samples=False)  # renamed, or a clock that was off
    lm_eval_run(tmp_path, NEW, 25, 1763630000.0, samples=False)
    aime = load_results([Source("out/**/results_*.json")], tmp_path).benchmarks["aime25"]
    assert aime.score == pytest.approx(22 / 30 * 100)
    assert aime.file.endswith(f"results_{OLD}.json")


def test_an_older_runs_samples_are_never_paired_with_a_newer_runs_results(tmp_path: Path) -> None:
    lm_eval_run(tmp_path, OLD, 22, 1763630000.0)
    lm_eval_run(tmp_path, NEW, 25, 1763630000.0 + DAY, samples=False)  # the new run without --log_samples
    results = load_results(GLOBS, tmp_path)
    aime = results.benchmarks["aime25"]
    assert aime.score == pytest.approx(25 / 30 * 100)
    assert aime.items is None
    assert f"samples_aime25_{OLD}.jsonl" in results.notes[0]


def test_the_newest_lighteval_run_is_read(tmp_path: Path) -> None:
    write(tmp_path, f"lighteval/results/VibeThinker/results_{OLD}.json", lighteval({"aime25": 0.7}, True))
    write(tmp_path, f"lighteval/results/VibeThinker/results_{NEW}.json", lighteval({"aime25": 0.8}, True))
    results = load_results([Source("lighteval/**/results_*.json")], tmp_path)
    assert results.benchmarks["aime25"].score == pytest.approx(80.0)
    assert f"results_{NEW}.json, the newest of 2 runs" in results.notes[0]


def test_files_that_are_not_runs_still_may_not_report_a_benchmark_twice(tmp_path: Path) -> None:
    write(tmp_path, "results/a.json", {"aime25": 74.4})
    write(tmp_path, "results/b.json", {"aime25": 77.5})
    with pytest.raises(InputError, match=r"benchmark 'aime25' is also in results/a\.json"):
        load_results([Source("results/*.json")], tmp_path)


def test_stock_lm_eval_files_init_then_a_real_gain_deploys_with_the_noise_shown(
    workspace: Any, httpserver: Any
) -> None:
    """Issue 18's new user: lm-eval writes aggregate files only (no --log_samples), `vibe-gate init` writes the
    config, the first run deploys — and so does +10 points on AIME25 later, with the noise test shown."""
    from tests.tool_outputs import lm_eval_gsm8k

    hook = "/build_hooks/0123456789abcdef01234567"
    httpserver.expect_request(hook, method="POST").respond_with_data("", status=200)
    env = {"VIBE_BUILD_HOOK_URL": httpserver.url_for(hook)}
    (workspace.path / "config" / "deploy.yaml").unlink()
    folder = "out/WeiboAI__VibeThinker-1.5B"
    write(workspace.path, f"{folder}/results_{OLD}.json", lm_eval_aime25(22, 1763630000.0))
    write(workspace.path, f"evals/gsm8k/results_{OLD}.json", lm_eval_gsm8k(0.70, 0.72))
    workspace.commit("first evaluation", branch="main")

    init = workspace.run("init")
    assert init.code == 0, init.stdout + init.stderr
    assert (
        "gsm8k reports exact_match,strict-match, exact_match,flexible-extract: wrote metric: exact_match,strict-match"
        in init.stdout
    )
    config = (workspace.path / "config" / "deploy.yaml").read_text()
    assert "    metric: exact_match,strict-match   # the task reports several; the others:" in config
    assert "    # metric: exact_match,flexible-extract" in config
    assert "# noise: aggregate stderr ±8.2 only — shown, not deciding (it detects ≥ 28.9 points)" in config
    assert "lm-eval --log_samples" in config
    assert workspace.run("validate").code == 0
    workspace.commit("vibe-gate init")
    first = workspace.run("--json", env=env)
    assert first.code == 0, first.stdout + first.stderr
    assert first.json["decision"] == "deploy"

    write(workspace.path, f"{folder}/results_{NEW}.json", lm_eval_aime25(25, 1763630000.0 + DAY))  # +10 points
    workspace.commit("a better checkpoint")
    second = workspace.run(env=env)
    assert second.code == 0, second.stdout + second.stderr
    assert "DEPLOY" in second.stdout
    assert "+10" in second.stdout
    assert "within noise; this benchmark detects ≥" in second.stdout
    assert "shown, not deciding (only aggregate standard errors)" in second.stdout
    assert "noise p<0.03 ~" in second.stdout  # its own mark (at the first comparison's level): informs only
    assert f"results_{NEW}.json, the newest of 2 runs" in second.stderr
    assert sum(1 for request, _ in httpserver.log if request.method == "POST") == 2


HARNESS_FILES = Path(__file__).resolve().parent.parent / "harness_files"
OPEN_R1 = "lighteval/open-r1/results_2026-11-20T10-00-00.123456.json"


def test_a_ledger_written_before_the_scale_fix_is_put_on_the_new_scale_not_read_as_an_80_point_gain(
    workspace: Any, httpserver: Any
) -> None:
    """Issue 30, point 2: the ledger of tests/harness_files/upgrade/ was written by the gate before lighteval's
    proportions were scaled (math_500 recorded as 0.814, no unit). The first run after upgrading, on the same
    results, compares 81.4 with 81.4 — and says why the record was rescaled."""
    hook = "/build_hooks/0123456789abcdef01234567"
    httpserver.expect_request(hook, method="POST").respond_with_data("", status=200)
    upgrade = HARNESS_FILES / "upgrade"
    workspace.write("config/deploy.yaml", (upgrade / "deploy.yaml").read_text())
    workspace.write(f"evals/open-r1/{Path(OPEN_R1).name}", (HARNESS_FILES / OPEN_R1).read_text())
    workspace.write(".vibe-deploy-gate/ledger.jsonl", (upgrade / "ledger.jsonl").read_text())
    workspace.commit("upgrade vibe-deploy-gate", branch="main")
    done = workspace.run("--json", env={"VIBE_BUILD_HOOK_URL": httpserver.url_for(hook)})
    assert done.code == 0, done.stdout + done.stderr
    rows = {row["name"]: row for row in done.json["metrics"]}
    assert (rows["math_500"]["baseline"], rows["math_500"]["current"]) == (81.4, 81.4)
    assert (rows["aime24"]["baseline"], rows["aime24"]["current"]) == (30.0, 30.0)
    assert all(abs(row["delta"]) < 1e-9 for row in rows.values() if row.get("delta") is not None)
    warnings = "\n".join(done.json["outcome"]["warnings"])
    assert "math_500: the deployed record holds 0.814 as its file wrote it" in warnings
    assert "it is 81.4 percentage points, as this run is" in warnings
    assert "no fixed scale" not in done.stderr  # the metric's scale is known now: nothing to guess


def test_validate_says_what_run_says_about_scale(workspace: Any, dedent: Any) -> None:
    """`validate` and `run` read the results once, the same way: the notes a run gives are validate's
    warnings, in text and in --json, and validate says the scale each benchmark was read on."""
    workspace.write(
        "config/deploy.yaml",
        dedent(
            """\
            version: 1
            primary: math_500
            results:
              - evals/**/results_*.json
            metrics:
              math_500: {metric: "math_pass@1:1_samples", min: 70}
              wmdp: {max_drop: 2}
            """
        ),
    )
    workspace.write(f"evals/open-r1/{Path(OPEN_R1).name}", (HARNESS_FILES / OPEN_R1).read_text())
    from tests.tool_outputs import lm_eval_task

    wmdp = lm_eval_task("wmdp", {"ece,none": 0.25}, 100)
    wmdp["model_name"] = "open-r1/OpenR1-Distill-1.5B"  # one model per commit
    write(workspace.path, f"evals/wmdp/results_{OLD}.json", wmdp)
    workspace.commit("evaluations", branch="main")
    text = workspace.run("validate")
    as_json = workspace.run("validate", "--json")
    dry = workspace.run("--dry-run", "--json")
    assert text.code == as_json.code == 0, text.stderr
    note = "wmdp: metric 'ece,none' has no fixed scale, so it is read as written (0.25)"
    assert note in text.stderr
    assert note in "\n".join(as_json.json["warnings"])
    assert note in "\n".join(dry.json["outcome"]["warnings"])
    assert "math_500: 81.4 — percentage points (lighteval: a mean of per-sample values, written 0-1)" in text.stdout
    assert as_json.json["scales"]["math_500"] == {
        "unit": "percent",
        "factor": 100.0,
        "read_as": "percentage points (lighteval: a mean of per-sample values, written 0-1)",
    }
    assert as_json.json["benchmarks"]["math_500"] == 81.4  # the floor of 70 now passes: 81.4, not 0.81
    assert as_json.json["scales"]["wmdp"]["unit"] is None


def test_init_on_evalchemy_and_a_livecodebench_folder_writes_a_config_validate_accepts(workspace: Any) -> None:
    """`vibe-gate init` where the harnesses wrote their outputs: one glob for LiveCodeBench's folder (its
    generations files are passed over, not a reason to list files one by one), no evalchemy count offered as a
    metric, and its re-run standard error called what it is."""
    (workspace.path / "config" / "deploy.yaml").unlink()
    lcb = "livecodebench/output/VibeThinker-1.5B"
    for path in (HARNESS_FILES / lcb).iterdir():
        workspace.write(f"output/VibeThinker-1.5B/{path.name}", path.read_text())
    evalchemy_file = next((HARNESS_FILES / "evalchemy").rglob("results_*.json"))
    workspace.write(f"results/{evalchemy_file.name}", evalchemy_file.read_text())
    workspace.commit("evaluations", branch="main")
    init = workspace.run("init")
    assert init.code == 0, init.stdout + init.stderr
    assert "Scenario.codegeneration_16_0.6.json  (passed over: no scores in it" in init.stdout
    config = (workspace.path / "config" / "deploy.yaml").read_text()
    assert "  - output/VibeThinker-1.5B/*.json\n" in config
    assert "accuracy_std_err" not in config
    assert "num_repeat" not in config
    assert "# noise: re-run stderr ±" in config
    assert "across 10 repeats only" in config
    validate = workspace.run("validate", "--json")
    assert validate.code == 0, validate.stdout + validate.stderr
    assert validate.json["scales"]["AIME25"]["unit"] == "percent"
    assert validate.json["benchmarks"]["livecodebench"] > 1  # 0-100, from the 16-sample run
    assert any("the run with the most samples per problem (16)" in w for w in validate.json["warnings"])

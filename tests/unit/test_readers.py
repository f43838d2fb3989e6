"""Each result format, written from its documented shape, parses to the right scores and per-item data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results

LM_EVAL = {
    "results": {
        "aime25": {
            "alias": "aime25",
            "exact_match,none": 0.7433333333333333,
            "exact_match_stderr,none": 0.0801,
            "exact_match,flexible-extract": 0.7666666666666667,
            "exact_match_stderr,flexible-extract": "N/A",
        },
        "hmmt25": {"alias": "hmmt25", "exact_match,none": 0.504, "exact_match_stderr,none": "N/A"},
    },
    "group_subtasks": {"aime25": [], "hmmt25": []},
    "configs": {"aime25": {"generation_kwargs": {"temperature": 0.6, "top_p": 0.95, "max_gen_toks": 40960}}},
    "versions": {"aime25": 1.0, "hmmt25": 1.0},
    "n-shot": {"aime25": 0, "hmmt25": 0},
    "higher_is_better": {"aime25": {"exact_match": True}, "hmmt25": {"exact_match": True}},
    "n-samples": {"aime25": {"original": 30, "effective": 30}, "hmmt25": {"original": 30, "effective": 30}},
    "config": {"model": "vllm", "model_args": "pretrained=WeiboAI/VibeThinker-1.5B"},
    "task_hashes": {"aime25": "8c1f", "hmmt25": "9d2e"},
}
CONFIG_TASKS = {"aime25": ("aime25", "exact_match,flexible-extract"), "hmmt25": ("hmmt25", "exact_match,none")}


def write(root: Path, name: str, content: str | object) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))


def test_lm_eval_results_with_mapped_metrics(tmp_path: Path) -> None:
    write(tmp_path, "evals/results_2026-11-20T10-00-00.json", LM_EVAL)
    res = load_results([Source("evals/*.json")], tmp_path, tasks=CONFIG_TASKS)
    aime = res.benchmarks["aime25"]
    assert aime.score == pytest.approx(76.66666667)
    assert aime.stderr is None  # "N/A"
    assert aime.n == 30
    assert aime.settings == {
        "temperature": 0.6,
        "top_p": 0.95,
        "max_tokens": 40960,
        "task_hash": "8c1f",
        "n_shot": 0,
        "task_version": 1.0,
        "unit": "percent",  # exact_match is a proportion: shown as 0-100, and kept so units are never mixed
    }
    assert res.benchmarks["hmmt25"].score == pytest.approx(50.4)


def test_lm_eval_needs_a_metric_when_a_task_reports_several(tmp_path: Path) -> None:
    data = json.loads(json.dumps(LM_EVAL))
    data["results"]["aime25"]["pass@k,none"] = 0.9
    write(tmp_path, "evals/results_x.json", data)
    with pytest.raises(InputError) as caught:
        load_results([Source("evals/*.json")], tmp_path)
    problem = caught.value.problems[0]
    assert problem.message.startswith("task 'aime25' reports several metrics")
    assert problem.hint == "name the one to gate on: metrics.<name>.metric in deploy.yaml"
    assert problem.line == 3


def test_lm_eval_samples_complete_the_aggregate_with_items(tmp_path: Path) -> None:
    write(tmp_path, "evals/results_2026-11-20T10-00-00.json", LM_EVAL)
    lines = [
        json.dumps(
            {"doc_id": i, "doc_hash": f"h{i:02d}", "filter": "flexible-extract", "exact_match": 1.0 if i < 23 else 0.0}
        )
        for i in range(30)
    ]
    # lm-eval writes one line per document and filter; the strict filter's lines must be ignored
    lines += [
        json.dumps({"doc_id": i, "doc_hash": f"h{i:02d}", "filter": "none", "exact_match": 0.0}) for i in range(30)
    ]
    write(tmp_path, "evals/samples_aime25_2026-11-20T10-00-00.jsonl", "\n".join(lines) + "\n")
    res = load_results([Source("evals/*")], tmp_path, tasks=CONFIG_TASKS)
    aime = res.benchmarks["aime25"]
    assert aime.score == pytest.approx(76.66666667)  # the aggregate's score stays
    assert aime.items is not None
    assert len(aime.items.scores) == 30
    assert aime.items.scores["h00"] == 1.0
    assert aime.items.scores["h29"] == 0.0


def test_lighteval_results(tmp_path: Path) -> None:
    data = {
        "config_general": {
            "model_name": "VibeThinker-1.5B",
            "generation_parameters": {"temperature": 0.6, "top_p": 0.95, "max_new_tokens": 32768},
        },
        "results": {
            "lighteval|aime25|0": {"extractive_match": 0.744, "extractive_match_stderr": 0.081},
            "lighteval|gpqa:diamond|0": {"extractive_match": 0.46, "extractive_match_stderr": 0.035},
            "all": {"extractive_match": 0.6},
        },
    }
    write(tmp_path, "results/lighteval.json", data)
    res = load_results([Source("results/*.json")], tmp_path)
    assert res.scores() == pytest.approx({"aime25": 74.4, "gpqa:diamond": 46.0})
    assert res.benchmarks["aime25"].stderr == pytest.approx(8.1)
    assert res.benchmarks["aime25"].settings["max_tokens"] == 32768


def test_livecodebench_eval_all(tmp_path: Path) -> None:
    problems = [
        {
            "question_id": f"q{i}",
            "graded_list": [True, False, True, True] if i % 2 else [False] * 4,
            "pass@1": 0.75 if i % 2 else 0.0,
        }
        for i in range(10)
    ]
    write(tmp_path, "results/lcb_v6_eval_all.json", problems)
    bench = load_results([Source("results/*.json", benchmark="livecodebench_v6")], tmp_path).benchmarks[
        "livecodebench_v6"
    ]
    assert bench.score == pytest.approx(37.5)
    assert bench.samples_per_problem == 4
    assert bench.items is not None
    assert bench.items.scores["q1"] == 0.75


def test_correctness_jsonl_per_problem(tmp_path: Path) -> None:
    rows = [{"id": i, "correctness": [1] * (i % 5) + [0] * (4 - i % 5 + 1)} for i in range(30)]
    write(tmp_path, "results/aime25.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    bench = load_results([Source("results/*.jsonl")], tmp_path).benchmarks["aime25"]
    assert bench.samples_per_problem == 5
    assert bench.score == pytest.approx(sum((i % 5) / 5 for i in range(30)) / 30 * 100)


def test_one_line_per_attempt_is_grouped_by_problem(tmp_path: Path) -> None:
    """Issue 29: harnesses that write a line per attempt repeat the problem's id; the lines are grouped, and
    the grouped file reads exactly as the same verdicts written one line per problem."""
    per_problem = {f"p{i:02d}": [int((i * 7 + s) % 5 < 2) for s in range(8)] for i in range(30)}
    attempts = [{"id": pid, "correctness": flag} for s in range(8) for pid, flags in per_problem.items()
                for flag in [flags[s]]]  # fmt: skip
    write(tmp_path, "a/aime25.jsonl", "\n".join(json.dumps(r) for r in attempts) + "\n")
    rows = [{"id": pid, "correctness": flags} for pid, flags in per_problem.items()]
    write(tmp_path, "b/aime25.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    grouped = load_results([Source("a/*.jsonl")], tmp_path).benchmarks["aime25"]
    written = load_results([Source("b/*.jsonl")], tmp_path).benchmarks["aime25"]
    assert grouped.samples_per_problem == written.samples_per_problem == 8
    assert grouped.items is not None
    assert written.items is not None
    assert grouped.items.scores == written.items.scores
    assert grouped.score == pytest.approx(written.score)


def test_correctness_errors_name_the_line(tmp_path: Path) -> None:
    write(tmp_path, "results/aime25.jsonl", '{"id": 0, "correctness": [1, 0]}\n{"id": 1, "correctness": [2]}\n')
    with pytest.raises(InputError) as caught:
        load_results([Source("results/*.jsonl")], tmp_path)
    assert caught.value.problems[0].render() == (
        "results/aime25.jsonl:2:1: 'correctness' must be a non-empty list of booleans or 0/1 per sample (or one "
        "of them) (name the field with correct: under this results entry in deploy.yaml)"
    )
    write(tmp_path, "results/aime25.jsonl", '{"id": 0, "correctness": [1, 0]}\n{"id": 1, "correctness": [1,\n')
    with pytest.raises(InputError) as caught:
        load_results([Source("results/*.jsonl")], tmp_path)
    assert caught.value.problems[0].line == 2


def test_opencompass_summary_csv(tmp_path: Path) -> None:
    text = (
        "dataset,version,metric,mode,VibeThinker-1.5B\n"
        "aime2025,5e9f4f,accuracy,gen,74.38\n"
        "hmmt25,c8a1d0,accuracy,gen,50.42\n"
        "lcb_code_generation_v6,-,pass@1,gen,-\n"
    )
    write(tmp_path, "results/summary.csv", text)
    res = load_results([Source("results/*.csv")], tmp_path, tasks={"aime2025": ("aime25", None)})
    assert res.scores() == {"aime25": 74.38, "hmmt25": 50.42}
    assert res.benchmarks["hmmt25"].line == 3
    write(tmp_path, "results/summary.csv", text.replace("50.42", "high"))
    with pytest.raises(InputError, match="hmmt25: 'high' is not a number"):
        load_results([Source("results/*.csv")], tmp_path)


def test_native_items_and_settings(tmp_path: Path) -> None:
    data = {
        "benchmarks": {
            "aime25": {
                "items": {"p1": [1, 1, 0, 1], "p2": [0, 0, 0, 0], "p3": 0.5},
                "samples_per_problem": 4,
                "settings": {"temperature": 0.6},
            }
        }
    }
    write(tmp_path, "results/r.json", data)
    bench = load_results([Source("results/*.json")], tmp_path).benchmarks["aime25"]
    assert bench.score == pytest.approx((0.75 + 0 + 0.5) / 3 * 100)
    assert bench.n == 3
    assert bench.settings == {"temperature": 0.6}


def test_format_named_in_the_config_overrides_detection(tmp_path: Path) -> None:
    write(tmp_path, "results/odd.txt", '{"id": "a", "correctness": [1]}\n')
    res = load_results([Source("results/*.txt", format="correctness", benchmark="aime25")], tmp_path)
    assert res.scores() == {"aime25": 100.0}


def test_vibethinker_summary_csv(tmp_path: Path) -> None:
    text = (
        "model_path,dataset,pass@1,pass@64,cons@64,cutoff_raio,mean_response_tokens,run_hours\n"
        "/ckpts/global_step_290/hf,aime25.parquet,0.74375,0.9,0.85,0.0,18686.2,0.49\n"
    )
    write(tmp_path, "results/aime25_pass.csv", text)
    res = load_results([Source("results/*.csv")], tmp_path)
    assert res.scores() == {"aime25": pytest.approx(74.375)}

"""Harness outputs as the harnesses write them (tests/harness_files/, see make_files.py for where each key comes
from) are read on the scale the harness's convention gives, with no tuning in deploy.yaml (issue 30)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.harness_files import make_files
from vibe_action.decide.noise import Deployed, compare
from vibe_action.errors import InputError
from vibe_action.inputs.config import DEFAULT_RESULTS
from vibe_action.inputs.results import Source, load_results
from vibe_action.inputs.scales import LIGHTEVAL, LM_EVAL, harness_scale

FILES = Path(__file__).resolve().parent.parent / "harness_files"
LCB = "livecodebench/output/VibeThinker-1.5B"


def copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FILES / name, tmp_path / name)
    return tmp_path


def test_the_committed_files_are_what_the_script_writes() -> None:
    for name, text in make_files.files().items():
        assert (FILES / name).read_text(encoding="utf-8") == text + "\n", name


def test_lighteval_open_r1_proportions_are_shown_on_0_100_with_their_stderr() -> None:
    tasks = {"math_500": ("math_500", "math_pass@1:1_samples")}
    results = load_results([Source("lighteval/open-r1/*.json")], FILES, tasks=tasks)
    math = results.benchmarks["math_500"]
    assert (math.score, math.stderr, math.settings["unit"]) == (81.4, 1.7413, "percent")
    assert "lighteval" in math.read_as
    assert results.benchmarks["aime24"].score == 30.0  # custom|aime24|0: a custom suite, the same convention
    assert results.benchmarks["gpqa:diamond"].score == pytest.approx(37.8788)
    assert results.benchmarks["lcb:codegeneration"].score == 16.5
    assert results.notes == ()  # nothing left to guess: no "no fixed scale" note


def test_newer_lighteval_names_are_proportions_and_bleu_is_not() -> None:
    tasks = {"aime25": ("aime25", "pass@k:k=1&n=1")}
    results = load_results([Source("lighteval/newer/*.json")], FILES, tasks=tasks)
    scores = {name: bench.score for name, bench in results.benchmarks.items()}
    assert scores == {
        "aime25": pytest.approx(73.3333),
        "gpqa:diamond": pytest.approx(46.4646),
        "gsm8k": pytest.approx(76.3457),
        "ifeval": pytest.approx(68.207),
        "wmt14:fr-en": 31.48,  # corpus BLEU: its own 0-100 scale, as written
    }
    assert results.benchmarks["wmt14:fr-en"].settings["unit"] == "own"
    assert results.benchmarks["aime25"].stderr == pytest.approx(8.2117)


@pytest.mark.parametrize(
    ("metric", "harness", "task", "factor", "unit"),
    [
        ("math_pass@1:4_samples", LIGHTEVAL, "math_500", 100.0, "percent"),
        ("my_custom_judge_score", LIGHTEVAL, "custom", 100.0, "percent"),  # any sample mean, whatever its name
        ("ppl", LIGHTEVAL, "wikitext", 1.0, "own"),
        ("bits_per_byte", LIGHTEVAL, "wikitext", 1.0, "own"),
        ("f1,none", LM_EVAL, "squadv2", 1.0, "percent"),  # SQuAD's script writes percentages
        ("HasAns_exact,none", LM_EVAL, "squadv2", 1.0, "percent"),
        ("f1,none", LM_EVAL, "drop", 100.0, "percent"),
        ("f1", LM_EVAL, "mc_taco", 100.0, "percent"),  # lm-eval 0.3: sklearn's f1, a fraction
        ("bleu_max,none", LM_EVAL, "truthfulqa_gen", 1.0, "own"),
        ("accuracy_avg", "evalchemy", "", 100.0, "percent"),
    ],
)
def test_the_harness_convention_decides(metric: str, harness: str, task: str, factor: float, unit: str) -> None:
    scale = harness_scale(metric, harness, task)
    assert scale is not None
    assert (scale.factor, scale.unit) == (factor, unit)


def test_an_lm_eval_metric_no_convention_covers_has_no_scale() -> None:
    assert harness_scale("ece,none", LM_EVAL, "wmdp") is None


def test_the_configured_scale_wins_either_way(tmp_path: Path) -> None:
    copy(tmp_path, "lighteval/open-r1/results_2026-11-20T10-00-00.123456.json")
    tasks = {"math_500": ("math_500", "math_pass@1:1_samples")}
    results = load_results([Source("lighteval/**/*.json")], tmp_path, tasks=tasks, scales={"math_500": 1.0})
    assert (results.benchmarks["math_500"].score, results.benchmarks["math_500"].settings["unit"]) == (0.814, "own")


def test_evalchemy_under_the_default_glob_is_read_as_lm_eval_with_n_repeats_and_a_rerun_stderr(
    tmp_path: Path,
) -> None:
    name = "evalchemy/WeiboAI__VibeThinker-1.5B/results_2026-11-20T10-00-00.123456.json"
    copy(tmp_path, name)
    (tmp_path / "results").mkdir()
    shutil.move(tmp_path / name, tmp_path / "results" / "results_2026-11-20T10-00-00.123456.json")
    results = load_results(DEFAULT_RESULTS, tmp_path)
    data = json.loads((FILES / name).read_text())["results"]["AIME25"]
    aime = results.benchmarks["AIME25"]
    assert aime.score == pytest.approx(data["accuracy_avg"] * 100)
    assert aime.stderr == pytest.approx(data["accuracy_std_err"] * 100)
    assert (aime.n, aime.samples_per_problem, aime.settings["stderr_kind"]) == (30, 10, "rerun")
    assert aime.settings["max_tokens"] == 32768
    assert results.benchmarks["mmlu"].score == pytest.approx(61.12)  # a pretrain task: lm-eval's own entry
    assert "stderr_kind" not in results.benchmarks["mmlu"].settings
    assert results.model is not None
    assert results.model.name == "WeiboAI/VibeThinker-1.5B"


def test_a_rerun_stderr_answers_the_rerun_question_only() -> None:
    from vibe_action.inputs.benchmarks import Benchmark

    now = Benchmark("AIME25", 80.0, n=30, stderr=1.0, settings={"unit": "percent", "stderr_kind": "rerun"})
    rerun_base = Deployed(n=30, stderr=1.0, settings={"unit": "percent", "stderr_kind": "rerun"})
    across_base = Deployed(n=30, stderr=1.0, settings={"unit": "percent"})
    found = compare(now, 70.0, rerun_base, "auto", 0.95, True)
    assert found is not None
    assert found.method == "rerun-stderr"
    assert found.p_value is not None
    assert compare(now, 70.0, rerun_base, "auto", 0.95, True, question="problems") is None
    assert compare(now, 70.0, across_base, "auto", 0.95, True) is None  # two kinds of error bars: not set together


def test_a_file_that_fits_no_format_gets_one_message_naming_the_closest(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    data = {"config": {"model": "vllm"}, "date": 1.0, "scores": {"aime25": {"accuracy": 0.7}}, "notes": [1, 2]}
    (tmp_path / "results" / "run.json").write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        load_results(DEFAULT_RESULTS, tmp_path)
    (problem,) = caught.value.problems
    assert "cannot tell which format this file is in" in problem.message
    assert "format:" in problem.hint


def test_a_livecodebench_folder_reads_as_one_run_per_stem(tmp_path: Path) -> None:
    names = [n for n in make_files.files() if n.startswith(LCB)]
    copy(tmp_path, *names)
    results = load_results([Source("livecodebench/output/**/*.json")], tmp_path)
    bench = results.benchmarks["livecodebench"]
    eval_all = json.loads((FILES / f"{LCB}/Scenario.codegeneration_16_0.6_eval_all.json").read_text())
    summary = json.loads((FILES / f"{LCB}/Scenario.codegeneration_16_0.6_eval.json").read_text())[0]
    assert bench.score == pytest.approx(summary["pass@1"] * 100)
    assert bench.items is not None
    assert set(bench.items.scores) == {p["question_id"] for p in eval_all}
    assert (bench.samples_per_problem, bench.n, bench.settings["temperature"]) == (16, 12, 0.6)
    notes = "\n".join(results.notes)
    assert "the run with the most samples per problem (16) of 2 runs" in notes
    assert "Scenario.codegeneration_1_0.2_eval_all.json" in notes  # passed over, and said
    assert "Scenario.codegeneration_16_0.6.json: LiveCodeBench generations without verdicts, not read" in notes


def test_two_livecodebench_runs_with_as_many_samples_are_refused_naming_both(tmp_path: Path) -> None:
    name = f"{LCB}/Scenario.codegeneration_16_0.6_eval_all.json"
    copy(tmp_path, name)
    shutil.copy(tmp_path / name, tmp_path / name.replace("_0.6_", "_0.2_"))
    with pytest.raises(InputError) as caught:
        load_results([Source("livecodebench/output/**/*.json")], tmp_path)
    message = str(caught.value)
    assert "2 runs with 16 samples per problem" in message
    assert "Scenario.codegeneration_16_0.2" in message
    assert "Scenario.codegeneration_16_0.6" in message
    assert "narrow the results glob to one run" in message


def test_the_eval_file_alone_gives_the_score_and_its_problems(tmp_path: Path) -> None:
    copy(tmp_path, f"{LCB}/Scenario.codegeneration_16_0.6_eval.json")
    bench = load_results([Source("livecodebench/**/*.json")], tmp_path).benchmarks["livecodebench"]
    assert bench.items is not None
    assert len(bench.items.scores) == 12
    assert bench.items.samples == 16


def test_evalchemy_entries_of_other_shapes_read_their_headline(tmp_path: Path) -> None:
    """evalchemy's MATH500 writes one `accuracy` (no repeats); its LiveCodeBench adds per-difficulty averages
    beside `accuracy_avg` (eval/chat_benchmarks/*/eval_instruct.py at the pinned commit)."""
    lcb = {
        "accuracy_avg": 0.5,
        "accuracy_std_err": 0.02,
        "accuracy_easy_avg": 0.9,
        "accuracy_easy_std_err": 0.01,
        "accuracy_hard_avg": 0.1,
        "accuracy_hard_std_err": 0.03,
        "raw_metrics": [{"accuracy": 0.5}],
        "examples": [{"question_id": "1", "code_list": ["x"]}],
        "num_total": 400,
        "solved_avg": 200.0,
        "run_stats": [{"repetition": 1, "accuracy": 0.5}],
        "num_repeat": 3,
    }
    math500 = {
        "examples": [{"answer": "1", "model_answer": "1"}],
        "num_total": 500,
        "num_solved": 410,
        "accuracy": 0.82,
    }
    (tmp_path / "results").mkdir()
    data = {"results": {"LiveCodeBench": lcb, "MATH500": math500}, "config": {}, "date": 1.0}
    (tmp_path / "results" / "results_2026-11-20T10-00-00.json").write_text(json.dumps(data))
    results = load_results(DEFAULT_RESULTS, tmp_path)
    live, math = results.benchmarks["LiveCodeBench"], results.benchmarks["MATH500"]
    assert (live.score, live.stderr, live.n, live.samples_per_problem) == (50.0, 2.0, 400, 3)
    assert (math.score, math.stderr, math.n) == (82.0, None, 500)
    tasks = {"LiveCodeBench": ("LiveCodeBench", "accuracy_hard_avg")}
    hard = load_results(DEFAULT_RESULTS, tmp_path, tasks=tasks).benchmarks["LiveCodeBench"]
    assert (hard.score, hard.stderr) == (10.0, 3.0)


@pytest.mark.parametrize(
    ("key", "task"),
    [
        ("lighteval|math_500|0", "math_500"),
        ("lighteval|aime24|0|0", "aime24"),
        ("gpqa:diamond|0", "gpqa:diamond"),
        ("lighteval:gpqa:diamond:0", "gpqa:diamond"),
        ("custom:aime24:0", "aime24"),
        ("all", None),
    ],
)
def test_lighteval_task_keys_in_every_spelling(key: str, task: str | None) -> None:
    from vibe_action.inputs.harness import lighteval_task

    assert lighteval_task(key) == task


@pytest.mark.parametrize(
    "name",
    [
        "lighteval/open-r1/results_2026-11-20T10-00-00.123456.json",
        f"{LCB}/Scenario.codegeneration_16_0.6_eval_all.json",
        "evalchemy/WeiboAI__VibeThinker-1.5B/results_2026-11-20T10-00-00.123456.json",
    ],
)
def test_a_byte_order_mark_is_no_content(tmp_path: Path, name: str) -> None:
    """Windows tools (PowerShell, Notepad) save UTF-8 with a BOM: the file reads as without one."""
    copy(tmp_path, name)
    plain = load_results([Source("**/*.json")], tmp_path, tasks={"math_500": ("math_500", "math_pass@1:1_samples")})
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    marked = load_results([Source("**/*.json")], tmp_path, tasks={"math_500": ("math_500", "math_pass@1:1_samples")})
    assert marked.scores() == plain.scores()


def test_a_flat_file_and_a_jsonl_file_with_a_byte_order_mark_read_too(tmp_path: Path) -> None:
    (tmp_path / "flat.json").write_bytes(b'\xef\xbb\xbf{"aime25": 74.4}')
    (tmp_path / "hmmt25.jsonl").write_bytes(b'\xef\xbb\xbf{"id": "p1", "correctness": [1, 0]}\n')
    results = load_results([Source("flat.json"), Source("hmmt25.jsonl")], tmp_path)
    assert results.scores() == {"aime25": 74.4, "hmmt25": 50.0}


def test_a_harness_file_whose_results_come_late_is_told_by_its_structure(tmp_path: Path) -> None:
    """json.dump(sort_keys=True) puts lm-eval's `configs` (every task's prompts) before `results`, past what
    format detection reads: the file is still read as lm-eval, not refused as a broken flat file."""
    from tests.tool_outputs import lm_eval_aime25

    data = lm_eval_aime25(22)
    data["configs"]["aime25"]["doc_to_text"] = "Solve the problem. " * 5_000  # ~95 KiB before "results"
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "results_2026-11-20T10-00-00.json").write_text(json.dumps(data, sort_keys=True))
    assert load_results(DEFAULT_RESULTS, tmp_path).scores() == {"aime25": pytest.approx(73.3333)}


def test_an_unplaced_file_is_refused_when_its_format_was_named(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(json.dumps({"results": {"aime25": {"acc": 0.5}}, "x": [1]}))
    with pytest.raises(InputError) as caught:
        load_results([Source("r.json", format="flat")], tmp_path)
    assert "closest supported format is lm-eval" in str(caught.value)


def test_samples_left_in_an_lm_eval_dict_saved_whole_are_walked_past(tmp_path: Path) -> None:
    """`json.dump(lm_eval.simple_evaluate(..., log_samples=True))` keeps every sample under `samples`."""
    from tests.tool_outputs import lm_eval_aime25

    data = lm_eval_aime25(22)
    data["samples"] = {"aime25": [{"doc_id": i, "resps": [["x" * 1000]], "exact_match": 1.0} for i in range(30)]}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "results_2026-11-20T10-00-00.json").write_text(json.dumps(data))
    assert load_results(DEFAULT_RESULTS, tmp_path).scores() == {"aime25": pytest.approx(73.3333)}

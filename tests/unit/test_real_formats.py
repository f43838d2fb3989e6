"""Real evaluation outputs are read right or refused clearly: each case failed (or passed silently wrong)
before the readers were reworked. Files come from tests/tool_outputs.py, laid out as the tools write them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.tool_outputs import (
    lcb_eval,
    lighteval,
    lm_eval_03,
    lm_eval_arc,
    lm_eval_gsm8k,
    lm_eval_samples_gsm8k,
)
from vibe_action.decide.noise import Deployed, compare, deployed_of, differences
from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results

STAMP = "2026-11-20T10-00-00.123456"


def write(root: Path, name: str, content: Any) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, list) and content and isinstance(content[0], dict) and name.endswith(".jsonl"):
        path.write_text("\n".join(json.dumps(row) for row in content) + "\n")
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))


def refused(root: Path, glob: str, **kwargs: Any) -> str:
    with pytest.raises(InputError) as caught:
        load_results([Source(glob)], root, **kwargs)
    return str(caught.value)


def test_1_a_metric_without_a_filter_on_two_filters_is_refused_naming_them(tmp_path: Path) -> None:
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_gsm8k(0.1, 0.8))
    message = refused(tmp_path, "evals/*.json", tasks={"gsm8k": ("gsm8k", "exact_match")})
    assert "reports exact_match under several filters (strict-match, flexible-extract)" in message
    assert "metric: exact_match,strict-match" in message


def test_1_samples_with_two_filters_and_no_filter_named_are_refused(tmp_path: Path) -> None:
    rows = lm_eval_samples_gsm8k({"strict-match": [0] * 10, "flexible-extract": [1] * 8 + [0] * 2})
    write(tmp_path, f"evals/samples_gsm8k_{STAMP}.jsonl", rows)
    message = refused(tmp_path, "evals/*.jsonl", tasks={"gsm8k": ("gsm8k", "exact_match")})
    assert "several filters (flexible-extract, strict-match)" in message


def test_1_results_and_samples_of_one_filter_agree(tmp_path: Path) -> None:
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_gsm8k(0.1, 0.8))
    rows = lm_eval_samples_gsm8k({"strict-match": [1] + [0] * 9, "flexible-extract": [1] * 8 + [0] * 2})
    write(tmp_path, f"evals/samples_gsm8k_{STAMP}.jsonl", rows)
    res = load_results([Source("evals/*")], tmp_path, tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")})
    bench = res.benchmarks["gsm8k"]
    assert bench.score == pytest.approx(80.0)
    assert bench.items is not None
    assert sum(bench.items.scores.values()) / 10 * 100 == pytest.approx(bench.score)


def test_2_acc_and_acc_norm_must_be_named(tmp_path: Path) -> None:
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_arc(0.40, 0.43))
    message = refused(tmp_path, "evals/*.json")
    assert "task 'arc_challenge' reports several metrics (acc,none, acc_norm,none)" in message
    named = load_results([Source("evals/*.json")], tmp_path, tasks={"arc_challenge": ("arc", "acc_norm")})
    assert named.benchmarks["arc"].score == pytest.approx(43.0)


def test_3_ungated_tasks_may_be_ambiguous_and_labels_are_not_metrics(tmp_path: Path) -> None:
    data = lm_eval_gsm8k(0.1, 0.8, version="0.4.12")
    data["results"]["truthfulqa_gen"] = {
        "alias": "truthfulqa_gen",
        "bleu_max,none": 20.29,
        "bleu_max_stderr,none": 0.728,
        "rouge1_max,none": 45.1,
        "rouge1_max_stderr,none": 0.81,
    }
    data["results"]["mmlu"] = {"alias": "mmlu"}  # a group entry with only its alias
    write(tmp_path, f"evals/results_{STAMP}.json", data)
    gated = {"gsm8k"}
    res = load_results(
        [Source("evals/*.json")], tmp_path, tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")}, gated=gated
    )
    assert set(res.benchmarks) == {"gsm8k"}  # name and sample_len (0.4.12 labels) were not taken as metrics
    with pytest.raises(InputError, match="truthfulqa_gen' reports several metrics"):
        load_results(
            [Source("evals/*.json")],
            tmp_path,
            tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")},
            gated={"gsm8k", "truthfulqa_gen"},
        )


def test_4_a_metric_and_its_stderr_share_one_scale(tmp_path: Path) -> None:
    data = lm_eval_gsm8k(0.1, 0.8)
    data["results"] = {
        "truthfulqa_gen": {"alias": "truthfulqa_gen", "bleu_max,none": 20.29, "bleu_max_stderr,none": 0.728}
    }
    write(tmp_path, f"evals/results_{STAMP}.json", data)
    bench = load_results([Source("evals/*.json")], tmp_path).benchmarks["truthfulqa_gen"]
    assert (bench.score, bench.stderr) == (pytest.approx(20.29), pytest.approx(0.728))
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_gsm8k(0.1, 0.8))
    gsm = load_results([Source("evals/*.json")], tmp_path, tasks={"gsm8k": ("gsm8k", "exact_match,strict-match")})
    assert (gsm.benchmarks["gsm8k"].score, gsm.benchmarks["gsm8k"].stderr) == (pytest.approx(10.0), pytest.approx(1.0))


def test_5_continuous_per_item_values_are_kept_and_compared_with_a_paired_t_test(tmp_path: Path) -> None:
    values_then = [0.2, 0.55, 0.7, 0.31, 0.9, 0.42, 0.66, 0.5, 0.35, 0.8]
    values_now = [v + 0.05 for v in values_then]
    for name, values in (("then", values_then), ("now", values_now)):
        rows = [
            {"doc_id": i, "doc_hash": f"h{i}", "filter": "none", "metrics": ["acc"], "acc": v}
            for i, v in enumerate(values)
        ]
        write(tmp_path / name, "evals/samples_truthfulqa_mc2_2026-11-20T10-00-00.jsonl", rows)
    then = load_results([Source("evals/*.jsonl")], tmp_path / "then").benchmarks["truthfulqa_mc2"]
    now = load_results([Source("evals/*.jsonl")], tmp_path / "now").benchmarks["truthfulqa_mc2"]
    assert now.items is not None
    assert now.items.continuous
    assert now.items.scores["h0"] == pytest.approx(0.25)  # not rounded to 0 or 1
    deployed = Deployed.from_json(deployed_of(then).to_json())  # through the ledger's digest
    assert deployed.digest is not None
    assert deployed.digest.continuous
    comparison = compare(now, then.score, deployed, "auto", 0.95, True)
    assert comparison is not None
    assert comparison.method == "paired"
    assert comparison.delta == pytest.approx(5.0, abs=0.01)
    assert differences(now, deployed)[0] == []


def test_6_results_and_samples_of_different_runs_are_refused(tmp_path: Path) -> None:
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_gsm8k(0.1, 0.8, n=10))
    rows = lm_eval_samples_gsm8k({"flexible-extract": [1] * 40 + [0] * 10})  # 50 documents, another run
    write(tmp_path, "evals/samples_gsm8k_2026-11-21T09-00-00.000000.jsonl", rows)
    message = refused(tmp_path, "evals/*", tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")})
    assert "from the run of 2026-11-21T09-00-00.000000, the results from 2026-11-20T10-00-00.123456" in message
    (tmp_path / "evals/samples_gsm8k_2026-11-21T09-00-00.000000.jsonl").rename(
        tmp_path / f"evals/samples_gsm8k_{STAMP}.jsonl"
    )
    message = refused(tmp_path, "evals/*", tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")})
    assert "50 items, but" in message
    assert "counts 10" in message


def test_6_a_mean_that_does_not_give_the_aggregate_is_refused(tmp_path: Path) -> None:
    write(tmp_path, f"evals/results_{STAMP}.json", lm_eval_gsm8k(0.1, 0.8, n=10))
    rows = lm_eval_samples_gsm8k({"flexible-extract": [1] * 5 + [0] * 5})
    write(tmp_path, f"evals/samples_gsm8k_{STAMP}.jsonl", rows)
    message = refused(tmp_path, "evals/*", tasks={"gsm8k": ("gsm8k", "exact_match,flexible-extract")})
    assert "the items average 50.00, but" in message


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (lm_eval_03("hellaswag", 0.6, 5, None), lm_eval_03("hellaswag", 0.6, 8, None), "n_shot differs (8 vs 5"),
        (lm_eval_03("hellaswag", 0.6, 5, None), lm_eval_03("hellaswag", 0.6, 5, 100), "limit differs (100 vs none"),
        (lm_eval_gsm8k(0.1, 0.8, shots=5), lm_eval_gsm8k(0.1, 0.8, shots=8), "n_shot differs (8 vs 5"),
    ],
)
def test_7_comparability_sees_few_shot_and_limit_without_task_hashes(
    tmp_path: Path, first: dict[str, Any], second: dict[str, Any], expected: str
) -> None:
    for name, original in (("then", first), ("now", second)):
        data = {k: v for k, v in original.items() if k != "task_hashes"}  # as lm-eval 0.3 and early 0.4
        write(tmp_path / name, f"evals/results_{STAMP}.json", data)
    tasks = {"gsm8k": ("gsm8k", "exact_match,flexible-extract")}
    then = load_results([Source("evals/*.json")], tmp_path / "then", tasks=tasks)
    now = load_results([Source("evals/*.json")], tmp_path / "now", tasks=tasks)
    (name,) = now.benchmarks
    found, _ = differences(now.benchmarks[name], deployed_of(then.benchmarks[name]))
    assert any(expected in f for f in found), found


@pytest.mark.parametrize("since_012", [False, True])
def test_8_lighteval_keys_before_and_since_0_12(tmp_path: Path, since_012: bool) -> None:
    write(tmp_path, "evals/results_2026-11-20T10-00-00.json", lighteval({"gsm8k": 0.7, "aime25": 0.5}, since_012))
    res = load_results([Source("evals/*.json")], tmp_path)
    assert set(res.benchmarks) == {"gsm8k", "aime25"}  # never "0", never "all"
    assert res.benchmarks["gsm8k"].score == pytest.approx(70.0)
    assert res.benchmarks["gsm8k"].settings["n_shot"] == 0


def test_9_livecodebench_eval_json_is_read(tmp_path: Path) -> None:
    per_problem = {str(i): (1.0 if i % 2 else 0.0) for i in range(10)} | {"10": 0.5}
    write(tmp_path, "lcb/Scenario.codegeneration_10_0.2_eval.json", lcb_eval(per_problem, samples=10))
    bench = load_results([Source("lcb/*_eval.json", benchmark="livecodebench_v6")], tmp_path).benchmarks[
        "livecodebench_v6"
    ]
    assert bench.score == pytest.approx(sum(per_problem.values()) / 11 * 100)
    assert bench.items is not None
    assert bench.items.samples == 10
    assert not bench.items.continuous


def test_9_an_unknown_list_names_livecodebench_in_the_error(tmp_path: Path) -> None:
    write(tmp_path, "lcb/out.json", [{"something": 1}])
    message = refused(tmp_path, "lcb/*.json")
    assert "not a LiveCodeBench file" in message
    assert "*_eval_all.json" in message


OPENCOMPASS = (
    "dataset,version,metric,mode,VibeThinker-1.5B,Qwen2.5-Math-1.5B\r\n"
    "aime2025,5e9f4f,accuracy,gen,74.40,10.10\r\n"
    "hmmt25,0a7e01,accuracy,gen,50.40,5.00\r\n"
    "hmmt25,0a7e01,naive_average,gen,49.90,4.80\r\n"
    "gpqa,-,accuracy,gen,-,-\r\n"
)


def test_10_opencompass_model_column_metric_rows_and_crlf(tmp_path: Path) -> None:
    write(tmp_path, "oc/summary.csv", OPENCOMPASS)
    message = refused(tmp_path, "oc/*.csv")
    assert "several model columns (VibeThinker-1.5B, Qwen2.5-Math-1.5B)" in message
    with pytest.raises(InputError, match=r"hmmt25 has several metric rows \(accuracy, naive_average\)"):
        load_results([Source("oc/*.csv", model="VibeThinker-1.5B")], tmp_path)
    res = load_results([Source("oc/*.csv", model="VibeThinker-1.5B", metric="accuracy")], tmp_path)
    assert res.scores() == {"aime2025": pytest.approx(74.4), "hmmt25": pytest.approx(50.4)}
    other = load_results([Source("oc/*.csv", model="Qwen2.5-Math-1.5B", metric="accuracy")], tmp_path)
    assert other.scores()["aime2025"] == pytest.approx(10.1)


def test_10_vibethinker_summary_rows_per_run_take_the_last_with_a_note(tmp_path: Path) -> None:
    write(
        tmp_path,
        "results/summary.csv",
        "model_path,dataset,pass@1,pass@64,cons@64\r\n"
        "/ckpt/step-100,data/aime25.jsonl,0.712,0.90,0.80\r\n"
        "/ckpt/step-200,data/aime25.jsonl,0.744,0.93,0.83\r\n"
        "/ckpt/step-200,data/hmmt25.jsonl,0.504,0.80,0.60\r\n",
    )
    res = load_results([Source("results/*.csv")], tmp_path)
    assert res.scores() == {"aime25": pytest.approx(74.4), "hmmt25": pytest.approx(50.4)}
    assert res.notes == ("results/summary.csv: aime25 has several rows; line 3 (the last) counts, not lines 2",)


def test_higher_is_better_from_the_format_is_the_default_direction(tmp_path: Path) -> None:
    from vibe_action.app.run import load_inputs

    data = lm_eval_gsm8k(0.1, 0.8)
    data["results"]["wikitext"] = {"alias": "wikitext", "word_perplexity,none": 12.5}
    data["higher_is_better"]["wikitext"] = {"word_perplexity": False}
    write(tmp_path, f"evals/results_{STAMP}.json", data)
    write(
        tmp_path,
        "config/deploy.yaml",
        "version: 1\nprimary: gsm8k\nresults: evals/*.json\nmetrics:\n"
        "  gsm8k: {metric: 'exact_match,flexible-extract'}\n  wikitext: {max_drop: 1}\n",
    )
    inputs = load_inputs(tmp_path, "config/deploy.yaml", None)
    assert inputs.config.metrics["wikitext"].direction == "lower"  # from higher_is_better
    assert inputs.config.metrics["gsm8k"].direction == "higher"


def test_13_native_items_are_checked_in_one_pass_with_positions(tmp_path: Path) -> None:
    """Validated structurally (not sample by sample through the schema), errors still point at the item."""
    items = {f"p{i}": [1, 0, 1, 1] for i in range(50)}
    items["p7"] = [1, 0, 2, 1]  # a 2 is not a sample outcome
    items["p9"] = 1.5  # nor is a fraction above 1
    text = json.dumps({"benchmarks": {"aime25": {"items": items}}}, indent=2)
    write(tmp_path, "results/r.json", text)
    message = refused(tmp_path, "results/*.json")
    line_p7 = _line_of(text, '"p7": [')
    assert f"results/r.json:{line_p7}:" in message
    assert "benchmarks.aime25.items.p7: must be a fraction correct in [0, 1]" in message
    assert "benchmarks.aime25.items.p9:" in message
    items.pop("p7")
    items.pop("p9")
    write(tmp_path, "results/r.json", json.dumps({"benchmarks": {"aime25": {"items": items}}}))
    bench = load_results([Source("results/*.json")], tmp_path).benchmarks["aime25"]
    assert bench.score == pytest.approx(75.0)
    assert bench.items is not None
    assert (bench.items.samples, bench.items.continuous) == (4, False)


def test_12_the_rules_column_shows_noise_as_its_own_mark_and_gain_dash_without_baseline() -> None:
    from tests.noise_data import base_counts, bench, config, others, results, run, within_noise
    from vibe_action.decide.policy import Context, decide
    from vibe_action.render.report import text_report

    base = base_counts()
    noisy = run(
        config(), results(bench("aime25", within_noise(base)), *others()), results(bench("aime25", base), *others())
    )
    table = text_report(noisy)
    assert "gain ≥+1.0 ✓ · noise p<0.03 ✗" in table  # the gain is met; the noise test failed, at its spent 3 %
    first = decide(config(), results(bench("aime25", base), *others()), None, Context("c" * 40, "main"))
    assert "gain — ·" in text_report(first)


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)

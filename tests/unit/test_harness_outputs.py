"""Stock evaluation outputs read as the harnesses write them (issue 18): non-finite values, scales fixed by
the metric, per-problem JSONL of the Qwen2.5-Math evaluation. Files from tests/tool_outputs.py."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.tool_outputs import lm_eval_aime25, lm_eval_task
from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results


def test_nan_and_infinity_as_python_writes_them_are_read_and_ignored_when_not_gated(tmp_path: Path) -> None:
    data = lm_eval_aime25(22)
    data["results"]["wikitext"] = {
        "alias": "wikitext",
        "word_perplexity,none": math.inf,
        "byte_perplexity,none": math.nan,
        "bits_per_byte,none": -math.inf,
    }
    text = json.dumps(data, indent=2)  # as lm-eval writes it: json.dumps allows NaN and Infinity
    assert "Infinity" in text
    assert "NaN" in text
    (tmp_path / "results_2026-11-20T10-00-00.json").write_text(text)
    results = load_results([Source("*.json")], tmp_path, gated=["aime25"])
    assert results.benchmarks["aime25"].score == pytest.approx(22 / 30 * 100)
    assert "wikitext" not in results.benchmarks


def test_a_gated_metric_that_is_not_finite_is_refused_at_its_line(tmp_path: Path) -> None:
    data = lm_eval_task("aime25", {"exact_match,none": math.nan, "exact_match_stderr,none": math.nan}, 30)
    text = json.dumps(data, indent=2)
    (tmp_path / "results_2026-11-20T10-00-00.json").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if '"exact_match,none": NaN' in row)
    with pytest.raises(InputError) as caught:
        load_results([Source("*.json")], tmp_path, gated=["aime25"])
    (problem,) = caught.value.problems
    assert problem.line == line
    assert "exact_match,none is nan (not a finite number): the harness could not compute it" in problem.message


def test_our_own_format_still_refuses_nan(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{"aime25": NaN}')
    with pytest.raises(InputError, match="NaN is not valid JSON"):
        load_results([Source("r.json")], tmp_path)


def decide_between(tmp_path: Path, config_text: str, deployed: dict[str, object], current: dict[str, object]) -> Any:
    """The policy on two runs written as files: the deployed one's ledger details, then the current one."""
    from vibe_action.decide.noise import deployed_of
    from vibe_action.decide.policy import Baseline, Context, decide
    from vibe_action.inputs.config import parse_config

    config = parse_config(config_text, "config/deploy.yaml")

    def load(files: dict[str, object]) -> Any:
        folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
        return load_results(
            [Source("**/*.json"), Source("**/*.jsonl")], folder, "", config.tasks, config.gated, config.scales
        )

    then, now = load(deployed), load(current)
    details = {name: deployed_of(bench) for name, bench in then.benchmarks.items()}
    return decide(config, now, Baseline("a" * 40, then.scores(), details), Context("b" * 40, "main"))


TRUTHFUL = "version: 1\nprimary: truthfulqa_gen\nmetrics:\n  truthfulqa_gen: {metric: bleu_acc, min_gain: 0}\n"


def test_bleu_acc_is_a_proportion_in_the_results_and_the_samples_alike(tmp_path: Path) -> None:
    """The same run, read first from its results file, then with its samples: Δ 0, not +38.78."""
    from tests.tool_outputs import lm_eval_samples_gsm8k, lm_eval_truthfulqa_gen

    stamp = "2026-11-20T10-00-00.000000"
    results = {f"results_{stamp}.json": lm_eval_truthfulqa_gen(bleu_acc=320 / 817, bleu_max=20.3)}
    samples = lm_eval_samples_gsm8k({"none": [1] * 320 + [0] * 497})
    for row in samples:
        row["metrics"] = ["bleu_max", "bleu_acc", "bleu_diff"]
        row["bleu_acc"] = row.pop("exact_match")
    both = {**results, f"samples_truthfulqa_gen_{stamp}.jsonl": "\n".join(json.dumps(r) for r in samples) + "\n"}
    decision = decide_between(tmp_path, TRUTHFUL, results, both)
    (row,) = [r for r in decision.metrics if r.name == "truthfulqa_gen"]
    assert row.baseline == pytest.approx(39.17, abs=0.01)
    assert row.current == pytest.approx(39.17, abs=0.01)
    assert row.delta == pytest.approx(0.0, abs=1e-9)


COLA = "version: 1\nprimary: cola\nmetrics:\n  cola: {min_gain: 0.1}\n"


def test_mcc_stays_on_its_own_scale_whatever_its_value(tmp_path: Path) -> None:
    """gemma-2-2b's -0.0914 and gemma-2-2b-it's 0.2186: +0.31, not +21.95 (+24031 %)."""
    from tests.tool_outputs import lm_eval_cola

    decision = decide_between(tmp_path, COLA, {"r.json": lm_eval_cola(-0.0914)}, {"r.json": lm_eval_cola(0.2186)})
    (row,) = decision.metrics
    assert row.delta == pytest.approx(0.31, abs=1e-9)
    assert row.current == pytest.approx(0.2186)
    assert decision.verdict == "deploy"
    noise = next(c for c in row.rules if c.rule == "noise")
    assert noise.stats is not None
    assert noise.stats["method"] == "stderr"  # 0.0312 against 0.0312: one scale in one test


def test_an_explicit_scale_wins_and_a_change_of_units_is_never_compared(tmp_path: Path) -> None:
    from tests.tool_outputs import lm_eval_cola

    scaled = COLA.replace("{min_gain: 0.1}", "{min_gain: 0.1, scale: 100}")
    decision = decide_between(tmp_path, scaled, {"r.json": lm_eval_cola(-0.0914)}, {"r.json": lm_eval_cola(0.2186)})
    assert decision.metrics[0].delta == pytest.approx(31.0, abs=1e-9)  # 21.86 - (-9.14)
    # Deployed as written, now as 0-100: blocked, not compared.
    config_then = COLA
    from vibe_action.decide.noise import deployed_of
    from vibe_action.decide.policy import Baseline, Context, decide
    from vibe_action.inputs.config import parse_config

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r.json").write_text(json.dumps(lm_eval_cola(-0.0914)))
    then = load_results([Source("a/r.json")], tmp_path, scales=parse_config(config_then, "c").scales)
    details = {n: deployed_of(b) for n, b in then.benchmarks.items()}
    now_config = parse_config(scaled, "config/deploy.yaml")
    now = load_results([Source("a/r.json")], tmp_path, scales=now_config.scales)
    mixed = decide(now_config, now, Baseline("a" * 40, then.scores(), details), Context("b" * 40, "main"))
    assert mixed.verdict == "block"
    assert (
        "the scores are in different units (percentage points now, the metric's own units deployed)"
        in (mixed.reasons[0])
    )


def test_a_metric_of_unknown_scale_is_read_as_written_with_a_note(tmp_path: Path) -> None:
    data = lm_eval_task("wmdp", {"ece,none": 0.6241, "ece_stderr,none": 0.004}, 9536)
    (tmp_path / "r.json").write_text(json.dumps(data))
    results = load_results([Source("r.json")], tmp_path, gated=["wmdp"])
    assert results.benchmarks["wmdp"].score == pytest.approx(0.6241)
    (note,) = results.notes
    assert "wmdp: metric 'ece,none' has no fixed scale, so it is read as written (0.6241)" in note
    assert "set metrics.wmdp.scale: 100" in note


def test_qwen_math_per_problem_jsonl_is_detected_and_read(tmp_path: Path) -> None:
    from tests.tool_outputs import qwen_math_jsonl
    from vibe_action.inputs.formats import detect

    text = qwen_math_jsonl({idx: idx % 4 != 0 for idx in range(30)})
    assert detect("aime25/test_qwen25-math-cot_-1_seed0_t0.0_s0_e-1.jsonl", text) == "correctness"
    (tmp_path / "aime25.jsonl").write_text(text)
    aime = load_results([Source("aime25.jsonl")], tmp_path).benchmarks["aime25"]
    assert aime.items is not None
    assert set(aime.items.scores) == {str(i) for i in range(30)}  # the `idx` field
    assert aime.score == pytest.approx(22 / 30 * 100)


def test_correctness_takes_the_id_and_verdict_fields_it_is_told(tmp_path: Path) -> None:
    from vibe_action.inputs.config import parse_config

    rows = [{"problem": f"2025-I-{i}", "verdicts": [1, 0, 1, 1], "score": 0.75} for i in range(15)]
    rows += [{"problem": f"2025-II-{i}", "verdicts": [0, 0, 0, 0], "score": 0.0} for i in range(15)]
    (tmp_path / "aime.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    config = parse_config(
        "version: 1\nresults:\n  - {path: aime.jsonl, format: correctness, benchmark: aime25, id: problem, "
        "correct: verdicts}\nprimary: aime25\nmetrics:\n  aime25: {}\n",
        "config/deploy.yaml",
    )
    aime = load_results(config.results, tmp_path).benchmarks["aime25"]
    assert aime.items is not None
    assert aime.items.samples == 4
    assert aime.items.scores["2025-I-3"] == 0.75
    assert aime.score == pytest.approx(37.5)
    (tmp_path / "one.jsonl").write_text('{"qid": 1, "correct": true}\n{"qid": 2, "correct": false}\n')
    single = load_results([Source("one.jsonl", "correctness", "b", None, None, "qid", "correct")], tmp_path)
    assert single.benchmarks["b"].score == pytest.approx(50.0)
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "correct": true}\n')
    with pytest.raises(InputError, match="no 'qid' field"):
        load_results([Source("bad.jsonl", "correctness", "b", None, None, "qid", "correct")], tmp_path)


def test_the_model_is_read_from_the_harness_file(tmp_path: Path) -> None:
    from tests.tool_outputs import lighteval, lm_eval_03

    (tmp_path / "a.json").write_text(json.dumps(lm_eval_aime25(22)))  # lm-eval 0.4: model_name
    assert load_results([Source("a.json")], tmp_path).model.name == "WeiboAI/VibeThinker-1.5B"  # type: ignore[union-attr]
    old = lm_eval_03("arc_easy", 0.7, 0, None)
    old["config"]["model_args"] = "pretrained=WeiboAI/VibeThinker-1.5B,revision=v1.1,dtype=bfloat16"
    (tmp_path / "b.json").write_text(json.dumps(old))  # lm-eval 0.3: only model_args
    model = load_results([Source("b.json")], tmp_path).model
    assert model is not None
    assert (model.name, model.revision) == ("WeiboAI/VibeThinker-1.5B", "v1.1")
    (tmp_path / "c.json").write_text(json.dumps(lighteval({"aime25": 0.7}, True)))
    assert load_results([Source("c.json")], tmp_path).model.name == "WeiboAI/VibeThinker-1.5B"  # type: ignore[union-attr]


def test_scores_carry_no_binary_noise_digits(tmp_path: Path) -> None:
    data = lm_eval_task("gsm8k", {"exact_match,none": 0.724, "exact_match_stderr,none": 0.0123}, 1319)
    (tmp_path / "r.json").write_text(json.dumps(data))
    gsm8k = load_results([Source("r.json")], tmp_path).benchmarks["gsm8k"]
    assert 0.724 * 100 != 72.4  # the noise a plain multiplication leaves
    assert repr(gsm8k.score) == "72.4"
    assert repr(gsm8k.stderr) == "1.23"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"score": 74.4, "stderr": 1e200}, "stderr 1e+200 is out of range (0 to 1e+06)"),
        ({"score": 74.4, "samples_per_problem": 100_000}, "100,000 samples per problem is out of range (1 to 65,535)"),
    ],
)
def test_numbers_out_of_range_are_refused_at_load(tmp_path: Path, entry: dict[str, float], message: str) -> None:
    (tmp_path / "r.json").write_text(json.dumps({"benchmarks": {"aime25": entry}}, indent=2))
    with pytest.raises(InputError) as caught:
        load_results([Source("r.json")], tmp_path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("r.json", 3)
    assert message in problem.message


def test_the_decision_json_is_standard_json_whatever_the_numbers() -> None:
    from vibe_action.decide.decision import finite

    assert finite({"a": [1.0, float("inf"), {"b": float("nan")}], "c": "x"}) == {
        "a": [1.0, None, {"b": None}],
        "c": "x",
    }
    json.dumps(finite({"x": float("-inf")}), allow_nan=False)


def test_the_netlify_toml_reader_unescapes_as_toml_does() -> None:
    """The rough reader (Python 3.10 has no tomllib) reads the docs' recipes as TOML would."""
    from tests.recipes import ignore_recipe
    from vibe_action.hosts.netlify.recipe import ignore_command

    assert ignore_command(ignore_recipe("README.md")) == 'test -z "${INCOMING_HOOK_TITLE:-}"'
    api = ignore_recipe("docs/netlify.md", 'ignore = "python3 .netlify-ignore.py"')
    assert ignore_command(api) == "python3 .netlify-ignore.py"
    multi = '[build]\n  ignore = """\n    set -eu\n    test -z \\"$X\\" \\\n      || exit 1\n  """\n[context]\n'
    assert ignore_command(multi) == '    set -eu\n    test -z "$X" || exit 1\n  '
    assert ignore_command("[build]\n  ignore = 'a \\\\ b'\n") == "a \\\\ b"  # literal: no escapes
    assert ignore_command("[context.production]\n  ignore = 'x'\n") is None

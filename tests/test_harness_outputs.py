"""Stock evaluation outputs read as the harnesses write them (issue 18): non-finite values, scales fixed by
the metric, per-problem JSONL of the Qwen2.5-Math evaluation. Files from tests/tool_outputs.py."""

from __future__ import annotations

import json
import math
from pathlib import Path

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

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

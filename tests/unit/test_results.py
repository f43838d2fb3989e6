"""Results files: native and flat forms, merging, and errors at file:line:col with the JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import native
from vibe_action.errors import InputError, Problem
from vibe_action.inputs.results import load_results


def write(root: Path, name: str, content: str | dict[str, object]) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))


def problems(root: Path, patterns: list[str] | None = None) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_results(patterns or ["results/*.json"], root)
    return caught.value.problems


def test_native_file(tmp_path: Path) -> None:
    write(tmp_path, "results/math.json", native())
    res = load_results(["results/*.json"], tmp_path)
    assert res.scores() == {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}
    assert res.model is not None
    assert (res.model.name, res.model.revision) == ("VibeThinker-1.5B", "r1")
    assert res.benchmarks["aime25"].n == 30
    assert res.benchmarks["hmmt25"].line == 11  # the line of its key
    assert res.files == ("results/math.json",)
    assert len(res.digest) == 64


def test_flat_file_read_by_jq_scripts(tmp_path: Path) -> None:
    write(tmp_path, "results/scores.json", '{"aime25": 74.4, "hmmt25": 50.4}')
    assert load_results(["results/*.json"], tmp_path).scores() == {"aime25": 74.4, "hmmt25": 50.4}


def test_several_files_merge(tmp_path: Path) -> None:
    write(tmp_path, "results/math.json", '{"aime25": 74.4}')
    write(tmp_path, "results/code.json", '{"livecodebench_v6": 51.1}')
    res = load_results(["results/*.json"], tmp_path)
    assert res.files == ("results/code.json", "results/math.json")
    assert set(res.scores()) == {"aime25", "livecodebench_v6"}


def test_same_benchmark_in_two_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, "results/a.json", '{\n  "aime25": 74.4\n}')
    write(tmp_path, "results/b.json", '{\n  "hmmt25": 1,\n  "aime25": 75.0\n}')
    found = problems(tmp_path)
    assert [p.render() for p in found] == [
        "results/b.json:3:1: benchmark 'aime25' is also in results/a.json:2 (keep each benchmark in one results file)"
    ]


def test_string_score_points_at_file_line_col_and_path(tmp_path: Path) -> None:
    text = json.dumps(native(), indent=2).replace('"score": 50.4', '"score": "high"')
    write(tmp_path, "results/math.json", text)
    found = problems(tmp_path)
    assert [p.render() for p in found] == ["results/math.json:12:16: benchmarks.hmmt25.score: 'high' is not a number"]


def test_flat_errors_explain_both_forms(tmp_path: Path) -> None:
    write(tmp_path, "results/r.json", '{"aime25": 74.4,\n "hmmt25": 150}')
    found = problems(tmp_path)
    assert found[0].render().startswith("results/r.json:2:12: hmmt25: 150 is above the maximum 100 (a results file is")


def test_errors_from_every_file_at_once(tmp_path: Path) -> None:
    write(tmp_path, "results/a.json", '{"aime25": "x"}')
    write(tmp_path, "results/b.json", '{"benchmarks": {"hmmt25": {"score": 50, "samples": 4}}}')
    found = problems(tmp_path)
    assert [(p.file, p.message) for p in found] == [
        ("results/a.json", "'x' is not a number"),
        ("results/b.json", "unknown key 'samples'"),
    ]
    assert found[1].hint == "did you mean 'samples_per_problem'?"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"aime25": 74.4,}', 1, 17, "invalid JSON"),
        ('{"aime25": NaN}', 1, 1, "NaN is not valid JSON"),
        ('{\n "aime25": 1,\n "aime25": 2\n}', 3, 2, "duplicate key 'aime25'"),
        ("[1, 2]", 1, 1, "not a LiveCodeBench file"),
    ],
)
def test_malformed_json(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    write(tmp_path, "results/r.json", text)
    found = problems(tmp_path)
    assert (found[0].line, found[0].column) == (line, column)
    assert message in found[0].message


def test_no_matching_files_says_where_the_glob_came_from(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no results files match 'results/\*\.json' \(from --results\)"):
        load_results(["results/*.json"], tmp_path, origin="--results")


def test_different_models_in_two_files(tmp_path: Path) -> None:
    other = native()
    other["model"] = {"name": "Other-7B"}
    other["benchmarks"] = {"gpqa": {"score": 30}}
    write(tmp_path, "results/a.json", native())
    write(tmp_path, "results/b.json", other)
    assert "model 'Other-7B' differs from 'VibeThinker-1.5B'" in problems(tmp_path)[0].message

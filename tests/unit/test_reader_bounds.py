"""Readers that stay within their bounds (issue 19): JSONL read a line at a time from its bytes, limits told before
the expensive part, and item positions mapped only when an error needs one. Peak memory at the limits is measured
in `make bench` (scripts/bench_limits.py), not asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vibe_action.errors import InputError
from vibe_action.inputs import per_item, sourcemap
from vibe_action.inputs.results import load_results, read_results_file
from vibe_action.inputs.sourcemap import load_json


def problem_of(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_results_file(path, path.name)
    return str(caught.value)


def test_a_jsonl_line_that_is_not_utf8_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "aime25.jsonl"
    path.write_bytes(b'{"id": "p1", "correctness": [1]}\n{"id": "p\xff2", "correctness": [0]}\n')
    assert "aime25.jsonl:2:1: this line is not UTF-8 text" in problem_of(path)


def test_a_line_separator_inside_a_json_string_does_not_end_the_line(tmp_path: Path) -> None:
    """JSONL lines end at \\n; `splitlines` also cut at U+2028, which a JSON string may hold raw."""
    path = tmp_path / "aime25.jsonl"
    rows = [{"id": "p1", "correctness": [1], "response": "a\u2028b\u0085c"}, {"id": "p2", "correctness": [0]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n", encoding="utf-8")
    results = read_results_file(path, path.name)
    bench = results.benchmarks["aime25"]
    assert (bench.score, bench.items.scores if bench.items else None) == (50.0, {"p1": 1.0, "p2": 0.0})


def test_a_line_past_the_line_limit_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(per_item, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "aime25.jsonl"
    long_line = '{"id": "p2", "response": "' + "x" * 2000 + '"}'
    path.write_text('{"id": "p1", "correctness": [1]}\n' + long_line + "\n")
    message = problem_of(path)
    assert "aime25.jsonl:2:1: this line is longer than 1,000 bytes, the limit per line" in message


def test_lm_eval_samples_keep_only_what_they_read(tmp_path: Path) -> None:
    """Each sample line carries its prompt and responses; the reader keeps ids, filter and numbers only, and
    reads the same result."""
    path = tmp_path / "samples_gsm8k_2026-11-20T10-00-00.jsonl"
    rows = [
        {"doc_id": i, "filter": "strict-match", "exact_match": float(i % 2), "resps": [["long answer " * 50]]}
        for i in range(10)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    bench = read_results_file(path, path.name).benchmarks["gsm8k"]
    assert bench.score == 50.0
    assert bench.n == 10


def test_too_many_benchmarks_is_told_before_positions_are_mapped(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({f"b{i}": 1 for i in range(20_000)}))
    assert "r.json:1:1: 20,000 benchmarks; the limit is 500" in problem_of(path)


def test_a_json_file_past_the_key_budget_stops_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sourcemap, "MAX_JSON_KEYS", 100)
    text = json.dumps([{"a": 0, "b": 0} for _ in range(51)])
    with pytest.raises(InputError, match=r"x.json:1:1: more than 100 keys"):
        load_json(text, "x.json")
    assert load_json(json.dumps([{"a": 0, "b": 0} for _ in range(50)]), "x.json")[0][0] == {"a": 0, "b": 0}


def test_an_error_about_one_item_still_names_its_line(tmp_path: Path) -> None:
    """Item positions are mapped only when asked for: the error about item p4001 is at its own line."""
    items = {f"p{i}": 1 for i in range(5000)}
    items["p4001"] = 1.5
    document = {"benchmarks": {"aime25": {"items": items}}}
    text = json.dumps(document, indent=1)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "r.json").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if '"p4001"' in row)
    with pytest.raises(InputError) as caught:
        load_results(["results/r.json"], tmp_path)
    problems = caught.value.problems
    assert [(p.file, p.line) for p in problems] == [("results/r.json", line)], problems

"""Property: whatever bytes, JSON or YAML arrive, the loaders answer with a result or an `InputError` — never
another exception. (How long they take is `make bench`'s to measure: no test here reads a clock.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vibe_action.errors import InputError
from vibe_action.inputs.config import load_config, parse_config
from vibe_action.inputs.readers import ReadOptions, read
from vibe_action.inputs.results import read_results_file
from vibe_action.inputs.sourcemap import load_json, load_yaml

PROPERTY = settings(
    max_examples=150,
    deadline=None,  # no clock: a slow machine is no failure (make bench measures time; the loops are bounded)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples every run: CI stays reproducible
)

KEYS = st.sampled_from(
    [
        "version",
        "primary",
        "metrics",
        "aime25",
        "min",
        "max",
        "min_gain",
        "max_drop",
        "branches",
        "main",
        "deploy",
        "quota",
        "monthly_deploys",
        "hook",
        "title",
        "timeout",
        "results",
        "path",
        "format",
        "benchmarks",
        "score",
        "n",
        "items",
        "stderr",
        "model",
        "name",
        "results",
        "configs",
        "n-shot",
        "n-samples",
        "versions",
        "config_general",
        "acc,none",
        "exact_match,strict-match",
        "pass@1",
        "doc_id",
        "filter",
        "correctness",
        "significance",
        "confidence",
        "\ud800",
        "2025",
        "yes",
        "<<",
        "",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["{score:>9}", "/etc/*.json", "../x", "results/**/*.json", "2%", "-1%"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=25,
)


def _json(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


def only_input_errors(call: Any, *args: Any) -> None:
    """Any result is fine; an InputError must say something printable; any other exception fails the test."""
    try:
        call(*args)
    except InputError as exc:
        message = str(exc)
    else:
        return
    assert message
    message.encode("utf-8")  # printable, even when the input held lone surrogates


@PROPERTY
@given(st.binary(max_size=300))
def test_config_loader_on_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_bytes(data)
    only_input_errors(load_config, path)


@PROPERTY
@given(VALUES)
def test_config_parser_on_any_yaml_shape(value: Any) -> None:
    import yaml

    only_input_errors(parse_config, yaml.safe_dump(value, allow_unicode=True), "deploy.yaml")


@PROPERTY
@given(st.text(max_size=300))
def test_yaml_and_json_loaders_on_any_text(text: str) -> None:
    only_input_errors(load_yaml, text, "f.yaml")
    only_input_errors(load_json, text, "f.json")


@PROPERTY
@given(VALUES)
def test_results_file_on_any_json_shape(tmp_path: Path, value: Any) -> None:
    for fmt in ("auto", "native", "flat", "lm-eval", "lighteval", "livecodebench"):
        path = tmp_path / "r.json"
        path.write_text(_json(value), encoding="utf-8", errors="surrogatepass")
        only_input_errors(read_results_file, path, "results/r.json", fmt)


@PROPERTY
@given(st.lists(VALUES, max_size=5))
def test_line_formats_on_any_json_lines(tmp_path: Path, rows: list[Any]) -> None:
    text = "\n".join(_json(row) for row in rows)
    for fmt in ("correctness", "lm-eval-samples"):
        path = tmp_path / "r.jsonl"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        only_input_errors(read_results_file, path, "results/r.jsonl", fmt)


@PROPERTY
@given(st.lists(st.lists(st.text(alphabet='abc,01."\r\n-', max_size=8), max_size=6), max_size=6))
def test_csv_formats_on_any_cells(tmp_path: Path, rows: list[list[str]]) -> None:
    text = "\n".join(",".join(row) for row in [["dataset", "version", "metric", "mode", "m"], *rows])
    path = tmp_path / "r.csv"
    path.write_text(text)
    only_input_errors(read_results_file, path, "results/r.csv", "opencompass")


@pytest.mark.parametrize("fmt", ["lm-eval", "lighteval", "livecodebench", "correctness", "lm-eval-samples"])
@PROPERTY
@given(value=VALUES)
def test_each_reader_refuses_shapes_it_does_not_know_by_name(fmt: str, value: Any) -> None:
    """The readers themselves (below the safety net in read_results_file) raise only InputError."""
    text = (
        _json(value)
        if fmt not in ("correctness", "lm-eval-samples")
        else "\n".join(_json(v) for v in (value if isinstance(value, list) else [value]))
    )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    only_input_errors(read, fmt, text, "results/r", ReadOptions())

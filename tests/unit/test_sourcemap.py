"""Positions of values and keys in JSON and YAML: the base of every file:line:col message."""

from __future__ import annotations

from vibe_action.inputs.sourcemap import Position, format_path, load_json, load_yaml


def test_json_positions_of_values_keys_and_list_items() -> None:
    text = '{\n  "a": {"b": [10, {"c": "x\\"y"}]},\n\t"d": true\n}'
    data, source = load_json(text, "f.json")
    assert data == {"a": {"b": [10, {"c": 'x"y'}]}, "d": True}
    assert source.value_at(("a", "b", 0)) == Position(2, 15)
    assert source.value_at(("a", "b", 1, "c")) == Position(2, 25)
    assert source.key_at(("a", "b")) == Position(2, 9)
    assert source.key_at(("d",)) == Position(3, 2)
    assert source.value_at(("d",)) == Position(3, 7)
    assert source.value_at(("a", "missing", "deeper")) == Position(2, 8)  # nearest ancestor


def test_json_positions_with_unicode_and_crlf() -> None:
    text = '{"名前": "é",\r\n "x": 1}'
    _, source = load_json(text, "f.json")
    assert source.value_at(("名前",)) == Position(1, 8)
    assert source.value_at(("x",)) == Position(2, 7)


def test_yaml_positions() -> None:
    data, source = load_yaml("a:\n  b:\n    - 1\n    - c: 2\n", "f.yaml")
    assert data == {"a": {"b": [1, {"c": 2}]}}
    assert source.key_at(("a", "b")) == Position(2, 3)
    assert source.value_at(("a", "b", 1, "c")) == Position(4, 10)


def test_format_path() -> None:
    assert format_path(("benchmarks", "aime25", "score")) == "benchmarks.aime25.score"
    assert format_path(("results", 0)) == "results[0]"
    assert format_path(()) == ""

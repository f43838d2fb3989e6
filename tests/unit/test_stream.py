"""The value-at-a-time JSON reader (vibe_action/inputs/stream.py) reads what json.loads reads, whatever the
window size: numbers, strings and escapes cut at a window's edge are read whole, positions are the lines the
text has, and what json refuses is refused with its line."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action.errors import InputError
from vibe_action.inputs import stream
from vibe_action.inputs.stream import DROP, OPEN, WHOLE, Plan, count_members, load_planned

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


def everything(action: str) -> Plan:
    return Plan(lambda _path: action)


@pytest.fixture(autouse=True)
def tiny_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "CHUNK", 3)  # every value crosses a window's edge


@settings(max_examples=300, deadline=None, derandomize=True)
@given(JSON, st.sampled_from([OPEN, WHOLE]), st.sampled_from([None, 2]))
def test_what_json_reads_is_read_the_same(value: Any, action: str, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    data, _ = load_planned(io.StringIO(text), "f.json", everything(action), max_value=len(text) + 1)
    assert data == value


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_what_json_refuses_is_refused_as_input(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except (ValueError, RecursionError):
        with pytest.raises(InputError):
            load_planned(io.StringIO(text), "f.json", everything(OPEN), max_value=100)
        return
    if isinstance(expected, float) and math.isnan(expected):  # json reads NaN; the plan here refuses it
        return
    try:
        data, _ = load_planned(io.StringIO(text), "f.json", everything(OPEN), max_value=100)
    except InputError:
        assert "NaN" in text or "Infinity" in text or '"' in text  # constants refused; duplicate keys refused
        return
    assert data == expected


def test_positions_are_the_lines_of_the_text() -> None:
    text = '{\n  "results": {\n    "aime25": {\n      "acc": 0.5\n    }\n  }\n}\n'
    _, source = load_planned(io.StringIO(text), "f.json", everything(OPEN), max_value=100)
    assert source.key_at(("results", "aime25")).line == 3
    assert source.value_at(("results", "aime25", "acc")).line == 4


def test_a_dropped_subtree_is_walked_but_not_kept() -> None:
    text = json.dumps({"results": {"t": {"examples": [{"out": "x" * 50}] * 4, "acc": 1}}})

    def action(path: tuple[str | int, ...]) -> str:
        return DROP if path[-1:] == ("examples",) else OPEN if len(path) < 3 else WHOLE

    data, _ = load_planned(io.StringIO(text), "f.json", Plan(action), max_value=100)
    assert data == {"results": {"t": {"examples": None, "acc": 1}}}


def test_a_value_past_the_limit_is_refused_at_its_line() -> None:
    text = '[\n{"a": 1},\n"' + "x" * 200 + '"\n]'
    with pytest.raises(InputError) as caught:
        load_planned(io.StringIO(text), "f.json", everything(OPEN), max_value=100)
    assert "f.json:3:1: one value here is larger than 100 characters" in str(caught.value)


def test_duplicate_keys_and_nan_are_refused_where_they_stand() -> None:
    with pytest.raises(InputError) as caught:
        load_planned(io.StringIO('{"a": 1,\n "a": 2}'), "f.json", everything(OPEN), max_value=100)
    assert "duplicate key 'a'" in str(caught.value)
    data, _ = load_planned(io.StringIO('{"a": NaN}'), "f.json", everything(OPEN), max_value=100, non_finite=True)
    assert data["a"] != data["a"]


@pytest.mark.parametrize(("text", "count"), [('{"a": 1, "b": [1, {"c": 2}]}', 2), ("{}", 0), ("[1, 2]", None)])
def test_count_members_counts_the_top_keys_only(text: str, count: int | None) -> None:
    assert count_members(text, "f.json") == count

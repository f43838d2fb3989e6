"""The quick schema check (`vibe_action.inputs.conforms`) against jsonschema, the authority it stands in for.

Its one harmful bug would be calling an invalid document valid: the gate would then skip jsonschema and act on a
file it should have refused. So: on documents made by mutating real configs and results files (a value replaced,
a key dropped or added, numbers turned to bools or floats), its verdict must equal jsonschema's whenever the
document is plain JSON, and it must never say "valid" when jsonschema does not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vibe_action.inputs.conforms import SUPPORTED_KEYWORDS, conforms
from vibe_action.inputs.validation import load_schema

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = load_schema("deploy")
RESULTS = load_schema("results")
NATIVE = {**RESULTS, "$ref": "#/$defs/native"}
FLAT = {**RESULTS, "$ref": "#/$defs/flat"}

PROPERTY = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same documents every run
)


def _yaml_configs() -> list[Any]:
    """deploy.yaml as users write it: the example, and every config in the docs and README."""
    configs = [yaml.safe_load((ROOT / "examples" / "config" / "deploy.yaml").read_text(encoding="utf-8"))]
    for page in ("docs/configuration.md", "docs/netlify.md", "README.md"):
        for block in re.findall(r"```yaml\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), re.DOTALL):
            try:
                data = yaml.safe_load(block)
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and "metrics" in data:
                configs.append(data)
    return configs


def _results() -> list[Any]:
    folder = ROOT / "vibe_action" / "examples"
    files = sorted((folder / "results").glob("*.json")) + sorted((folder / "demo").glob("*.json"))
    native = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    with_items = {"benchmarks": {"aime25": {"items": {"1": [1, 0, True], "2": 0.5}, "n": 2}}}
    return [*native, with_items]


CONFIGS = _yaml_configs()
RESULT_FILES = _results()
FLAT_FILES = [{"aime25": 74.4, "hmmt25": 50}, {"livecodebench_v6": 0}]


def _vocabulary(schema: Any) -> tuple[list[str], list[Any]]:
    """Every property name and every enum/const value in a schema: mutations that can still be valid."""
    keys: set[str] = set()
    values: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            values.extend(node.get("enum", []))
            if "const" in node:
                values.append(node["const"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema)
    return sorted(keys), values


KEYS, VALUES = _vocabulary(DEPLOY)
RESULT_KEYS, RESULT_VALUES = _vocabulary(RESULTS)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.sampled_from([0, 1, 2, -1, 0.0, 1.0, 2.0, 0.5, 100, 100.5, 1e300, 30, 40960])
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "main", "aime25", "v1", "10%", "release/", "hotfix-", "A B", "é", "x" * 300])
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


def _replace(node: Any, path: tuple[Any, ...], make: Any) -> Any:
    """A copy of `node` with the value at `path` turned into `make(old)` (`make` returning a sentinel: dropped)."""
    if not path:
        return make(node)
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        replaced = _replace(node[head], rest, make)
        copy = {key: value for key, value in node.items() if key != head}
        return copy if replaced is _DROP else {**copy, head: replaced}
    items = list(node)
    replaced = _replace(items[head], rest, make)
    return items[:head] + items[head + 1 :] if replaced is _DROP else [*items[:head], replaced, *items[head + 1 :]]


_DROP = object()


def _twist(old: Any, draw: Any, keys: list[str], values: list[Any]) -> Any:
    """One mutation of one value, chosen to land on both sides of the schema's lines."""
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(JSON_VALUES)
    if choice == 1:
        return draw(st.sampled_from(values)) if values else old
    if choice == 2:
        return _DROP
    if choice == 3 and isinstance(old, dict):
        return {**old, draw(st.sampled_from(keys) | st.text(max_size=6)): draw(JSON_VALUES)}
    if choice == 4 and isinstance(old, (int, float)) and not isinstance(old, bool):
        return draw(st.sampled_from([float(old), bool(old), str(old), -old, old + 0.5, [old]]))
    if choice == 5 and isinstance(old, str):
        return draw(st.sampled_from(["", old.upper(), old + "-", old + " x", old[:1]]))
    if choice == 6 and isinstance(old, dict) and old:
        return draw(st.sampled_from([[], list(old.values()), {}]))
    return old


def _mutated(draw: Any, seeds: list[Any], keys: list[str], values: list[Any]) -> Any:
    document = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        document = _replace(document, path, lambda old: _twist(old, draw, keys, values))
        if document is _DROP:
            return {}
    return document


def _agrees(document: Any, schema: dict[str, Any]) -> None:
    truth = Draft202012Validator(schema).is_valid(document)
    quick = conforms(document, schema)
    assert not (quick and not truth), f"called valid, jsonschema disagrees: {document!r}"
    assert quick == truth, f"jsonschema says valid, the quick check asks it needlessly: {document!r}"


@PROPERTY
@given(st.data())
def test_on_mutated_configs_the_quick_check_says_what_jsonschema_says(data: st.DataObject) -> None:
    _agrees(_mutated(data.draw, CONFIGS, KEYS, VALUES), DEPLOY)


@PROPERTY
@given(st.data())
def test_on_mutated_results_the_quick_check_says_what_jsonschema_says(data: st.DataObject) -> None:
    _agrees(_mutated(data.draw, RESULT_FILES, RESULT_KEYS, RESULT_VALUES), NATIVE)
    _agrees(_mutated(data.draw, FLAT_FILES, RESULT_KEYS, RESULT_VALUES), FLAT)


def test_the_seeds_are_valid_and_both_verdicts_occur() -> None:
    """The mutations start mostly from valid files (else the property would test only the refusals); a docs
    fragment that leaves out required keys is a seed too, on the other side of the line."""
    valid = [config for config in CONFIGS if Draft202012Validator(DEPLOY).is_valid(config)]
    assert len(valid) >= 3
    for config in CONFIGS:
        _agrees(config, DEPLOY)
    for results in RESULT_FILES:
        assert conforms(results, NATIVE), results
    assert not conforms({**CONFIGS[0], "primery": "aime25"}, DEPLOY)


@pytest.mark.parametrize(
    ("value", "schema", "valid"),
    [
        (True, {"type": "integer"}, False),  # bool is not a number in JSON Schema
        (2.0, {"type": "integer"}, True),  # draft 6 on: a float with no fraction is an integer
        (2.5, {"type": "integer"}, False),
        (True, {"enum": [1, 100]}, False),  # enum tells True from 1 ...
        (1.0, {"enum": [1, 100]}, True),  # ... but not 1.0 from 1
        (False, {"enum": [0, 1, True, False]}, True),
        ("7", {"minimum": 10}, True),  # bounds constrain numbers only
        ([1], {"const": [True]}, False),
        ({"a": 1}, {"additionalProperties": False, "properties": {"a": {}}}, True),
        ("main", {"pattern": "^m"}, True),
        ("xmain", {"pattern": "^m"}, False),
        (1, {"oneOf": [{"type": "integer"}, {"type": "number"}]}, False),  # exactly one, not at least one
        (1.5, {"oneOf": [{"type": "integer"}, {"type": "number"}]}, True),
        ({}, {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}, False),
    ],
)
def test_json_schema_semantics_as_jsonschema_has_them(value: Any, schema: dict[str, Any], valid: bool) -> None:
    assert Draft202012Validator(schema).is_valid(value) is valid  # the expectation is jsonschema's own
    assert conforms(value, schema) is valid


@pytest.mark.parametrize(
    ("value", "schema"),
    [
        ({"a": 1}, {"patternProperties": {"^a": {}}}),  # a keyword it does not know
        ("x", {"format": "email"}),
        (1, {"$ref": "https://example.invalid/schema.json"}),  # a reference outside #/$defs/
        (1, {"$ref": "#/$defs/absent"}),
        (__import__("datetime").date(2026, 1, 1), {}),  # YAML's dates, which JSON cannot hold
        ({1: "a"}, {}),  # a YAML key that is not a string
        (float("nan"), {"type": "number"}),
    ],
)
def test_what_it_does_not_know_it_leaves_to_jsonschema(value: Any, schema: dict[str, Any]) -> None:
    assert conforms(value, schema) is False


def test_the_shipped_schemas_use_only_keywords_it_knows() -> None:
    """Else every valid file would take the slow road again, silently (the bench would show it, no test would)."""

    def keywords(node: Any, out: set[str]) -> set[str]:
        if isinstance(node, dict):
            for key, child in node.items():
                out.add(key)
                for sub in child.values() if key in ("properties", "$defs") else [child]:
                    keywords(sub, out)
        elif isinstance(node, list):
            for child in node:
                keywords(child, out)
        return out

    used = keywords(DEPLOY, set()) | keywords(RESULTS, set())
    assert used <= SUPPORTED_KEYWORDS, used - SUPPORTED_KEYWORDS

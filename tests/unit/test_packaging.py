"""The surfaces stay in step: pyproject vs the pinned lock, the shipped schemas, the thin entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (make oldest): the same parser as a package
    import tomli as tomllib  # type: ignore[no-redef]
from jsonschema import Draft202012Validator
from packaging.requirements import Requirement

from tests.conftest import ROOT

DESIGN_CARD_RUNTIME = {"pygithub", "requests", "jsonschema", "pyyaml"}
HOST_REQUIRED = {"blake3"}  # Cloudflare Pages' file keys are BLAKE3 digests (pyproject.toml says why)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock(path: Path, python: str = "3.11") -> dict[str, str]:
    """name -> pinned version, for the lines whose markers hold on `python` (a universal lock has markers)."""
    environment = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: '{line}' is not pinned with =="
        if requirement.marker is None or requirement.marker.evaluate(environment):
            assert normalise(requirement.name) not in pins, f"{requirement.name} pinned twice for {python}"
            pins[normalise(requirement.name)] = spec.version
    return pins


def pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_runtime_dependencies_are_the_design_cards_four_and_what_a_host_requires() -> None:
    deps = [Requirement(d) for d in pyproject()["project"]["dependencies"]]  # type: ignore[index]
    assert {normalise(d.name) for d in deps} == DESIGN_CARD_RUNTIME | HOST_REQUIRED


@pytest.mark.parametrize("python", ["3.10", "3.11", "3.12", "3.13"])
def test_runtime_lock_pins_every_dependency_within_its_range_on_every_python(python: str) -> None:
    pins = lock(ROOT / "requirements.lock", python)
    for raw in pyproject()["project"]["dependencies"]:  # type: ignore[index]
        req = Requirement(raw)
        name = normalise(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock for {python}"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} does not satisfy {req.specifier}"
    assert pyproject()["project"]["requires-python"] == ">=3.10"  # type: ignore[index]


def test_test_lock_pins_the_test_extra_and_does_not_repeat_runtime_pins() -> None:
    runtime = lock(ROOT / "requirements.lock")
    test = lock(ROOT / "requirements-test.lock")
    for raw in pyproject()["project"]["optional-dependencies"]["test"]:  # type: ignore[index]
        req = Requirement(raw)
        assert normalise(req.name) in test, f"{req.name} (test extra) is not pinned in requirements-test.lock"
        assert req.specifier.contains(test[normalise(req.name)])
    assert not set(runtime) & set(test)


def test_shipped_schemas_are_valid_draft_2020_12_and_packaged() -> None:
    for name in ("deploy", "results"):
        schema = json.loads((ROOT / "vibe_action" / "inputs" / "schemas" / f"{name}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    data = pyproject()["tool"]["setuptools"]["package-data"]["vibe_action.inputs"]  # type: ignore[index]
    assert "schemas/*.json" in data


def test_every_subpackage_is_found_by_the_build() -> None:
    """A layer folder without `__init__.py` would be left out of the wheel while tests pass from the checkout."""
    from setuptools import find_packages

    found = set(find_packages(str(ROOT), include=["vibe_action", "vibe_action.*"]))
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "vibe_action").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert folders == found
    assert pyproject()["tool"]["setuptools"]["packages"]["find"]["include"] == [  # type: ignore[index]
        "vibe_action",
        "vibe_action.*",
    ]


def test_entrypoint_is_thin() -> None:
    text = (ROOT / "entrypoint.py").read_text()
    assert "from vibe_action.cli.main import console" in text
    assert len([line for line in text.splitlines() if line.strip() and not line.startswith("#")]) < 12


def test_example_config_is_valid() -> None:
    from vibe_action.inputs.config import load_config

    config = load_config(ROOT / "examples" / "config" / "deploy.yaml")
    assert config.quota.limit == 20


def test_the_oldest_pythons_test_tools_are_a_subset_of_the_test_extra_within_its_ranges() -> None:
    """requirements-oldest.lock (make oldest, Python 3.10) pins test tools from the same ranges, minus scipy."""
    oldest = lock(ROOT / "requirements-oldest.lock", "3.10")
    extra = {
        normalise(Requirement(raw).name): Requirement(raw)
        for raw in pyproject()["project"]["optional-dependencies"]["test"]
    }  # type: ignore[index]
    for name in ("pytest", "pytest-httpserver", "openapi-core", "hypothesis", "uv", "pytest-xdist", "cloudflare"):
        assert name in oldest, f"{name} is missing from requirements-oldest.lock"
        assert extra[name].specifier.contains(oldest[name])
    assert "scipy" not in oldest
    assert "markdown-it-py" in oldest  # tests/unit/test_output_sinks.py renders with it on 3.10 too


def test_the_locks_spell_each_name_once_normalised() -> None:
    """PEP 503 names (lowercase, `-`): `typing_extensions` beside `typing-extensions` was one package twice."""
    for path in ROOT.glob("requirements*.lock"):
        names = [line.split("==", 1)[0] for line in path.read_text().splitlines() if "==" in line and line[0] != "#"]
        assert names == [re.sub(r"[-_.]+", "-", n).lower() for n in names], path.name
        if path.name != "requirements.lock":  # (the universal runtime lock pins a name once per marker)
            assert len(set(names)) == len(names), path.name

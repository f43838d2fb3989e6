"""One glob matcher: discovery (which files are read) and change detection (did this push touch results?)
agree on every pattern, because they are the same code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vibe_action.inputs.globs import find_files, matches, pattern_problem

PATHS = [
    "results/top.json",
    "results/a/deep.json",
    "results/a/b/deeper.json",
    "results/aime25.jsonl",
    "results/summary.csv",
    "results/.hidden.json",
    "results/run1.json",
    "results/runA.json",
    "results/run10.json",
    "other/top.json",
    "top.json",
]

TABLE = {
    "results/*.json": {
        "results/top.json",
        "results/.hidden.json",
        "results/run1.json",
        "results/runA.json",
        "results/run10.json",
    },
    "results/**/*.json": {
        "results/top.json",
        "results/a/deep.json",
        "results/a/b/deeper.json",
        "results/.hidden.json",
        "results/run1.json",
        "results/runA.json",
        "results/run10.json",
    },
    "results/**": {p for p in PATHS if p.startswith("results/")},
    "**/*.json": {p for p in PATHS if p.endswith(".json")},
    "results/*.jsonl": {"results/aime25.jsonl"},
    "results/*.csv": {"results/summary.csv"},
    "results/run?.json": {"results/run1.json", "results/runA.json"},
    "results/run[0-9].json": {"results/run1.json"},
    "results/run[!0-9].json": {"results/runA.json"},
    "results/run[0-9]*.json": {"results/run1.json", "results/run10.json"},
    "results/a/*.json": {"results/a/deep.json"},
    "top.json": {"top.json"},
    "*.json": {"top.json"},
    "results/[.json": set(),  # an unclosed class is a literal '['
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in PATHS:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "top.json").write_text("{}")  # never looked into
    return tmp_path


@pytest.mark.parametrize(("pattern", "expected"), list(TABLE.items()))
def test_discovery_and_change_detection_agree(tree: Path, pattern: str, expected: set[str]) -> None:
    found, outside = find_files([pattern], tree)
    discovered = {path.relative_to(tree).as_posix() for path in found}
    changed = {path for path in PATHS if matches(pattern, path)}
    assert discovered == expected
    assert changed == expected
    assert outside == []


def test_branch_patterns_use_the_same_matcher() -> None:
    assert matches("release/**", "release/1.0")
    assert matches("release/**", "release/1.0/rc1")
    assert not matches("release/**", "releases/1.0")
    assert matches("hotfix/*", "hotfix/x")
    assert not matches("hotfix/*", "hotfix/x/y")
    assert matches("main", "main")
    assert not matches("main", "main2")


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("/etc/*.json", "absolute"),
        ("../x/*.json", "leaves the repository"),
        ("results/../../x.json", "leaves"),
        ("C:\\results\\*.json", "absolute"),
        ("results/*.json", ""),
    ],
)
def test_patterns_that_leave_the_repository_are_refused(pattern: str, why: str) -> None:
    assert (why in pattern_problem(pattern)) if why else pattern_problem(pattern) == ""


def test_a_symlink_that_leaves_the_tree_is_reported_not_returned(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.json"
    outside.write_text("{}")
    os.symlink(outside, tree / "results" / "link.json")
    os.symlink(tree / "results" / "top.json", tree / "results" / "inside-link.json")
    found, escaped = find_files(["results/*.json"], tree)
    names = {p.name for p in found}
    assert "link.json" not in names
    assert "inside-link.json" in names  # a link within the repository is fine
    assert escaped == ["results/link.json"]

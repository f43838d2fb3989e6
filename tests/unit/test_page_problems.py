"""The versions page's per-problem view (issue 32): each version's gains and losses against the one before it,
and the problems no version has solved yet, from the snapshots alone."""

from __future__ import annotations

from datetime import datetime, timezone

from vibe_action.decide.noise import deployed_of
from vibe_action.inputs.benchmarks import Benchmark
from vibe_action.inputs.formats import Item
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import Record
from vibe_action.ledger.versions import build_history
from vibe_action.render.page.problems import changes_html, changes_of, unsolved, unsolved_html

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def snapshot(index: int, solved: dict[str, int], samples: int = 4) -> Record:
    items = Item({k: v / samples for k, v in solved.items()}, samples=samples)
    bench = Benchmark("aime25", 100 * sum(solved.values()) / (samples * len(solved)), items=items)
    return Record(
        sha=f"{index:040x}",
        branch="main",
        time=f"2026-11-0{index}T00:00:00Z",
        status="success",
        scores={"aime25": bench.score},
        environment="production",
        id=str(index),
        extra=RecordExtra(benchmarks={"aime25": deployed_of(bench)}),
    )


def test_each_version_says_what_it_gained_and_lost_and_the_unsolved_problems_are_listed() -> None:
    first = snapshot(1, {"p1": 0, "p2": 4, "p3": 0, "p4": 2})
    second = snapshot(2, {"p1": 4, "p2": 3, "p3": 0, "p4": 2})
    history = build_history([first, second], "production", NOW)
    v1, v2 = history.numbered()
    assert changes_of(history, v1) is None  # nothing before it
    changes = changes_of(history, v2)
    assert changes is not None
    assert changes.previous == "v1"
    assert changes.summary() == "+1 / -1"
    html = changes_html(changes)
    assert "What it gained and lost against v1" in html
    assert "↑ p1: 0/4 → 4/4" in html
    assert "↓ p2: 4/4 → 3/4" in html
    assert unsolved(history.numbered()) == {"aime25": ["p3"]}
    assert "p3" in unsolved_html(history.numbered())


def test_ids_from_a_results_file_are_escaped_on_the_page() -> None:
    first = snapshot(1, {"<script>x</script>": 0, "b": 4})
    second = snapshot(2, {"<script>x</script>": 4, "b": 4})
    history = build_history([first, second], "production", NOW)
    html = changes_html(changes_of(history, history.numbered()[1])) + unsolved_html(history.numbered())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

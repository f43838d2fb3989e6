"""What changed per problem (issue 32): a one-sample flip never called evidence, pairing by ids kept in a
snapshot, and what the report says (tests/unit/test_stats.py holds the per-problem test and Benjamini-Hochberg
against scipy)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from vibe_action.decide.movers import Side, diff_sides, problem_diff
from vibe_action.decide.noise import Digest, digest_of
from vibe_action.inputs.benchmarks import Benchmark
from vibe_action.inputs.formats import Item
from vibe_action.render.report import problem_lines, problem_markdown


def test_moves_beyond_noise_are_named_and_the_rest_are_only_listed() -> None:
    k = 8
    before = {f"aime25-{i:02d}": 4 / k for i in range(30)}
    after = dict(before)
    after["aime25-07"], before["aime25-07"] = 8 / k, 0 / k  # 0/8 -> 8/8: beyond noise on its own
    after["aime25-12"] = 5 / k  # 4/8 -> 5/8: a move, not evidence
    diff = problem_diff("aime25", before, after, k, k)
    assert diff is not None
    assert (diff.up, diff.down, diff.problems, diff.tested) == (2, 0, 30, True)
    (found,) = diff.beyond_noise()
    assert found.shown(k, k) == "aime25-07: 0/8 → 8/8"
    assert diff.moves[1].shown(k, k) == "aime25-12: 4/8 → 5/8"
    assert not diff.moves[1].beyond_noise
    assert "1 moved beyond noise (1 up, 0 down)" in diff.meaning()
    assert "Benjamini-Hochberg" in diff.meaning()


def test_with_one_sample_a_move_is_a_flip_and_the_expected_number_of_flips_is_said() -> None:
    rng = random.Random(7)
    before = {f"q{i}": float(rng.random() < 0.75) for i in range(30)}
    after = {f"q{i}": float(rng.random() < 0.75) for i in range(30)}
    diff = problem_diff("aime25", before, after, 1, 1)
    assert diff is not None
    assert not diff.tested
    assert diff.beyond_noise() == ()
    assert all(m.p_value is None for m in diff.moves)
    assert "a move is a flip, not evidence" in diff.meaning()
    assert diff.expected_flips is not None
    assert 6 < diff.expected_flips < 14  # 2 p (1 - p) n at p ≈ 0.75: about a third of 30


def test_a_snapshot_keeps_its_ids_so_a_later_run_names_its_problems() -> None:
    items = Item({f"lcb/{i}": (i % 3) / 2 for i in range(40)}, samples=2)
    digest = digest_of(Benchmark("lcb", 50.0, items=items))
    assert digest is not None
    assert digest.names is not None
    back = Digest.from_json(digest.to_json())
    assert back is not None
    assert back.ids() == sorted(items.scores)
    other = Item({**{f"lcb/{i}": (i % 3) / 2 for i in range(40)}, "lcb/new": 1.0}, samples=2)
    found, note = diff_sides("lcb", Side.of_digest(back), Side.of_items(other))
    assert found is not None
    assert found.problems == 40
    assert "only the 40 shared are compared" in note


def test_an_old_snapshot_without_ids_is_named_by_the_other_side_or_by_position() -> None:
    items = Item({f"p{i}": float(i % 2) for i in range(10)}, samples=1)
    digest = digest_of(Benchmark("b", 50.0, items=items))
    assert digest is not None
    old = Digest(digest.ids_hash, digest.n, digest.samples, digest.counts)  # as written before issue 32
    flipped = Item({f"p{i}": float((i + 1) % 2) if i == 3 else float(i % 2) for i in range(10)}, samples=1)
    named, note = diff_sides("b", Side.of_digest(old), Side.of_items(flipped))
    assert named is not None
    assert [m.item for m in named.moves] == ["p3"]
    assert note == ""
    by_position, note = diff_sides("b", Side.of_digest(old), Side.of_digest(old))
    assert by_position is not None
    assert by_position.moves == ()
    assert "by their position" in note


def test_a_hostile_names_field_is_ignored_not_inflated() -> None:
    import base64
    import zlib

    bomb = base64.b64encode(zlib.compress(b"a" * 50_000_000)).decode()
    digest = Digest("0" * 16, 3, 1, base64.b64encode(bytes(3)).decode(), bomb)
    assert digest.ids() is None


def test_the_pr_comment_stays_within_githubs_limit_for_500_problems_and_escapes_ids() -> None:
    k = 16
    before = {f"math500-{i:03d}|<b>x</b>": 0.0 for i in range(500)}
    after = dict.fromkeys(before, 1.0)
    diff = problem_diff("math500", before, after, k, k)
    assert diff is not None
    text = "\n".join(problem_markdown([diff]))
    assert len(text) < 10_000  # 20 movers shown, the count of the rest
    assert "480 more" in text
    assert "<b>" not in text
    lines = problem_lines([diff], width=80)
    assert all(len(line) <= 80 for line in lines)
    assert "495 more" in lines[-1]


def test_a_problems_first_line_from_the_results_goes_with_its_move(tmp_path: Path) -> None:
    from vibe_action.inputs.results import load_results

    def write(name: str, solved: int) -> None:
        rows = [
            {
                "id": "aime25-07",
                "problem": "Find the number of\nordered pairs (a, b)…",
                "correctness": [1] * solved + [0] * (8 - solved),
            },
            {"id": "aime25-08", "question": "x" * 300, "correctness": [1] * 4 + [0] * 4},
        ]
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))

    write("before.jsonl", 0)
    write("after.jsonl", 7)
    before = load_results(["before.jsonl"], tmp_path).benchmarks["before"].items
    after = load_results(["after.jsonl"], tmp_path).benchmarks["after"].items
    assert before is not None
    assert after is not None
    assert after.texts["aime25-07"] == "Find the number of"  # the first line only
    assert len(after.texts["aime25-08"]) == 100  # shortened
    found, _ = diff_sides("aime25", Side.of_items(before), Side.of_items(after))
    assert found is not None
    assert found.moves[0].shown(8, 8) == "aime25-07: 0/8 → 7/8 — Find the number of"
    assert found.moves[0].to_json()["text"] == "Find the number of"


def test_a_record_keeps_the_ids_of_as_many_benchmarks_as_its_budget_allows() -> None:
    from vibe_action.decide.noise import deployed_of, within_names_budget

    def bench(name: str, count: int) -> Benchmark:
        rng = random.Random(count)
        ids = {f"{name}-{rng.getrandbits(64):016x}": float(i % 2) for i in range(count)}
        return Benchmark(name, 50.0, items=Item(ids, samples=1))

    details = {name: deployed_of(bench(name, count)) for name, count in (("small", 30), ("mid", 400), ("big", 900))}
    sizes = {name: len(d.digest.names or "") for name, d in details.items() if d.digest is not None}
    kept, unnamed = within_names_budget(details, budget=sizes["small"] + sizes["mid"])
    assert unnamed == ("big",)  # the largest goes first, until the rest fit
    assert kept["small"].digest is not None
    assert kept["small"].digest.names == details["small"].digest.names  # type: ignore[union-attr]
    assert kept["big"].digest is not None
    assert kept["big"].digest.names is None
    assert kept["big"].digest.ids_hash == details["big"].digest.ids_hash  # type: ignore[union-attr]
    assert within_names_budget(details)[1] == ()  # the default budget holds all three
    huge = {"huge": deployed_of(bench("huge", 5000))}  # random ids do not compress: past 16 KB on their own
    assert within_names_budget(huge)[1] == ("huge",)

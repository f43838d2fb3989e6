"""`vibe-gate init` writes the primary's floor under the band a re-run of the same model moves its score in
(issue 29): never so close that the model's own noise trips it, wider where the data are thinner."""

from __future__ import annotations

import random
from types import MappingProxyType

from vibe_action.cli.scaffold import Found, config_text, floor_below_noise
from vibe_action.inputs.readers import Item
from vibe_action.inputs.results import Benchmark


def _bench(counts: list[int], k: int, stderr: float | None = None, items: bool = True) -> Benchmark:
    scores = {f"p{i:02d}": c / k for i, c in enumerate(counts)}
    mean = sum(scores.values()) / len(scores) * 100
    item = Item(scores, k) if items else None
    return Benchmark("aime25", mean, len(scores), k, stderr, "r.jsonl", 1, item, MappingProxyType({}), items)


def test_the_floor_sits_three_re_run_spreads_under_todays_score() -> None:
    rng = random.Random(4)
    rates = [rng.choice([0.0, 0.1, 0.4, 0.6, 0.9, 1.0]) for _ in range(30)]
    many = _bench([round(r * 64) for r in rates], 64)
    one = _bench([int(rng.random() < r) for r in rates], 1)
    floor_many, floor_one = floor_below_noise(many), floor_below_noise(one)
    assert floor_many is not None
    assert floor_one is not None
    assert many.score - 4 < floor_many < many.score - 1  # 30 x 64: a band of about a point either way
    assert floor_one < one.score - 15  # 30 x 1: a re-run moves the score by ~9 points, so the floor is far
    aggregate = _bench([32] * 30, 64, stderr=1.5, items=False)
    assert floor_below_noise(aggregate) == float(int(aggregate.score - 4.5))
    assert floor_below_noise(_bench([32] * 30, 64, items=False)) is None  # no spread given: no floor


def test_init_writes_the_floor_for_the_primary_and_says_why() -> None:
    found = [Found("results/aime25.jsonl", "per-item", ("aime25",), floors={"aime25": (72.0, 74.43)})]
    text = config_text(found, "main", [])
    assert (
        "    min: 72          # a floor, 3 re-run standard errors under today's 74.43: a re-run stays above it" in text
    )
    assert "# min: 70" not in text
    assert "    # min: 70" in config_text([Found("r.json", "aggregate", ("aime25",))], "main", [])  # no spread

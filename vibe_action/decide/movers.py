"""What changed, problem by problem: which problems a run solves more or less often than another (issue 32).

Pure: two runs' per-item results in, a `ProblemDiff` out. What a move means depends on the samples:
- with several samples per problem on both sides, each problem gets the exact two-sided test of its counts
  (Fisher's, the hypergeometric law of the count now given the problem's total — the same law the gate's
  re-run test sums), and the Benjamini-Hochberg procedure holds the false-discovery rate across the benchmark's
  problems at `fdr` (5 %): without it, 500 problems would show some 25 false movers at 5 % each;
- with one sample a move is a flip, and is labelled so: two runs of the same model flip a problem it solves
  with probability p with probability 2p(1-p) — about a third of the problems at the usual solve rates. The
  note says how many flips the benchmark's own rate predicts.
Continuous per-item values (not counts of attempts) are listed as moves without a test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vibe_action.decide.noise import Digest, ids_hash
from vibe_action.decide.stats import hypergeometric
from vibe_action.inputs.formats import Item

FDR = 0.05


@dataclass(frozen=True)
class Move:
    """One problem whose result changed: before and after as (solved, samples), or a value in [0, 1]."""

    item: str
    before: float  # the fraction solved (or the continuous value)
    after: float
    solved: tuple[int, int] | None = None  # (before, after) counts, when the items are counts of attempts
    p_value: float | None = None  # the per-problem exact test, with several samples on both sides
    beyond_noise: bool = False  # rejected by Benjamini-Hochberg at the false-discovery rate
    text: str = ""  # the problem's first line, where the results carry it

    @property
    def up(self) -> bool:
        return self.after > self.before

    def shown(self, k_before: int, k_after: int) -> str:
        """`aime25-07: 0/8 → 7/8`, or `0.25 → 0.75` for continuous values."""
        said = f" — {self.text}" if self.text else ""
        if self.solved is not None:
            return f"{self.item}: {self.solved[0]}/{k_before} → {self.solved[1]}/{k_after}{said}"
        return f"{self.item}: {self.before:.2f} → {self.after:.2f}{said}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"item": self.item, "before": self.before, "after": self.after}
        if self.solved is not None:
            data["solved"] = list(self.solved)
        if self.p_value is not None:
            data["p_value"] = self.p_value
            data["beyond_noise"] = self.beyond_noise
        if self.text:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class ProblemDiff:
    """The per-problem view of one benchmark between two runs. `moves` holds every changed problem, the
    largest changes first (ties by id)."""

    benchmark: str
    problems: int
    k_before: int  # samples per problem (0: continuous values)
    k_after: int
    moves: tuple[Move, ...]
    tested: bool  # several samples on both sides: moves carry a per-problem test
    expected_flips: float | None = None  # one sample: the flips two runs of the same model would show

    @property
    def up(self) -> int:
        return sum(1 for m in self.moves if m.up)

    @property
    def down(self) -> int:
        return len(self.moves) - self.up

    def beyond_noise(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.beyond_noise)

    def meaning(self) -> str:
        """What a move means here, in one sentence."""
        if self.tested:
            found = self.beyond_noise()
            ups = sum(1 for m in found if m.up)
            return (
                f"{len(found)} moved beyond noise ({ups} up, {len(found) - ups} down): each problem's exact test, "
                f"false discoveries held at {FDR:.0%} across the {self.problems} problems (Benjamini-Hochberg)"
            )
        if self.k_before == 1 and self.k_after == 1:
            expected = (
                f" — two runs of the same model flip about {self.expected_flips:.0f} of them"
                if (self.expected_flips is not None)
                else ""
            )
            return f"one sample per problem: a move is a flip, not evidence{expected}"
        if self.k_before == 0 or self.k_after == 0:
            return "continuous per-item values: moves are listed, not tested"
        return "one side has one sample per problem: moves are listed, not tested"

    def headline(self) -> str:
        """`aime25: 6 up, 4 down of 30 problems`."""
        return f"{self.benchmark}: {self.up} up, {self.down} down of {self.problems} problems"

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "problems": self.problems,
            "samples_before": self.k_before,
            "samples_after": self.k_after,
            "up": self.up,
            "down": self.down,
            "tested": self.tested,
            "meaning": self.meaning(),
            "moves": [m.to_json() for m in self.moves],
        }


def problem_diff(
    benchmark: str,
    before: Mapping[str, float],
    after: Mapping[str, float],
    k_before: int,
    k_after: int,
    fdr: float = FDR,
    texts: Mapping[str, str] | None = None,
) -> ProblemDiff | None:
    """The moves between two runs' per-item fractions (by item id; only ids both runs have are compared), or
    None when they share no item. `k_*` are the samples per problem (0: continuous values)."""
    shared = sorted(set(before) & set(after))
    if not shared:
        return None
    counts = (
        k_before > 0 and k_after > 0 and all(_whole(before[i], k_before) and _whole(after[i], k_after) for i in shared)
    )
    tested = counts and k_before > 1 and k_after > 1
    moves: list[Move] = []
    p_values: dict[str, float] = {}
    for item in shared:
        then, now = before[item], after[item]
        solved = (round(then * k_before), round(now * k_after)) if counts else None
        if tested and solved is not None:
            p_values[item] = fisher(solved[1], solved[0], k_after, k_before)
        if (solved is not None and solved[0] * k_after != solved[1] * k_before) or (solved is None and now != then):
            moves.append(Move(item, then, now, solved))
    rejected = benjamini_hochberg(p_values, fdr, len(shared)) if tested else set()
    said = texts or {}
    moves = [
        Move(m.item, m.before, m.after, m.solved, p_values.get(m.item), m.item in rejected, said.get(m.item, ""))
        for m in moves
    ]
    moves.sort(key=lambda m: (-abs(m.after - m.before), m.item))
    flips = None
    if k_before == 1 and k_after == 1:
        rate = sum(before[i] + after[i] for i in shared) / (2 * len(shared))
        flips = 2 * rate * (1 - rate) * len(shared)
    return ProblemDiff(benchmark, len(shared), k_before, k_after, tuple(moves), tested, flips)


def fisher(now: int, then: int, k_now: int, k_then: int) -> float:
    """Two-sided exact test of one problem's counts: the probability, given the problem's total, of a split at
    most as likely as the one seen (Fisher's exact test on the 2 x 2 table)."""
    low, pmf = hypergeometric(now + then, k_now, k_then)
    seen = pmf[now - low]
    return min(1.0, sum(p for p in pmf if p <= seen * (1 + 1e-9)))


def benjamini_hochberg(p_values: Mapping[str, float], q: float, m: int) -> set[str]:
    """The items rejected at false-discovery rate `q` among `m` hypotheses (items not listed have p = 1)."""
    ranked = sorted(p_values.items(), key=lambda pair: (pair[1], pair[0]))
    cutoff = 0
    for rank, (_, p) in enumerate(ranked, start=1):
        if p <= rank / m * q:
            cutoff = rank
    return {item for item, _ in ranked[:cutoff]}


def _whole(fraction: float, samples: int) -> bool:
    return math.isclose(fraction * samples, round(fraction * samples), abs_tol=1e-6)


def problems_against(name: str, now_items: Item | None, digest: Digest | None) -> ProblemDiff | None:
    """The per-problem diff of a run's items against a snapshot's digest; None when either side has no per-item
    data or they cannot be paired (the snapshot kept no ids and the items differ)."""
    if now_items is None or digest is None or not now_items.scores:
        return None
    found, _ = diff_sides(name, Side.of_digest(digest), Side.of_items(now_items))
    return found


@dataclass(frozen=True)
class Side:
    """One run's per-item results as a snapshot or a results file keeps them: by id when the ids are known,
    else in sorted-id order with only the hash of the ids."""

    values: tuple[float, ...]  # in sorted-id order
    ids_hash: str
    samples: int  # per problem; 0: continuous values
    ids: tuple[str, ...] | None = None  # sorted, when known
    texts: Mapping[str, str] = field(default_factory=dict)  # problems' first lines, when the results carry them

    @classmethod
    def of_items(cls, items: Item) -> Side:
        ordered = sorted(items.scores.items())
        ids = tuple(i for i, _ in ordered)
        samples = 0 if items.continuous else max(items.samples, 1)
        return cls(tuple(v for _, v in ordered), ids_hash(list(ids)), samples, ids, items.texts)

    @classmethod
    def of_digest(cls, digest: Digest) -> Side:
        ids = digest.ids()
        return cls(tuple(digest.scores()), digest.ids_hash, digest.samples, tuple(ids) if ids else None)


def diff_sides(name: str, before: Side, after: Side) -> tuple[ProblemDiff | None, str]:
    """The per-problem diff of two sides, and what could not be shown (''): ids from whichever side kept them
    when both ran the same items; problems by position (`#1`…) when neither did; by id when the items differ."""
    ids = before.ids or after.ids
    if before.ids_hash == after.ids_hash and len(before.values) == len(after.values):
        note = ""
        if ids is None:
            ids = tuple(f"#{i + 1}" for i in range(len(before.values)))
            note = (
                f"{name}: neither snapshot kept its item ids (made before they were recorded): problems are shown "
                "by their position in sorted-id order"
            )
        pair_before, pair_after = dict(zip(ids, before.values, strict=True)), dict(zip(ids, after.values, strict=True))
    elif before.ids is not None and after.ids is not None:
        pair_before = dict(zip(before.ids, before.values, strict=True))
        pair_after = dict(zip(after.ids, after.values, strict=True))
        shared = len(set(before.ids) & set(after.ids))
        note = f"{name}: the runs differ in their problems; only the {shared} shared are compared"
    else:
        return (
            None,
            f"{name}: the runs differ in their problems and one kept no item ids: not compared problem by problem",
        )
    texts = {**before.texts, **after.texts}
    return problem_diff(name, pair_before, pair_after, before.samples, after.samples, texts=texts), note

"""Is a difference real? Per-benchmark comparisons against the deployed run, and whether they are comparable.

Pure functions, used by the policy. The deployed run's per-item results travel in its ledger record as a
compact `Digest` (a hash of the sorted item ids, the samples per item, and the number of correct samples per
item in id order, base64 — about 1.4 KB for 1,000 items), so the paired test needs neither the old files nor
git history, locally or in GitHub Deployments.
"""

from __future__ import annotations

import base64
import hashlib
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from vibe_action.decide.stats import Comparison, paired, rerun, stderr_test
from vibe_action.inputs.results import Benchmark
from vibe_action.inputs.scales import RERUN_STDERR, STDERR_KIND_KEY, UNIT_KEY, item_points

MAX_DIGEST_ITEMS = 5000  # bounds a ledger record: 5,000 items cost about 7 KB
# The ids kept beside the counts, compressed: 16 KB of base64 holds thousands of typical ids (`aime25-07`,
# `1873`, LiveCodeBench's `abc301_a`); a benchmark whose ids take more keeps only their hash, and says so.
MAX_NAMED_BYTES = 16 * 1024
MAX_NAMES_TEXT = 1024 * 1024  # a bound on what a record's ids may inflate to
# All benchmarks' ids in one record: GitHub documents no limit for a deployment's payload, and every run lists
# payloads a page at a time, so the largest benchmarks' ids are left out past this (their hash stays).
MAX_RECORD_NAMES = 64 * 1024
# Sampling settings, and lm-eval's task hash (the task's prompts and data): runs that differ in these are not
# comparable item by item.
COMPARED_SETTINGS = ("temperature", "top_p", "max_tokens", "task_hash", "n_shot", "limit", "task_version")
RERUN_STDERR_METHOD = "rerun-stderr"  # aggregate standard errors across repeated runs (evalchemy's)
UNITS = {"percent": "percentage points", "own": "the metric's own units"}
CONTINUOUS = 0  # `samples` of a digest whose items are continuous values, stored in 1/65535 steps
STEPS = 65535


@dataclass(frozen=True)
class Digest:
    """Per-item results in a few bytes: enough to pair a later run with this one, item by item."""

    ids_hash: str
    n: int
    samples: int
    counts: str  # base64 of correct-sample counts per item, in sorted-id order (1 byte, or 2 when samples > 255);
    # for continuous items (samples == CONTINUOUS) each value in [0, 1] in 1/65535 steps, 2 bytes
    names: str | None = None  # the sorted ids themselves, newline-joined, zlib-compressed, base64 (issue 32: a
    # later run names the problems that moved); left out above MAX_NAMED_BYTES, and by snapshots made before

    def ids(self) -> list[str] | None:
        """The item ids in sorted order, when the snapshot kept them and they match its hash."""
        if self.names is None:
            return None
        try:
            inflater = zlib.decompressobj()
            ids = inflater.decompress(base64.b64decode(self.names, validate=True), MAX_NAMES_TEXT).decode()
        except (ValueError, zlib.error, UnicodeDecodeError):
            return None
        if inflater.unconsumed_tail:  # more than any record's ids inflate to: not read
            return None
        found = ids.split("\n") if ids else []
        return found if len(found) == self.n and ids_hash(found) == self.ids_hash else None

    @property
    def continuous(self) -> bool:
        return self.samples == CONTINUOUS

    def scores(self) -> list[float]:
        raw = base64.b64decode(self.counts)
        width = 2 if self.samples > 255 or self.continuous else 1
        per = STEPS if self.continuous else self.samples
        return [int.from_bytes(raw[i : i + width], "big") / per for i in range(0, len(raw), width)]

    def to_json(self) -> dict[str, Any]:
        data = {"ids": self.ids_hash, "n": self.n, "k": self.samples, "c": self.counts}
        return {**data, "names": self.names} if self.names is not None else data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Digest | None:
        """The digest a ledger record kept, or None when it is not of the documented shape (then the paired
        test is not made): counts that are base64 of `n` values of the width `k` implies."""
        try:
            names = data.get("names")
            digest = cls(
                str(data["ids"]),
                int(data["n"]),
                int(data["k"]),
                str(data["c"]),
                names if isinstance(names, str) else None,
            )
            raw = base64.b64decode(digest.counts, validate=True)
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        width = 2 if digest.samples > 255 or digest.continuous else 1
        if not 0 <= digest.samples <= 65_535 or digest.n < 1 or len(raw) != digest.n * width:
            return None
        return digest


def ids_hash(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def digest_of(bench: Benchmark) -> Digest | None:
    if bench.items is None or not bench.items.scores or len(bench.items.scores) > MAX_DIGEST_ITEMS:
        return None
    continuous = bench.items.continuous
    samples = CONTINUOUS if continuous else max(bench.items.samples, 1)
    width = 2 if samples > 255 or continuous else 1
    per = STEPS if continuous else samples
    ordered = sorted(bench.items.scores.items())
    counts = b"".join(round(value * per).to_bytes(width, "big") for _, value in ordered)
    ids = [i for i, _ in ordered]
    packed = base64.b64encode(zlib.compress("\n".join(ids).encode(), 9)).decode()
    names = packed if len(packed) <= MAX_NAMED_BYTES else None  # (the report says when a benchmark's are dropped)
    return Digest(ids_hash(ids), len(ordered), samples, base64.b64encode(counts).decode(), names)


@dataclass(frozen=True)
class Deployed:
    """What the ledger keeps of one benchmark of the deployed run, besides its score."""

    n: int | None = None
    stderr: float | None = None
    samples: int | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    digest: Digest | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "stderr": self.stderr,
            "samples": self.samples,
            "settings": dict(self.settings),
            "items": self.digest.to_json() if self.digest else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Deployed:
        items = data.get("items")
        settings = data.get("settings")
        return cls(
            n=_count(data.get("n")),
            stderr=_finite(data.get("stderr")),
            samples=_count(data.get("samples")),
            settings=dict(settings) if isinstance(settings, dict) else {},
            digest=Digest.from_json(items) if isinstance(items, dict) else None,
        )


def _count(value: object) -> int | None:
    """A positive whole number from a ledger record, or None (a record's text where a number belongs)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value) if value >= 0 else None


def deployed_of(bench: Benchmark) -> Deployed:
    return Deployed(
        bench.n or (len(bench.items.scores) if bench.items else None),
        bench.stderr,
        bench.samples_per_problem,
        dict(bench.settings),
        digest_of(bench),
    )


def differences(current: Benchmark, base: Deployed) -> tuple[list[str], bool]:
    """(what makes the runs not comparable, whether that blocks whatever `comparability:` says: a partial run,
    or scores in different units — a proportion as 0-100 against one as written)."""
    found: list[str] = []
    n_now = current.n or (len(current.items.scores) if current.items else None)
    partial = bool(base.n and n_now and n_now < base.n)
    unit_now, unit_then = current.settings.get(UNIT_KEY), base.settings.get(UNIT_KEY)
    other_units = bool(unit_now and unit_then and unit_now != unit_then)
    if other_units:
        found.append(
            f"the scores are in different units ({UNITS.get(str(unit_now), unit_now)} now, "
            f"{UNITS.get(str(unit_then), unit_then)} deployed) and are not compared — set metrics.{current.name}.scale"
        )
    if partial:
        found.append(f"partial run: {n_now} of the deployed run's {base.n} items")
    elif base.digest and current.items and ids_hash(list(current.items.scores)) != base.digest.ids_hash:
        found.append("the items differ from the deployed run's (other problems or ids)")
    if base.samples and current.samples_per_problem and base.samples != current.samples_per_problem:
        found.append(f"samples per item differ ({current.samples_per_problem} vs {base.samples} deployed)")
    if base.digest and current.items and base.digest.continuous != current.items.continuous:
        kinds = (
            ("continuous scores", "correct/incorrect")
            if current.items.continuous
            else ("correct/incorrect", "continuous scores")
        )
        found.append(f"per-item values differ in kind ({kinds[0]} now, {kinds[1]} deployed)")
    for key in COMPARED_SETTINGS:  # (the unit is checked above)
        now, then = current.settings.get(key), base.settings.get(key)
        if now is not None and then is not None and now != then:
            found.append(f"{key} differs ({now} vs {then} deployed)")
    return found, partial or other_units


def compare(
    current: Benchmark,
    base_score: float,
    base: Deployed,
    method: str,
    confidence: float,
    comparable: bool,
    sign: float = 1.0,
    question: str = "rerun",
) -> Comparison | None:
    """The comparison `method` asks for (auto: paired, else stderr), or None when there are no error bars.

    With per-item data in both runs, `question` says which: `rerun` (the default) asks whether the benchmark
    score's gain is beyond what re-running the same model moves it by — the re-run test on each problem's
    counts, whatever the samples per problem (exact McNemar at one) — and `problems` whether the gain would
    hold on other problems like these: the paired t test across problems, whose spread also counts each
    problem's real up-and-down movement. Items that are not counts of attempts (continuous scores) get the
    paired t test either way.

    `sign` is -1 for lower-is-better metrics, so that a positive delta is always an improvement.
    """
    if method == "off":
        return None
    if method in ("auto", "paired") and comparable and current.items and base.digest:
        now = [value for _, value in sorted(current.items.scores.items())]
        then = base.digest.scores()
        if len(now) == len(then):
            binary = not base.digest.continuous and not current.items.continuous
            points = item_points(current.settings.get(UNIT_KEY))  # 100: an item is worth 1/n of 100 points
            counts = _attempt_counts(now, then, current.items.samples, base.digest.samples) if binary else None
            if question == "rerun" and counts is not None:
                k_now, k_then = current.items.samples, base.digest.samples
                if sign < 0:  # lower is better: the deployed run's counts play "now"
                    return rerun([(b, c) for c, b in counts], k_then, k_now, confidence, points)
                return rerun(counts, k_now, k_then, confidence, points)
            return paired([(a - b) * sign for a, b in zip(now, then, strict=True)], confidence, points)
    if method in ("auto", "stderr") and current.stderr is not None and base.stderr is not None:
        kind = current.settings.get(STDERR_KIND_KEY)
        if kind != base.settings.get(STDERR_KIND_KEY) or (kind == RERUN_STDERR and question == "problems"):
            return None  # a re-run standard error and an across-problem one answer different questions
        found = stderr_test(current.score * sign, base_score * sign, current.stderr, base.stderr, confidence)
        return replace(found, method=RERUN_STDERR_METHOD) if kind == RERUN_STDERR else found
    return None


def _attempt_counts(now: list[float], then: list[float], k_now: int, k_then: int) -> list[tuple[int, int]] | None:
    """(solved now, solved before) per problem, from the fractions both runs give; None unless each fraction is
    a whole number of its run's attempts."""
    if k_now < 1 or k_then < 1:
        return None
    counts = [(round(a * k_now), round(b * k_then)) for a, b in zip(now, then, strict=True)]
    whole = all(
        abs(c - a * k_now) < 1e-6 and abs(b_count - b * k_then) < 1e-6
        for (c, b_count), a, b in zip(counts, now, then, strict=True)
    )
    return counts if whole else None


def describe(comparison: Comparison | None, confidence: float) -> str:
    """`(gain ≥ -2.1 at 95 %, p = 0.23)`: the one-sided bound the test uses, and its p-value. A gain is an
    improvement in the metric's own direction (a fall, for lower-is-better metrics)."""
    if comparison is None:
        return "(no error bars)"
    if comparison.p_value is None or comparison.bound is None:
        return f"({comparison.method}: too few items for an interval)"
    return f"(gain ≥ {comparison.bound:+.1f} at {confidence * 100:.3g} %, {p_text(comparison.p_value)})"


def p_text(p_value: float) -> str:
    """`p = 0.035`, and `p < 0.0001` rather than a rounded `p = 0`."""
    return "p < 0.0001" if p_value < 0.0001 else f"p = {p_value:.2g}"


def within_names_budget(
    details: Mapping[str, Deployed], budget: int = MAX_RECORD_NAMES
) -> tuple[dict[str, Deployed], tuple[str, ...]]:
    """The record's per-benchmark details with the item ids of the largest benchmarks left out until all the ids
    fit `budget`, and which benchmarks keep only the hash of their ids (these, and any whose ids alone passed
    MAX_NAMED_BYTES), for the run to say so."""
    kept = dict(details)
    sizes = {n: len(d.digest.names) for n, d in kept.items() if d.digest is not None and d.digest.names is not None}
    total = sum(sizes.values())
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        if total <= budget:
            break
        digest = kept[name].digest
        assert digest is not None  # noqa: S101 — sized above
        kept[name] = replace(kept[name], digest=replace(digest, names=None))
        total -= sizes[name]
    unnamed = tuple(sorted(n for n, d in kept.items() if d.digest is not None and d.digest.names is None))
    return kept, unnamed

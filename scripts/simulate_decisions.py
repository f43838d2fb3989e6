#!/usr/bin/env python3
"""How the gate decides at the limit of the data: a seeded simulation through its own decision code.

`make simulate` (issue 29). Measured, never asserted: the numbers go into docs/configuration.md's noise section.

The world: a benchmark of n problems (30, AIME-size; 500, MATH-size), each with its own solve rate (drawn from
Beta(0.6, 0.6): many problems nearly always or nearly never solved, some contested). A new checkpoint moves
every problem's rate a little, up or down, on the logit scale (normal, sd 0.5), shifted so that its *true score
on the benchmark* — the mean solve rate over the problems — changes by exactly 0, -2, +2 or +5 points. A run
draws k attempts per problem (1, 16, 64). "Unchanged" is a checkpoint whose true score equals the live one's.

Each trial builds the live run and the candidate's run, and calls the gate's `decide()` with the policy `init`
writes for the primary (min_gain 2 %, max_drop 1, the defaults: the re-run test, guards judged against noise),
the deployed run given back as the ledger keeps it. Reported per cell: deploys, skips and blocks at the first
comparison with the live version; how often the noise test alone finds the gain at comparisons 1, 2, 5, 10, 20
(the level each spends: alpha 6/(pi^2 j^2)); and the best test the data allow at the same level — a z test
that knows every problem's true rate, so its variance is exact (an oracle: no real test does better). Last,
50-commit histories of an unchanged model: how often one of them is deployed, each compared at its own level.
"""

from __future__ import annotations

import math
import random
import sys
from multiprocessing import Pool
from pathlib import Path
from statistics import NormalDist
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vibe_action.decide.noise import Deployed, deployed_of  # noqa: E402
from vibe_action.decide.policy import Baseline, Context, decide  # noqa: E402
from vibe_action.decide.stats import spent_level  # noqa: E402
from vibe_action.inputs.config import parse_config  # noqa: E402
from vibe_action.inputs.readers import Item  # noqa: E402
from vibe_action.inputs.results import Benchmark, Results  # noqa: E402

POLICY = parse_config(
    'version: 1\nprimary: bench\nmetrics:\n  bench:\n    min_gain: "2%"\n    max_drop: 1\n', "config/deploy.yaml"
)
ALPHA = 0.05
COMPARISONS = (1, 2, 5, 10, 20)
FLOOR_GAPS = (1, 2, 5)  # a floor this many points under the true score: how often does a run fall below it?
MOVEMENT = 0.5  # sd of each problem's move on the logit scale, from one checkpoint to the next


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def moved(rates: list[float], change: float, rng: random.Random) -> list[float]:
    """Every rate moved by its own noise, then shifted (bisection) so the mean moves by `change` exactly."""
    noise = [rng.gauss(0.0, MOVEMENT) for _ in rates]
    target = sum(rates) / len(rates) + change
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        mean = sum(expit(logit(r) + e + mid) for r, e in zip(rates, noise, strict=True)) / len(rates)
        low, high = (mid, high) if mean < target else (low, mid)
    return [expit(logit(r) + e + (low + high) / 2) for r, e in zip(rates, noise, strict=True)]


def run(rates: list[float], k: int, rng: random.Random) -> list[int]:
    return [sum(rng.random() < r for _ in range(k)) for r in rates]


def benchmark(counts: list[int], k: int) -> Benchmark:
    scores = {f"p{i:04d}": c / k for i, c in enumerate(counts)}
    mean = sum(scores.values()) / len(scores) * 100
    return Benchmark("bench", mean, len(scores), k, None, "r.jsonl", 1, Item(scores, k), MappingProxyType({}), True)


def verdicts(live: list[int], now: list[int], k: int, comparison: int = 1) -> tuple[str, float | None, bool]:
    """The gate's verdict, the noise test's p-value, and whether the gain rule (min_gain) held."""
    deployed = benchmark(live, k)
    details = {"bench": Deployed.from_json(deployed_of(deployed).to_json())}
    baseline = Baseline("b" * 40, {"bench": deployed.score}, details)
    results = Results(MappingProxyType({"bench": benchmark(now, k)}))
    decision = decide(POLICY, results, baseline, Context("c" * 40, "main", comparison=comparison))
    rules = {check.rule: check for check in decision.metrics[0].rules}
    noise = rules.get("noise")
    p = noise.stats.get("p_value") if noise is not None and noise.stats else None
    return decision.verdict, p, rules["gain"].passed


def oracle(live_rates: list[float], now_rates: list[float], live: list[int], now: list[int], k: int) -> float:
    """The z statistic of the gain with the true variance (the rates are known): the best test's."""
    n = len(live)
    variance = sum(p * (1 - p) / k + q * (1 - q) / k for p, q in zip(now_rates, live_rates, strict=True)) / n**2
    gain = (sum(now) - sum(live)) / (k * n)
    return gain / math.sqrt(variance) if variance > 0 else 0.0


def cell(args: tuple[int, int, float, int, int]) -> dict[str, object]:
    n, k, change, trials, seed = args
    rng = random.Random(seed)
    counts = {"deploy": 0, "skip": 0, "block": 0}
    under = dict.fromkeys(FLOOR_GAPS, 0)  # runs measured more than d points under the true score
    found = dict.fromkeys(COMPARISONS, 0)
    best = dict.fromkeys(COMPARISONS, 0)
    for _ in range(trials):
        rates = [rng.betavariate(0.6, 0.6) for _ in range(n)]
        candidate = moved(rates, change / 100, rng)
        live, now = run(rates, k, rng), run(candidate, k, rng)
        verdict, p, _ = verdicts(live, now, k)
        counts[verdict] += 1
        measured, true = sum(now) / (k * n) * 100, sum(candidate) / n * 100
        for gap in FLOOR_GAPS:
            under[gap] += measured < true - gap
        z = oracle(rates, candidate, live, now, k)
        for j in COMPARISONS:
            level = spent_level(ALPHA, j)
            found[j] += p is not None and p < level
            best[j] += z > NormalDist().inv_cdf(1 - level)
    return {"n": n, "k": k, "change": change, "trials": trials, **counts, "found": found, "best": best, "under": under}


def history(args: tuple[int, int, int, int]) -> dict[str, object]:
    """`histories` runs of 50 commits of an unchanged model against one live version: any deployed?"""
    n, k, histories, seed = args
    rng = random.Random(seed)
    deployed = 0
    for _ in range(histories):
        rates = [rng.betavariate(0.6, 0.6) for _ in range(n)]
        live = run(rates, k, rng)
        for j in range(1, 51):
            now = run(moved(rates, 0.0, rng), k, rng)
            if verdicts(live, now, k, comparison=j)[0] == "deploy":
                deployed += 1
                break
    return {"n": n, "k": k, "histories": histories, "deployed": deployed}


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:5.1f}"


def main() -> int:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
    histories = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    cells = [(n, k, change, trials, 1000 * n + 10 * k + int(change) + 7)
             for n in (30, 500) for k in (1, 16, 64) for change in (0.0, -2.0, -5.0, 2.0, 5.0)]  # fmt: skip
    with Pool() as pool:
        rows = pool.map(cell, cells)
        runs = pool.map(history, [(30, 64, histories, 11), (500, 64, max(1, histories // 4), 13)])
    print(f"{trials} trials a cell (a rate's standard error is at most {50 / math.sqrt(trials):.1f} points):")
    print(
        "| problems | k | true change | deploy % | skip % | block % | noise test finds, at comparison "
        + " / ".join(map(str, COMPARISONS))
        + " (%) | best test, same levels (%) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        t = row["trials"]
        found = " / ".join(percent(row["found"][j], t).strip() for j in COMPARISONS)  # type: ignore[index]
        best = " / ".join(percent(row["best"][j], t).strip() for j in COMPARISONS)  # type: ignore[index]
        print(
            f"| {row['n']} | {row['k']} | {row['change']:+g} | {percent(row['deploy'], t)} | "  # type: ignore[arg-type]
            f"{percent(row['skip'], t)} | {percent(row['block'], t)} | {found} | {best} |"  # type: ignore[arg-type]
        )
    print()
    print("| problems | k | a run measured under its true score by more than " + " / ".join(map(str, FLOOR_GAPS))
          + " points (%) |")  # fmt: skip
    print("|---|---|---|")
    for row in rows:
        if row["change"] == 0.0:
            under = " / ".join(percent(row["under"][g], row["trials"]).strip() for g in FLOOR_GAPS)  # type: ignore[index, arg-type]
            print(f"| {row['n']} | {row['k']} | {under} |")
    print()
    for r in runs:
        print(
            f"50-commit histories of an unchanged model, {r['n']} problems x k = {r['k']}: "
            f"{percent(r['deployed'], r['histories']).strip()} % deployed once ({r['histories']} histories)"  # type: ignore[arg-type]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

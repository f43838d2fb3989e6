"""Per-item benchmarks for the noise tests: 30 problems x 64 samples, drawn from a seeded generator, and a
decision against a deployed run as the ledger gives it back."""

from __future__ import annotations

import random
from types import MappingProxyType

from tests.conftest import CONFIG
from vibe_action.decide.decision import Decision
from vibe_action.decide.noise import Deployed, deployed_of
from vibe_action.decide.policy import Baseline, Context, decide
from vibe_action.inputs.config import Config, parse_config
from vibe_action.inputs.readers import Item
from vibe_action.inputs.results import Benchmark, Results

K = 64


def bench(name: str, counts: list[int], samples: int = K, **settings: object) -> Benchmark:
    scores = {f"p{i:02d}": c / samples for i, c in enumerate(counts)}
    mean = sum(scores.values()) / len(scores) * 100
    return Benchmark(
        name,
        mean,
        len(scores),
        samples,
        None,
        "results/r.jsonl",
        1,
        Item(scores, samples),
        MappingProxyType(dict(settings)),
        True,
    )


def results(*benches: Benchmark) -> Results:
    return Results(MappingProxyType({b.name: b for b in benches}))


def baseline_from(res: Results) -> Baseline:
    """A deployed run, as the ledger would give it back (through the compact digest)."""

    details = {n: Deployed.from_json(deployed_of(b).to_json()) for n, b in res.benchmarks.items()}
    return Baseline("b" * 40, res.scores(), details)


def config(extra: str = "") -> Config:
    text = CONFIG.replace("    min: 70\n", "    min: 20\n").replace("    min: 45\n", "    min: 20\n")
    return parse_config(text.replace('min_gain: "2%"', "min_gain: 1") + extra, "config/deploy.yaml")


def base_counts(seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    return [rng.choice([0, 5, 20, 40, 60, 64, 64, 64]) for _ in range(30)]


def within_noise(counts: list[int], net: int = 25, seed: int = 3) -> list[int]:
    """A few problems flip both ways; the net is `net` samples (25/64/30 = +1.3 points)."""
    rng = random.Random(seed)
    out = list(counts)
    for i in rng.sample(range(30), 12):
        out[i] = min(K, max(0, out[i] + rng.choice([-12, -9, -6, 6, 9, 12])))
    delta = net - (sum(out) - sum(counts))
    i = 0
    while delta:
        step = 1 if delta > 0 else -1
        if 0 <= out[i % 30] + step <= K:
            out[i % 30] += step
            delta -= step
        i += 1
    return out


def run(cfg: Config, current: Results, deployed: Results) -> Decision:
    return decide(cfg, current, baseline_from(deployed), Context("c" * 40, "main"))


def others() -> list[Benchmark]:
    return [bench("hmmt25", [32] * 30), bench("livecodebench_v6", [30] * 30)]

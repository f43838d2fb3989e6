#!/usr/bin/env python3
"""Write the demo's per-problem AIME25 results (examples/results/aime25.jsonl and examples/demo/*.jsonl).

30 problems x 64 samples in VibeThinker's `correctness` format. The numbers are chosen by hand so that each
demo step tells its story: 74.4 to start; +0.8 where a few problems flip both ways (within re-run noise); +3.1 where
every unsolved problem improves (a real gain); 80.0; a 79.1 experiment; and a partial run on 28 problems.
Run it again after changing a step; the files are committed.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K = 64
SOLVED, UNSOLVED = [64] * 20, [0] * 3
BASE = SOLVED + UNSOLVED + [10, 15, 20, 22, 25, 27, 30]  # 1,429 of 1,920 samples: 74.4


def shifted(middle: list[int], solved: list[int] | None = None, unsolved: list[int] | None = None) -> list[int]:
    return (solved or SOLVED) + (unsolved or UNSOLVED) + [b + d for b, d in zip(BASE[23:], middle, strict=True)]


STEPS = {
    "examples/results/aime25.jsonl": BASE,
    # +15 samples (+0.8, about what VibeThinker's AIME25 moved between two runs of the same model, 73.7 -> 74.4):
    # four of the seven contested problems better, three worse, one solved one slips, one unsolved one gets a
    # few samples right. Within re-run noise (p = 0.14).
    "examples/demo/02-aime25.jsonl": shifted([9, 6, 9, -9, -6, 9, -3], [*SOLVED[:19], 58], [6, 0, 0]),
    "examples/demo/03-aime25.jsonl": shifted([8, 9, 9, 8, 9, 8, 8]),  # +59 (+3.1): every contested one improves
    "examples/demo/04-aime25.jsonl": shifted([15, 16, 16, 15, 16, 15, 14]),  # 1,536: 80.0
    "examples/demo/05-aime25.jsonl": shifted([13, 13, 13, 13, 13, 13, 12]),  # 1,519: 79.1
}


def write(path: str, counts: list[int]) -> None:
    lines = [
        json.dumps({"id": f"aime25-{i + 1:02d}", "correctness": [1] * c + [0] * (K - c)}) for i, c in enumerate(counts)
    ]
    (ROOT / path).write_text("\n".join(lines) + "\n")
    print(f"{path}: {len(counts)} problems, {sum(counts) / (len(counts) * K) * 100:.2f}")


def main() -> None:
    for path, counts in STEPS.items():
        write(path, counts)
    write("examples/demo/06-aime25-partial.jsonl", STEPS["examples/demo/03-aime25.jsonl"][:28])


if __name__ == "__main__":
    main()

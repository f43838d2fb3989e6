"""A deployed record and this run on one scale, when the record was written before its metric's scale was known.

Records carry the unit their score was read in (`settings.unit`). A record without one was read as written:
before this version, lighteval's custom metrics (`math_pass@1:1_samples`), lm-eval's `f1` outside SQuAD and
evalchemy's accuracies were kept as the fractions the files hold (0.81), which this version shows as
percentage points (81.0). Compared as they are, 81 against 0.81 would be an 80-point gain. So a record without
a unit, set against a run read from a fraction (factor 100), is rescaled the same way when its score is itself
a fraction (|score| ≤ 1) — with a note; a record without a unit whose score is already past 1 was not a fraction
(a native file's 81.0): it is taken as it is, in the run's unit, with a note too. Nothing is rescaled silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from vibe_action.decide.noise import Deployed
from vibe_action.inputs.results import Benchmark
from vibe_action.inputs.scales import PERCENT, UNIT_KEY


def aligned(
    benchmarks: Mapping[str, Benchmark], scores: Mapping[str, float], details: Mapping[str, Deployed]
) -> tuple[dict[str, float], dict[str, Deployed], list[str]]:
    """(the deployed scores, their details, notes) with every record that has no unit put in this run's."""
    scores, details = dict(scores), dict(details)
    notes: list[str] = []
    for name, bench in benchmarks.items():
        base, record = scores.get(name), details.get(name)
        unit = bench.settings.get(UNIT_KEY)
        if base is None or record is None or unit is None or record.settings.get(UNIT_KEY) is not None:
            continue
        settings = {**record.settings, UNIT_KEY: unit}
        if bench.factor == PERCENT and abs(base) <= 1.0:
            scores[name] = round(base * PERCENT, 10)
            stderr = None if record.stderr is None else record.stderr * PERCENT
            details[name] = replace(record, stderr=stderr, settings=settings)
            notes.append(
                f"{name}: the deployed record holds {base:g} as its file wrote it (recorded before its scale was "
                f"known); read as a fraction, it is {scores[name]:g} percentage points, as this run is"
            )
        elif bench.factor == PERCENT:
            details[name] = replace(record, settings=settings)
            notes.append(
                f"{name}: the deployed record ({base:g}) has no unit and is no fraction; it is compared as "
                "percentage points, as this run is"
            )
        else:
            details[name] = replace(record, settings=settings)  # both as written: nothing to convert
    return scores, details, notes

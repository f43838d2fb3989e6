"""Readers for the result files users already have, each giving the same normalised `Parsed` benchmarks.

Formats (detected from the content, or named per glob with `format:` in deploy.yaml):
- `native` / `flat`: this project's own (see results.py);
- `lm-eval`: lm-evaluation-harness `results_*.json`, 0.3 and 0.4.x (`harness.py`);
- `lighteval`: lighteval results, `suite|task|fewshot` and `task|fewshot` keys (`harness.py`);
- `lm-eval-samples`, `correctness`, `livecodebench`: per-item results (`per_item.py`);
- `opencompass`: OpenCompass's summary CSV, and the summary CSV of VibeThinker's scripts (`tables.py`).
docs/configuration.md, "What each format needs to be unambiguous", lists the errors a user sees when a file is
ambiguous.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO, TextIO

from vibe_action.errors import InputError
from vibe_action.inputs.formats import Item, Parsed, ReadOptions, detect
from vibe_action.inputs.harness import read_lighteval, read_lm_eval
from vibe_action.inputs.limits import bad_values
from vibe_action.inputs.per_item import lcb_shape, read_correctness, read_livecodebench, read_lm_eval_samples
from vibe_action.inputs.sourcemap import PathKey
from vibe_action.inputs.stream import DROP, OPEN, STOP, WHOLE, Plan, load_planned
from vibe_action.inputs.tables import read_table

__all__ = [
    "JSONL_FORMATS",
    "STREAMED_FORMATS",
    "Item",
    "Parsed",
    "ReadOptions",
    "detect",
    "read",
    "read_lines",
    "read_planned",
]


JSONL_FORMATS = frozenset({"correctness", "lm-eval-samples"})


def read_lines(format_name: str, data: bytes | BinaryIO, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse a JSONL file from its bytes or the open file, a line at a time (the formats of JSONL_FORMATS)."""
    if format_name == "correctness":
        return read_correctness(data, file, options)
    return read_lm_eval_samples(data, file, options)


def read(format_name: str, text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse one file in a harness format from its text (native and flat are handled by results.py)."""
    if format_name in JSONL_FORMATS:
        return read_lines(format_name, text.encode("utf-8"), file, options)
    if format_name == "opencompass":
        return read_table(text, file, options)
    return read_planned(format_name, io.StringIO(text), file, options)


STREAMED_FORMATS = frozenset({"lm-eval", "lighteval", "livecodebench"})
MAX_VALUE_CHARS = 64 * 1024 * 1024  # one value decoded whole: a problem with its 64 generations, a config


def read_planned(format_name: str, handle: TextIO, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse a harness's JSON from the open file, keeping what its reader reads (`stream.py`): the generations
    evalchemy and LiveCodeBench embed are never held whole."""
    plan = _lcb_plan() if format_name == "livecodebench" else HARNESS_PLAN
    non_finite = format_name in ("lm-eval", "lighteval")  # Python's json writes NaN for what it could not compute
    data, source = load_planned(handle, file, plan, MAX_VALUE_CHARS, non_finite=non_finite)
    problems = [source.problem(path, message) for path, message in bad_values(data, finite=not non_finite)]
    if problems:
        raise InputError(problems)
    readers = {"lm-eval": read_lm_eval, "lighteval": read_lighteval, "livecodebench": read_livecodebench}
    return readers[format_name](data, source, options)


def _harness_action(path: PathKey) -> str:
    """lm-eval, evalchemy, lighteval: `results.<task>.<metric>` mapped; evalchemy's `examples` and the
    `samples` lm-eval's Python API leaves in a dict saved whole (every generation) walked and dropped; the rest
    (configs, versions) read whole."""
    if not path or path == ("results",) or (len(path) == 2 and path[0] == "results"):
        return OPEN
    if (len(path) == 3 and path[0] == "results" and path[2] == "examples") or path == ("samples",):
        return DROP
    return WHOLE


HARNESS_PLAN = Plan(_harness_action)


def _lcb_plan() -> Plan:
    """LiveCodeBench's lists: each problem read whole and slimmed to its verdicts; an `*_eval.json` stops after
    its first entry, the metrics (the raw results and test metadata after it are not needed)."""
    seen_metrics = False

    def action(path: PathKey) -> str:
        if not path:
            return OPEN
        return STOP if seen_metrics and path[0] != 0 else WHOLE

    def shape(path: PathKey, value: Any) -> Any:
        nonlocal seen_metrics
        if path == (0,) and isinstance(value, dict) and "detail" in value:
            seen_metrics = True
        return lcb_shape(path, value)

    return Plan(action, shape)

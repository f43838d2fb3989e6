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

from vibe_action.inputs.formats import Item, Parsed, ReadOptions, detect
from vibe_action.inputs.harness import read_lighteval, read_lm_eval
from vibe_action.inputs.per_item import read_correctness, read_livecodebench, read_lm_eval_samples
from vibe_action.inputs.sourcemap import load_json
from vibe_action.inputs.tables import read_table

__all__ = ["JSONL_FORMATS", "Item", "Parsed", "ReadOptions", "detect", "read", "read_lines"]


JSONL_FORMATS = frozenset({"correctness", "lm-eval-samples"})


def read_lines(format_name: str, data: bytes, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse a JSONL file from its bytes, a line at a time (the formats of JSONL_FORMATS)."""
    if format_name == "correctness":
        return read_correctness(data, file, options)
    return read_lm_eval_samples(data, file, options)


def read(format_name: str, text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse one file in a harness format (native and flat are handled by results.py)."""
    if format_name in JSONL_FORMATS:
        return read_lines(format_name, text.encode("utf-8"), file, options)
    if format_name == "opencompass":
        return read_table(text, file, options)
    data, source = load_json(text, file, non_finite=format_name in ("lm-eval", "lighteval"))  # Python's json
    readers = {"lm-eval": read_lm_eval, "lighteval": read_lighteval, "livecodebench": read_livecodebench}
    return readers[format_name](data, source, options)

"""What every reader shares: the normalised types a reader returns, how a file's format is recognised, and
the rules that keep a harness's output unambiguous (which metric, which filter, which scale).

A reader must never guess silently. When a gated task reports several metrics, or one metric under several
filters, the file is refused with the choices named; a task nobody gates on is skipped instead, so one odd
task does not invalidate a file. Which scale a score is on comes from its metric's name (`scales.py`).
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from array import array
from collections.abc import Callable, Collection, ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from vibe_action.errors import InputError, Problem

SETTING_KEYS = ("temperature", "top_p", "max_tokens", "max_new_tokens", "max_gen_toks", "top_k")
# Keys lm-evaluation-harness writes beside the metrics of a task: labels, not measurements.
LABEL_KEYS = frozenset({"alias", "name", "sample_len", "sample_count", "samples", "group", "task"})
STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}[-:]\d{2}[-:]\d{2}(?:\.\d+)?)")


class PackedScores(Mapping[str, float]):
    """Item id → value, held as the ids in sorted order joined in one text (with where each starts) and the
    values in an array of doubles: about 25 bytes an item where a dict of str and float holds 110.

    The limits allow 200 results files of 200,000 items per benchmark; every item is kept until the decision
    (the paired test reads them all). As dicts, 8 million small items took 4.9 times the files' size in memory;
    packed, they take about what the files do. Read-only, ordered by id; `bisect` finds an id."""

    __slots__ = ("_ids", "_starts", "_values")

    def __init__(self, pairs: Mapping[str, float]) -> None:
        ordered = sorted(pairs)
        self._ids = "".join(ordered)
        wide = sum(map(len, ordered)) >= 1 << 32  # 4 bytes a start, unless the ids are 4 GB of text
        self._starts = array("Q" if wide else "I", [0])
        self._starts.extend(itertools.accumulate(map(len, ordered)))
        self._values = array("d", (pairs[key] for key in ordered))

    def _id(self, index: int) -> str:
        return self._ids[self._starts[index] : self._starts[index + 1]]

    def __getitem__(self, key: str) -> float:
        index = bisect.bisect_left(_IdView(self), key)
        if index < len(self._values) and self._id(index) == key:
            return self._values[index]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (self._id(index) for index in range(len(self._values)))

    def __len__(self) -> int:
        return len(self._values)

    def values(self) -> ValuesView[float]:  # in id order, without a lookup each
        return _Values(self)

    def items(self) -> ItemsView[str, float]:  # in id order, without a lookup each
        return _Items(self)

    def __repr__(self) -> str:
        return f"PackedScores({dict(self)!r})"


class _IdView(Sequence[str]):
    """The sorted ids as a sequence, for `bisect`."""

    def __init__(self, packed: PackedScores) -> None:
        self.packed = packed

    def __getitem__(self, index: int) -> str:  # type: ignore[override]  # bisect asks for single indexes only
        return self.packed._id(index)

    def __len__(self) -> int:
        return len(self.packed)


class _Values(ValuesView[float]):
    def __iter__(self) -> Iterator[float]:
        return iter(self._mapping._values)  # type: ignore[attr-defined]  # the packed values


class _Items(ItemsView[str, float]):
    def __iter__(self) -> Iterator[tuple[str, float]]:
        return zip(self._mapping, self._mapping._values, strict=True)  # type: ignore[attr-defined]  # packed


@dataclass(frozen=True)
class Item:
    """Per-item results of one benchmark: item id -> value, and samples per item.

    Binary items (`continuous` False) hold the fraction of correct samples; continuous ones a score in [0, 1]
    per item (truthfulqa_mc2's acc, any mean of scores), which only a paired t test on the values can compare.
    The scores are packed as they are given (`PackedScores`): a run may hold millions of items.
    """

    scores: Mapping[str, float]
    samples: int
    continuous: bool = False
    texts: Mapping[str, str] = field(default_factory=dict, compare=False)  # a problem's first line, where the
    # results carry its text (for the per-problem view; bounded by per_item.MAX_TEXTS)

    def __post_init__(self) -> None:
        if not isinstance(self.scores, PackedScores):
            object.__setattr__(self, "scores", PackedScores(self.scores))


@dataclass(frozen=True)
class Parsed:
    """What a reader found for one benchmark in one file."""

    name: str
    score: float
    line: int = 1
    n: int | None = None
    stderr: float | None = None
    items: Item | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    direction: str | None = None  # from the format's higher_is_better, when it says
    stamp: str | None = None  # the run's timestamp, from the file name (lm-eval results and samples)
    run_time: float | None = None  # when the run started, as the file records it (lm-eval's `date`)
    unit: str | None = None  # "percent" or "own" (scales.py); None: as written, the metric's scale unknown
    model: tuple[str, str | None] | None = None  # (name, revision) of the evaluated model, when the file says
    notes: tuple[str, ...] = ()
    factor: float | None = None  # what the value as written was multiplied by; None: as written, scale unknown
    read_as: str = ""  # the convention that chose the scale (scales.py), as `validate` shows it
    samples: int | None = None  # samples per problem when the file says so without per-item data
    stderr_kind: str | None = None  # "rerun" for a standard error across repeated runs (evalchemy)
    aggregate: bool = False  # a summary that carries per-item data of its own, which a per-item file replaces


@dataclass(frozen=True)
class ReadOptions:
    """From deploy.yaml: a benchmark name for single-benchmark files, task/metric aliases for harnesses, the
    model column of a CSV, and which benchmarks are gated (None: all of them)."""

    benchmark: str | None = None
    metric: str | None = None
    tasks: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)  # task -> (benchmark, metric)
    model: str | None = None
    gated: Collection[str] | None = None
    scales: Mapping[str, float] = field(default_factory=dict)  # benchmark -> metrics.<name>.scale (1 or 100)
    id_field: str | None = None  # per-problem JSONL: which field names the problem
    correct_field: str | None = None  # per-problem JSONL: which field holds the verdicts

    def is_gated(self, name: str) -> bool:
        return self.gated is None or name in self.gated


HEAD_CHARS = 64 * 1024  # what format detection reads of a file
_RESULTS_OBJECT = re.compile(r'"results"\s*:\s*\{')
_BENCHMARKS = re.compile(r'"benchmarks"\s*:')


def detect(path: str, head: str) -> str:
    """Which format a file is in, from its name and its first characters (`head`); `flat` when nothing else
    fits. The harnesses put what tells them apart first: lighteval's `config_general`, lm-eval's and
    evalchemy's `results` object (evalchemy writes no `versions`), LiveCodeBench's list."""
    name = PurePosixPath(path).name
    head = head.lstrip()[:HEAD_CHARS]
    if name.endswith(".csv") or head.startswith(("dataset,", "model_path,")):
        return "opencompass"
    if name.endswith(".jsonl"):
        return jsonl_kind(first_line(head))
    if head.startswith("["):  # the only format that is a list: its error names LiveCodeBench's files
        return "livecodebench"
    if '"config_general"' in head:
        return "lighteval"
    if '"n-samples"' in head or _RESULTS_OBJECT.search(head):
        return "lm-eval"
    if _BENCHMARKS.search(head):
        return "native"
    return "flat"


class Ignored(Exception):  # noqa: N818 — not an error: a file the gate reads past, with a note saying why
    """A file a glob matched that holds no scores by design (LiveCodeBench's ungraded generations)."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


_BLANK = re.compile(r"\s*")


def first_line(data: str) -> str:
    """The first line that is not blank, found without copying the rest of a file that may be 500 MiB."""
    start = _BLANK.match(data).end()  # type: ignore[union-attr]  # \s* always matches
    end = data.find("\n", start)
    return data[start : end if end >= 0 else len(data)]


def jsonl_kind(line: str) -> str:
    """lm-eval samples carry `doc_id`; per-problem verdicts carry `correctness` (VibeThinker) or a `score` list
    of booleans (the Qwen2.5-Math evaluation, as SkyThought and DeepSeek/Qwen math repositories write it)."""
    try:
        row = json.loads(line)
    except ValueError:
        row = None
    if not isinstance(row, dict):
        return "correctness" if '"correctness"' in line else "lm-eval-samples"
    if "doc_id" in row:
        return "lm-eval-samples"
    if "correctness" in row or isinstance(row.get("score"), (list, bool)):
        return "correctness"
    return "lm-eval-samples"


def problem(file: str, line: int, message: str, hint: str = "", column: int = 1) -> InputError:
    return InputError([Problem(file, line, column, message, hint=hint)])


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def settings_in(config: Any) -> dict[str, Any]:
    """Generation settings found anywhere below `config` (temperature, top_p, max tokens)."""
    found: dict[str, Any] = {}
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in SETTING_KEYS and isinstance(value, (int, float, str)) and not isinstance(value, bool):
                    found.setdefault("max_tokens" if key.startswith("max_") else key, value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def metric_keys(metrics: Mapping[str, Any]) -> list[str]:
    """The keys of a task's entry that are measurements: numeric, not a stderr, not a label."""
    return [
        key
        for key, value in metrics.items()
        if key not in LABEL_KEYS and "_stderr" not in key and number(value) is not None
    ]


def pick_metric(
    metrics: Mapping[str, Any],
    wanted: str | None,
    gated: bool,
    where: tuple[str, int],
    task: str,
    line_of: Callable[[str], int] | None = None,
) -> str | None:
    """The key to read for a task, or None to skip an ungated task that is ambiguous or has no measurement.

    `wanted` may name a filter (`exact_match,flexible-extract`) or not (`exact_match`); without a filter it
    must match exactly one key, or the filters are named in the error. A gated metric that is `NaN` or
    infinite is refused at its own line (`line_of`); elsewhere such values are passed over."""
    file, line = where
    keys = metric_keys(metrics)
    if gated:
        _refuse_non_finite(metrics, wanted, keys, task, file, line_of or (lambda _key: line))
    if wanted:
        if wanted in keys:
            return wanted
        same = [k for k in keys if k.split(",", 1)[0] == wanted]
        if len(same) == 1:
            return same[0]
        if same:
            filters = ", ".join(k.split(",", 1)[1] for k in same)
            raise problem(
                file,
                line,
                f"task '{task}' reports {wanted} under several filters ({filters})",
                f"name one: metric: {same[0]} in deploy.yaml",
            )
        raise problem(file, line, f"task '{task}' has no metric '{wanted}'", "it has: " + (", ".join(keys) or "none"))
    if len(keys) == 1:
        return keys[0]
    if not gated:
        return None
    if not keys:
        raise problem(file, line, f"task '{task}' reports no numeric metric", "gate on another task, or fix the file")
    raise problem(
        file,
        line,
        f"task '{task}' reports several metrics ({', '.join(keys)})",
        "name the one to gate on: metrics.<name>.metric in deploy.yaml",
    )


def _refuse_non_finite(
    metrics: Mapping[str, Any], wanted: str | None, keys: list[str], task: str, file: str, line_of: Callable[[str], int]
) -> None:
    """The metric the gate would read is not finite: say so where it is, not "no such metric"."""
    bad = [
        key
        for key, value in metrics.items()
        if isinstance(value, float) and not math.isfinite(value) and "_stderr" not in key and key not in LABEL_KEYS
    ]
    hit = [k for k in bad if wanted in (k, k.split(",", 1)[0])] if wanted else (bad if not keys else [])
    if wanted and (wanted in keys or any(k.split(",", 1)[0] == wanted for k in keys)):
        hit = []  # a finite key answers; the NaN one is another filter's
    if hit:
        raise problem(
            file,
            line_of(hit[0]),
            f"task '{task}': {hit[0]} is {metrics[hit[0]]} (not a finite number): the harness could not compute it",
            "re-run the evaluation, or gate on another metric (metrics.<name>.metric in deploy.yaml)",
        )


def stderr_of(metrics: Mapping[str, Any], key: str) -> float | None:
    """The standard error next to a metric (`acc_stderr,none`); "N/A" means none."""
    metric, _, filt = key.partition(",")
    return number(metrics.get(f"{metric}_stderr,{filt}" if filt else f"{metric}_stderr"))


def stamp_of(path: str) -> str | None:
    """`results_2026-11-20T10-00-00.123.json` / `samples_aime25_2026-11-20T10-00-00.123.jsonl` → the stamp."""
    found = STAMP.search(PurePosixPath(path).name)
    return found.group(1).replace(":", "-") if found else None


def rounded(value: float, factor: float) -> float:
    """`value * factor` without binary noise (0.724 * 100 is 72.39999999999999): as many decimals as the file
    carries, less the factor's (two for 100)."""
    text = repr(value)
    if "e" in text or "n" in text:  # 1e-05, inf, nan: nothing to trim
        return value * factor
    decimals = len(text.partition(".")[2])
    shift = len(str(int(factor))) - 1 if factor >= 1 and float(factor).is_integer() else 0
    return round(value * factor, max(decimals - shift, 0))

"""Readers for the result files users already have, each giving the same normalised `Benchmark`s.

Formats (detected from the content, or named per glob with `format:` in deploy.yaml):
- `native` / `flat`: this project's own (see results.py);
- `lm-eval`: lm-evaluation-harness `results_*.json` — `results.<task>["<metric>,<filter>"]`, its
  `"<metric>_stderr,<filter>"` (possibly "N/A"), `n-samples`, `higher_is_better`, `config`;
- `lm-eval-samples`: lm-evaluation-harness `samples_<task>_*.jsonl`, one document per line (`doc_id`,
  `doc_hash`, the metric's value) — per-item data for the task;
- `lighteval`: lighteval results — `results["suite|task|fewshot"]` with `<metric>` and `<metric>_stderr`,
  and `config_general` (generation settings);
- `livecodebench`: LiveCodeBench `*_eval_all.json` — per problem `question_id`, `graded_list` of booleans;
- `correctness`: per-problem JSONL with a `correctness` list of 0/1 per sample (VibeThinker's scripts);
- `opencompass`: an OpenCompass summary CSV, `dataset,version,metric,mode,<model>` (also read: the summary CSV
  of VibeThinker's evaluation, `model_path,dataset,pass@1,pass@64,cons@64,...`).
Scores on a 0-1 scale become 0-100. Per-item results are kept as the fraction of correct samples per item,
keyed by a stable id (the document hash when there is one).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.sourcemap import SourceMap, load_json

SETTING_KEYS = ("temperature", "top_p", "max_tokens", "max_new_tokens", "max_gen_toks", "top_k")
PREFERRED_METRICS = ("exact_match", "acc", "pass@1", "accuracy", "extractive_match", "em", "score")


@dataclass(frozen=True)
class Item:
    """Per-item results of one benchmark: item id -> fraction of correct samples, samples per item."""

    scores: Mapping[str, float]
    samples: int


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


@dataclass(frozen=True)
class ReadOptions:
    """From deploy.yaml: a benchmark name for single-benchmark files, and task/metric aliases for harnesses."""

    benchmark: str | None = None
    metric: str | None = None
    tasks: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)  # task -> (benchmark, metric)


def detect(path: str, text: str) -> str:
    """Which format a file is in, from its name and first bytes; `flat` when nothing else fits."""
    name = PurePosixPath(path).name
    head = text.lstrip()[:4096]
    if name.endswith(".csv") or head.startswith(("dataset,", "model_path,")):
        return "opencompass"
    if name.endswith(".jsonl"):
        first = text.lstrip().split("\n", 1)[0]
        return "correctness" if '"correctness"' in first else "lm-eval-samples"
    if head.startswith("[") and '"graded_list"' in text:
        return "livecodebench"
    if '"config_general"' in text:
        return "lighteval"
    if '"n-samples"' in text or ('"results"' in text and '"versions"' in text):
        return "lm-eval"
    if re.search(r'"benchmarks"\s*:', head) or '"benchmarks"' in text:
        return "native"
    return "flat"


def _problem(file: str, line: int, message: str, hint: str = "", column: int = 1) -> InputError:
    return InputError([Problem(file, line, column, message, hint=hint)])


def _percent(value: float) -> float:
    """0-1 scores (fractions) become 0-100; scores already above 1 are taken as percentages."""
    return value * 100.0 if -1e-9 <= value <= 1.0 + 1e-9 else value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _settings(config: Any) -> dict[str, Any]:
    """Generation settings found anywhere one level down (temperature, top_p, max tokens)."""
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


def _pick_metric(keys: list[str], wanted: str | None, file: str, line: int, task: str) -> str:
    values = [k for k in keys if "_stderr" not in k and k != "alias"]
    if wanted:
        match = [k for k in values if k == wanted or k.split(",")[0] == wanted]
        if match:
            return match[0]
        raise _problem(file, line, f"task '{task}' has no metric '{wanted}'", "it has: " + ", ".join(values))
    for preferred in PREFERRED_METRICS:
        match = [k for k in values if k.split(",")[0] == preferred]
        if len(match) == 1:
            return match[0]
    if len(values) == 1:
        return values[0]
    raise _problem(
        file,
        line,
        f"task '{task}' reports several metrics ({', '.join(values)})",
        "name the one to gate on: metrics.<name>.metric in deploy.yaml",
    )


def _stderr_for(metrics: Mapping[str, Any], key: str) -> float | None:
    metric, _, filt = key.partition(",")
    raw = metrics.get(f"{metric}_stderr,{filt}" if filt else f"{metric}_stderr")
    value = _number(raw)  # "N/A" (a string) means no standard error
    return None if value is None else _percent(value) if abs(value) <= 1 else value


def read_lm_eval(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    file = source.file
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise _problem(
            file,
            1,
            "not an lm-evaluation-harness results file: no 'results' object",
            "point the glob at results_*.json, or set format:",
        )
    n_samples = data.get("n-samples") or {}
    hashes = data.get("task_hashes") if isinstance(data.get("task_hashes"), dict) else {}
    settings = _settings(data.get("config")) | _settings(data.get("configs"))
    parsed = []
    for task, metrics in results.items():
        if not isinstance(metrics, dict):
            continue
        name, wanted = options.tasks.get(task, (task, options.metric))
        line = source.key_at(("results", task)).line
        key = _pick_metric(list(metrics), wanted, file, line, task)
        value = _number(metrics[key])
        if value is None:
            raise _problem(file, source.value_at(("results", task, key)).line, f"{task} {key}: not a number")
        counts = n_samples.get(task) or {}
        n = counts.get("effective") or counts.get("original") if isinstance(counts, dict) else None
        parsed.append(
            Parsed(
                name,
                _percent(value),
                line,
                n if isinstance(n, int) else None,
                _stderr_for(metrics, key),
                settings={**settings, **({"task_hash": hashes[task]} if task in hashes else {})},
            )
        )
    return parsed


def read_lighteval(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    file = source.file
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise _problem(file, 1, "not a lighteval results file: no 'results' object")
    settings = _settings(data.get("config_general"))
    parsed = []
    for key, metrics in results.items():
        if key == "all" or not isinstance(metrics, dict):
            continue
        parts = key.split("|")
        task = parts[1] if len(parts) >= 2 else key
        name, wanted = options.tasks.get(task, (task, options.metric))
        line = source.key_at(("results", key)).line
        metric = _pick_metric(list(metrics), wanted, file, line, task)
        value = _number(metrics[metric])
        if value is None:
            raise _problem(file, line, f"{key} {metric}: not a number")
        parsed.append(Parsed(name, _percent(value), line, None, _stderr_for(metrics, metric), settings=settings))
    return parsed


def _items_result(
    name: str, scores: dict[str, float], samples: int, line: int, settings: Mapping[str, Any] | None = None
) -> Parsed:
    mean = sum(scores.values()) / len(scores)
    return Parsed(name, mean * 100.0, line, len(scores), None, Item(scores, samples), settings or {})


def read_livecodebench(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    file = source.file
    if not isinstance(data, list) or not data:
        raise _problem(file, 1, "not a LiveCodeBench eval_all file: expected a list of problems")
    scores: dict[str, float] = {}
    samples = 0
    for index, problem in enumerate(data):
        line = source.value_at((index,)).line
        graded = problem.get("graded_list") if isinstance(problem, dict) else None
        ident = problem.get("question_id") if isinstance(problem, dict) else None
        if not isinstance(graded, list) or not graded or ident is None:
            raise _problem(file, line, "problem without question_id or graded_list", "each entry needs both")
        samples = max(samples, len(graded))
        scores[str(ident)] = sum(1 for g in graded if g is True or g == 1) / len(graded)
    return [_items_result(options.benchmark or "livecodebench", scores, samples, 1)]


def _jsonl(text: str, file: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _problem(file, number, f"invalid JSON line: {exc.msg}", column=exc.colno) from None
        if not isinstance(row, dict):
            raise _problem(file, number, "each line must be a JSON object")
        rows.append((number, row))
    if not rows:
        raise _problem(file, 1, "empty JSONL file")
    return rows


def _binary(flags: list[Any]) -> bool:
    """Only 0/1 (or booleans): fast for long lists, since set() hashes True as 1 and False as 0."""
    try:
        return set(flags) <= {0, 1} and all(type(f) in (int, bool) for f in set(flags))
    except TypeError:  # an unhashable element, such as a list
        return False


def read_correctness(text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """VibeThinker-style per-problem JSONL: `{"id": ..., "correctness": [1, 0, ...]}` per line."""
    scores: dict[str, float] = {}
    samples = 0
    name = options.benchmark or PurePosixPath(file).stem
    for number, row in _jsonl(text, file):
        flags = row.get("correctness")
        if not isinstance(flags, list) or not flags or not _binary(flags):
            raise _problem(file, number, "'correctness' must be a non-empty list of 0/1 per sample")
        ident = next((row[k] for k in ("id", "problem_id", "idx", "question_id", "index") if k in row), None)
        key = str(ident) if ident is not None else f"line-{number}"
        if key in scores:
            raise _problem(file, number, f"problem '{key}' appears twice")
        samples = max(samples, len(flags))
        scores[key] = sum(flags) / len(flags)
        name = options.benchmark or str(row.get("benchmark") or row.get("dataset") or name)
    return [_items_result(name, scores, samples, 1)]


def read_lm_eval_samples(text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """`samples_<task>_<date>.jsonl`: one document per line; the metric's value per document."""
    match = re.match(r"samples_(.+?)_\d{4}-\d{2}-\d{2}", PurePosixPath(file).name)
    task = match.group(1) if match else PurePosixPath(file).stem.removeprefix("samples_")
    name, wanted = options.tasks.get(task, (options.benchmark or task, options.metric))
    metric, _, wanted_filter = (wanted or "").partition(",")
    scores: dict[str, float] = {}
    for number, row in _jsonl(text, file):
        if "doc_id" not in row:
            raise _problem(file, number, "not an lm-evaluation-harness sample: no 'doc_id'")
        if wanted_filter and row.get("filter", wanted_filter) != wanted_filter:
            continue  # one line per document and filter: keep the filter the metric names
        key = metric or next((m for m in PREFERRED_METRICS if m in row), "")
        value = _number(row.get(key))
        if value is None:
            raise _problem(
                file,
                number,
                f"document {row['doc_id']} has no numeric metric '{key or '?'}'",
                "name it: metrics.<name>.metric in deploy.yaml",
            )
        scores[str(row.get("doc_hash") or row["doc_id"])] = value
    return [_items_result(name, scores, 1, 1)]


def read_summary_csv(text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """VibeThinker's evaluation summary: `model_path,dataset,pass@1,pass@64,cons@64,...` (0-1 scores)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    parsed = []
    for row in reader:
        dataset = PurePosixPath((row.get("dataset") or "").strip()).stem
        try:
            score = float(row.get("pass@1") or "")
        except ValueError:
            raise _problem(file, reader.line_num, f"{dataset or 'row'}: pass@1 is not a number") from None
        name, _ = options.tasks.get(dataset, (options.benchmark or dataset, None))
        parsed.append(Parsed(name, _percent(score), reader.line_num))
    return parsed


def read_opencompass(text: str, file: str, options: ReadOptions) -> list[Parsed]:
    first = text.split("\n", 1)[0].split(",")
    if "pass@1" in first and "dataset" in first:
        return read_summary_csv(text, file, options)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or [h.strip() for h in header[:4]] != ["dataset", "version", "metric", "mode"] or len(header) < 5:
        raise _problem(file, 1, "not an OpenCompass summary: the header must be dataset,version,metric,mode,<model>")
    column = len(header) - 1
    parsed = []
    for row in reader:
        if not row:
            continue
        value = row[column].strip() if len(row) > column else ""
        try:
            score = float(value)
        except ValueError:
            if value in ("-", ""):
                continue  # OpenCompass writes '-' for a dataset that did not run
            raise _problem(file, reader.line_num, f"{row[0]}: '{value}' is not a number") from None
        name, _ = options.tasks.get(row[0], (row[0], None))
        parsed.append(Parsed(name, score, reader.line_num))
    return parsed


def read(format_name: str, text: str, file: str, options: ReadOptions) -> list[Parsed]:
    """Parse one file in a harness format (native and flat are handled by results.py)."""
    if format_name == "correctness":
        return read_correctness(text, file, options)
    if format_name == "lm-eval-samples":
        return read_lm_eval_samples(text, file, options)
    if format_name == "opencompass":
        try:
            return read_opencompass(text, file, options)
        except csv.Error as exc:
            raise _problem(file, 1, f"not valid CSV: {exc}", "save it as comma-separated text") from None
    data, source = load_json(text, file)
    readers = {"lm-eval": read_lm_eval, "lighteval": read_lighteval, "livecodebench": read_livecodebench}
    return readers[format_name](data, source, options)

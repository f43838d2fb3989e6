"""Per-item results, for paired tests: lm-evaluation-harness samples, per-problem correctness JSONL, and both
files LiveCodeBench writes (`*_eval_all.json`, per problem; `*_eval.json`, the metrics with per-problem detail).

Item values that are all 0 or 1 are binary (fractions of correct samples, McNemar when one sample each);
anything else in [0, 1] is continuous and compared with a paired t test on the values themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from vibe_action.inputs.formats import Item, Parsed, ReadOptions, number, problem, stamp_of
from vibe_action.inputs.limits import MAX_LINE_BYTES
from vibe_action.inputs.scales import AS_WRITTEN, PERCENT, scale_of, unit_of, unknown_scale_note
from vibe_action.inputs.sourcemap import SourceMap

PREFERRED_METRICS = ("exact_match", "acc", "pass@1", "accuracy", "extractive_match", "em", "score")


def items_result(
    name: str,
    scores: dict[str, float],
    samples: int,
    line: int = 1,
    *,
    stamp: str | None = None,
    scale: float | None = PERCENT,
) -> Parsed:
    """Per-item values in [0, 1] and their mean, in percentage points (`scale` 100, the default: a fraction of
    items solved), or as written (`scale` 1, or None for a metric of unknown scale)."""
    continuous = any(value not in (0.0, 1.0) for value in scores.values()) and samples <= 1
    mean = sum(scores.values()) / len(scores)
    item = Item(scores, max(samples, 1), continuous)
    return Parsed(name, mean * (scale or 1.0), line, len(scores), None, item, stamp=stamp, unit=unit_of(scale))


def jsonl(data: bytes, file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a JSONL file (its bytes), one at a time. Each line is cut out, decoded and parsed only when
    its turn comes, so a 500 MiB file is held once: no decoded copy, no list of lines, no list of rows. Lines
    end at `\n` alone (a JSON string may hold U+2028, which `splitlines` would cut at)."""
    start, number_, rows = 0, 0, 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > MAX_LINE_BYTES:
            raise problem(
                file,
                number_ + 1,
                f"this line is {end - start:,} bytes; the limit is {MAX_LINE_BYTES:,} per line",
                "keep the verdicts and ids; drop or trim what the evaluation wrote alongside (docs/limits.md)",
            )
        line, start, number_ = data[start:end], end + 1, number_ + 1
        if not line.strip():
            continue
        yield number_, _row(line, file, number_)
        rows += 1
    if not rows:
        raise problem(file, 1, "empty JSONL file")


def _row(line: bytes, file: str, number_: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except UnicodeDecodeError:
        raise problem(file, number_, "this line is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise problem(file, number_, f"invalid JSON line: {exc.msg}", column=exc.colno) from None
    except RecursionError:
        raise problem(file, number_, "a line nested too deep") from None
    if not isinstance(row, dict):
        raise problem(file, number_, "each line must be a JSON object")
    return row


SAMPLE_FIELDS = frozenset({"doc_id", "doc_hash", "filter", "metrics"})


def _slim(row: dict[str, Any]) -> dict[str, Any]:
    """What the samples reader reads of a line: its ids, filter, metric list and numbers. A sample line also
    holds the prompt, the document and every response — kept for all lines, they would be the file again."""
    return {
        key: value if key in SAMPLE_FIELDS or type(value) in (int, float, bool) else None for key, value in row.items()
    }


def _binary(flags: list[Any]) -> bool:
    """Only 0/1 (or booleans): fast for long lists, since set() hashes True as 1 and False as 0."""
    try:
        return set(flags) <= {0, 1} and all(type(f) in (int, bool) for f in set(flags))
    except TypeError:  # an unhashable element, such as a list
        return False


ID_FIELDS = ("id", "problem_id", "idx", "question_id", "index")
VERDICT_FIELDS = ("correctness", "score")  # VibeThinker's, the Qwen2.5-Math evaluation's


def read_correctness(data: bytes, file: str, options: ReadOptions) -> list[Parsed]:
    """Per-problem JSONL: the problem's id and its verdicts — a list of booleans or 0/1, one per sample, or a
    single one. VibeThinker writes `{"id": …, "correctness": [1, 0, …]}`, the Qwen2.5-Math evaluation
    `{"idx": …, "score": [true]}`; `id:` and `correct:` under the results entry name other fields. A harness
    that writes one line per attempt repeats the id: its lines are grouped by id, each problem's verdicts in
    file order (the benchmark's samples per problem is the most attempts any problem has)."""
    verdicts: dict[str, list[int]] = {}
    name = options.benchmark or PurePosixPath(file).stem
    for line, row in jsonl(data, file):
        field = options.correct_field or next((f for f in VERDICT_FIELDS if f in row), VERDICT_FIELDS[0])
        flags = _verdicts(row.get(field))
        if flags is None:
            raise problem(
                file,
                line,
                f"'{field}' must be a non-empty list of booleans or 0/1 per sample (or one of them)",
                "name the field with correct: under this results entry in deploy.yaml"
                if not options.correct_field
                else "",
            )
        id_field = options.id_field or next((k for k in ID_FIELDS if k in row), None)
        if options.id_field and options.id_field not in row:
            raise problem(file, line, f"no '{options.id_field}' field", "check id: under this results entry")
        ident = row.get(id_field) if id_field else None
        key = str(ident) if ident is not None else f"line-{line}"
        verdicts.setdefault(key, []).extend(flags)
        name = options.benchmark or str(row.get("benchmark") or row.get("dataset") or name)
    scores = {key: sum(flags) / len(flags) for key, flags in verdicts.items()}
    samples = max((len(flags) for flags in verdicts.values()), default=0)
    return [items_result(name, scores, samples, scale=options.scales.get(name, PERCENT))]


def _verdicts(value: Any) -> list[int] | None:
    """A list of 0/1 (booleans included), or one verdict as a list of one; None when it is neither."""
    listed = value if isinstance(value, list) else [value]
    if not listed or not _binary(listed):
        return None
    return [int(flag) for flag in listed]


def _samples_task(file: str) -> str:
    match = re.match(r"samples_(.+?)_\d{4}-\d{2}-\d{2}", PurePosixPath(file).name)
    return match.group(1) if match else PurePosixPath(file).stem.removeprefix("samples_")


def read_lm_eval_samples(data: bytes, file: str, options: ReadOptions) -> list[Parsed]:
    """`samples_<task>_<date>.jsonl`: one line per document and filter, the metric's value on each."""
    task = _samples_task(file)
    name, wanted = options.tasks.get(task, (options.benchmark or task, options.metric))
    metric, _, wanted_filter = (wanted or "").partition(",")
    rows = [(line, _slim(row)) for line, row in jsonl(data, file)]  # read thrice below: kept, slimmed
    filters = sorted({str(row["filter"]) for _, row in rows if "filter" in row})
    if wanted_filter and filters and wanted_filter not in filters:
        raise problem(file, 1, f"no lines with filter '{wanted_filter}'", "it has: " + ", ".join(filters))
    if not wanted_filter and len(filters) > 1:
        if not options.is_gated(name):
            return []
        raise problem(
            file,
            1,
            f"the samples hold several filters ({', '.join(filters)}) and the metric names none",
            f"name one: metric: {metric or 'exact_match'},{filters[0]} in deploy.yaml",
        )
    metric = metric or _only_metric(rows, file, options.is_gated(name))
    if not metric:
        return []
    scores: dict[str, float] = {}
    for line, row in rows:
        if "doc_id" not in row:
            raise problem(file, line, "not an lm-evaluation-harness sample: no 'doc_id'")
        if wanted_filter and row.get("filter", wanted_filter) != wanted_filter:
            continue  # one line per document and filter: keep the filter the metric names
        value = number(row.get(metric))
        if value is None or not 0.0 <= value <= 1.0:
            raise problem(
                file,
                line,
                f"document {row['doc_id']} has no value in [0, 1] for '{metric}'",
                "name the metric: metrics.<name>.metric in deploy.yaml",
            )
        key = str(row.get("doc_hash") or row["doc_id"])
        if key in scores:
            raise problem(file, line, f"document {row['doc_id']} appears twice for one filter")
        scores[key] = value
    scale = scale_of(metric, options.scales.get(name))
    parsed = items_result(name, scores, 1, stamp=stamp_of(file), scale=scale or AS_WRITTEN)
    if scale is None and options.is_gated(name):
        mean = parsed.score
        parsed = replace(parsed, notes=(unknown_scale_note(name, metric, mean, file),))
    return [parsed]


def _only_metric(rows: list[tuple[int, dict[str, Any]]], file: str, gated: bool) -> str:
    """The metric of a samples file that names none: the one in each line's `metrics` list, else the one
    preferred name present. Several: an error for a gated task, skipped ('') otherwise."""
    listed = {
        m for _, row in rows if isinstance(row.get("metrics"), list) for m in row["metrics"] if isinstance(m, str)
    }
    candidates = sorted(listed) or [m for m in PREFERRED_METRICS if m in rows[0][1]][:1]
    if len(candidates) == 1:
        return candidates[0]
    if not gated:
        return ""
    raise problem(
        file,
        1,
        f"the samples report several metrics ({', '.join(candidates) or 'none'})",
        "name the one to gate on: metrics.<name>.metric in deploy.yaml",
    )


def read_livecodebench(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    """`*_eval_all.json` (a list of problems with `question_id` and `graded_list`) or `*_eval.json` (a list:
    the metrics with `pass@1` and per-problem `detail`, then the raw results)."""
    file = source.file
    name = options.benchmark or "livecodebench"
    if isinstance(data, list) and data and isinstance(data[0], dict) and "detail" in data[0]:
        raw = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
        samples = max((len(v) for v in raw.values() if isinstance(v, list)), default=0)
        return [_lcb_metrics(data[0], file, name, samples, options.scales.get(name, PERCENT))]
    if not isinstance(data, list) or not data or not isinstance(data[0], dict) or "graded_list" not in data[0]:
        raise problem(
            file,
            1,
            "not a LiveCodeBench file: expected *_eval_all.json (a list of problems with question_id and "
            "graded_list) or *_eval.json (a list starting with the metrics and their per-problem detail)",
            'point the glob at one of them; a results file of this project is an object, {"aime25": 74.4}',
        )
    scores: dict[str, float] = {}
    samples = 0
    for index, entry in enumerate(data):
        line = source.value_at((index,)).line
        graded = entry.get("graded_list") if isinstance(entry, dict) else None
        ident = entry.get("question_id") if isinstance(entry, dict) else None
        if not isinstance(graded, list) or not graded or ident is None:
            raise problem(file, line, "LiveCodeBench problem without question_id or graded_list", "each needs both")
        if str(ident) in scores:
            raise problem(file, line, f"LiveCodeBench problem '{ident}' appears twice")
        samples = max(samples, len(graded))
        scores[str(ident)] = sum(1 for g in graded if g is True or g == 1) / len(graded)
    return [items_result(name, scores, samples, scale=options.scales.get(name, PERCENT))]


def _lcb_metrics(metrics: dict[str, Any], file: str, name: str, samples: int, scale: float) -> Parsed:
    """`compute_metrics_from_results`: pass@k as fractions, `detail.pass@1` per problem (c / n each). With the
    raw results beside it, n is known and the items are fractions of correct samples; else continuous."""
    detail = metrics.get("detail")
    per_problem = detail.get("pass@1") if isinstance(detail, dict) else None
    overall = number(metrics.get("pass@1"))
    if overall is None or not isinstance(per_problem, dict) or not per_problem:
        raise problem(file, 1, "LiveCodeBench *_eval.json without pass@1 and detail.pass@1 per problem")
    scores: dict[str, float] = {}
    for ident, value in per_problem.items():
        score = number(value)
        if score is None or not 0.0 <= score <= 1.0:
            raise problem(file, 1, f"LiveCodeBench detail.pass@1 of problem '{ident}' is not a fraction")
        scores[str(ident)] = score
    parsed = items_result(name, scores, samples, scale=scale)
    return replace(parsed, score=overall * scale)  # pass@1 as compute_metrics_from_results writes it: a fraction

"""Per-item results, for paired tests: lm-evaluation-harness samples, per-problem correctness JSONL, and both
files LiveCodeBench writes (`*_eval_all.json`, per problem; `*_eval.json`, the metrics with per-problem detail).

Item values that are all 0 or 1 are binary (fractions of correct samples, McNemar when one sample each);
anything else in [0, 1] is continuous and compared with a paired t test on the values themselves.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from vibe_action.inputs.formats import Ignored, Item, Parsed, ReadOptions, number, problem, rounded, stamp_of
from vibe_action.inputs.limits import MAX_LINE_BYTES
from vibe_action.inputs.scales import AS_WRITTEN, PERCENT, scale_of, unit_of, unknown_scale_note
from vibe_action.inputs.sourcemap import SourceMap

PREFERRED_METRICS = ("exact_match", "acc", "pass@1", "accuracy", "extractive_match", "em", "score")


TEXT_FIELDS = ("problem", "question", "Question", "prompt", "question_title", "title")  # where a problem's text is
MAX_TEXT = 100  # characters of a problem's first line kept for the per-problem view
MAX_TEXTS = 5000  # problems whose first line is kept; a larger benchmark is shown by ids alone


def first_line(row: Mapping[str, Any]) -> str | None:
    """The first non-empty line of a problem's text, where the row (or its `doc`) carries one, shortened."""
    doc = row.get("doc")
    for source in (row, doc if isinstance(doc, dict) else {}):
        for key in TEXT_FIELDS:
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                line = next(part.strip() for part in value.strip().splitlines() if part.strip())
                return line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1] + "…"
    return None


def items_result(
    name: str,
    scores: dict[str, float],
    samples: int,
    line: int = 1,
    *,
    stamp: str | None = None,
    scale: float | None = PERCENT,
    texts: Mapping[str, str] | None = None,
) -> Parsed:
    """Per-item values in [0, 1] and their mean, in percentage points (`scale` 100, the default: a fraction of
    items solved), or as written (`scale` 1, or None for a metric of unknown scale)."""
    continuous = any(value not in (0.0, 1.0) for value in scores.values()) and samples <= 1
    mean = sum(scores.values()) / len(scores)
    item = Item(scores, max(samples, 1), continuous, dict(texts or {}))
    return Parsed(
        name, mean * (scale or 1.0), line, len(scores), None, item, stamp=stamp, unit=unit_of(scale), factor=scale
    )


def jsonl(data: bytes | BinaryIO, file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a JSONL file (its bytes, or the open file), one at a time. Each line is read, decoded and
    parsed only when its turn comes — never more than MAX_LINE_BYTES of it: a longer line is refused having read
    no more than the limit, and held once. Lines end at `\n` alone (a JSON string may hold U+2028, which
    `splitlines` would cut at)."""
    number_, rows = 0, 0
    for raw in lines_of(io.BytesIO(data) if isinstance(data, bytes) else data):
        number_ += 1
        if len(raw) - raw.endswith(b"\n") > MAX_LINE_BYTES:
            raise problem(
                file,
                number_,
                f"this line is longer than {MAX_LINE_BYTES:,} bytes, the limit per line",
                "keep the verdicts and ids; drop or trim what the evaluation wrote alongside (docs/limits.md)",
            )
        if raw.isspace():
            continue
        yield number_, _row(raw, file, number_)  # (json reads the line with its "\n": trailing space)
        rows += 1
    if not rows:
        raise problem(file, 1, "empty JSONL file")


def lines_of(handle: BinaryIO) -> Iterator[bytes | bytearray]:
    """Each line with its `\n`, cut off one byte past the limit. From a buffered file the line is gathered
    from what the buffer holds (`peek`) into one growing bytearray — `readline(limit)` would hold a long line
    twice, its pieces and their join."""
    peek = getattr(handle, "peek", None)
    if peek is None:  # bytes already in memory
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            yield raw
        return
    while True:
        line = bytearray()
        while ahead := peek(1)[: MAX_LINE_BYTES + 1 - len(line)]:
            end = ahead.find(b"\n")
            line += handle.read(len(ahead) if end < 0 else end + 1)
            if end >= 0 or len(line) > MAX_LINE_BYTES:
                break
        if not line:
            return
        yield line


def _row(line: bytes | bytearray, file: str, number_: int) -> dict[str, Any]:
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


def _slim(row: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """What the samples reader reads of a line: its ids, filter, metric list and numbers, and its problem's first
    line into `texts`. A sample line also holds the prompt, the document and every response — kept for all
    lines, they would be the file again."""
    key = str(row.get("doc_hash") or row.get("doc_id"))
    if len(texts) < MAX_TEXTS and key not in texts and (text := first_line(row)):
        texts[key] = text
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


def read_correctness(data: bytes | BinaryIO, file: str, options: ReadOptions) -> list[Parsed]:
    """Per-problem JSONL: the problem's id and its verdicts — a list of booleans or 0/1, one per sample, or a
    single one. VibeThinker writes `{"id": …, "correctness": [1, 0, …]}`, the Qwen2.5-Math evaluation
    `{"idx": …, "score": [true]}`; `id:` and `correct:` under the results entry name other fields. A harness
    that writes one line per attempt repeats the id: its lines are grouped by id, each problem's verdicts in
    file order (the benchmark's samples per problem is the most attempts any problem has)."""
    verdicts: dict[str, list[int]] = {}
    texts: dict[str, str] = {}
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
        if len(texts) < MAX_TEXTS and key not in texts and (text := first_line(row)):
            texts[key] = text
        name = options.benchmark or str(row.get("benchmark") or row.get("dataset") or name)
    scores = {key: sum(flags) / len(flags) for key, flags in verdicts.items()}
    samples = max((len(flags) for flags in verdicts.values()), default=0)
    return [items_result(name, scores, samples, scale=options.scales.get(name, PERCENT), texts=texts)]


def _verdicts(value: Any) -> list[int] | None:
    """A list of 0/1 (booleans included), or one verdict as a list of one; None when it is neither."""
    listed = value if isinstance(value, list) else [value]
    if not listed or not _binary(listed):
        return None
    return [int(flag) for flag in listed]


def _samples_task(file: str) -> str:
    match = re.match(r"samples_(.+?)_\d{4}-\d{2}-\d{2}", PurePosixPath(file).name)
    return match.group(1) if match else PurePosixPath(file).stem.removeprefix("samples_")


def read_lm_eval_samples(data: bytes | BinaryIO, file: str, options: ReadOptions) -> list[Parsed]:
    """`samples_<task>_<date>.jsonl`: one line per document and filter, the metric's value on each."""
    task = _samples_task(file)
    name, wanted = options.tasks.get(task, (options.benchmark or task, options.metric))
    metric, _, wanted_filter = (wanted or "").partition(",")
    texts: dict[str, str] = {}
    rows = [(line, _slim(row, texts)) for line, row in jsonl(data, file)]  # read thrice below: kept, slimmed
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
    scale = scale_of(metric, options.scales.get(name), task=task)
    parsed = items_result(
        name, scores, 1, stamp=stamp_of(file), scale=scale.factor if scale else AS_WRITTEN, texts=texts
    )
    if scale is None:  # as written: an item's value counts as itself (OWN_UNIT) in the paired test
        parsed = replace(parsed, factor=None)
        if options.is_gated(name):
            parsed = replace(parsed, notes=(unknown_scale_note(name, metric, parsed.score, file),))
    else:
        parsed = replace(parsed, unit=scale.unit, read_as=scale.why)
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


# LiveCodeBench names its files after the run (lcb_runner/utils/path_utils.py): output/<model>/<scenario>_<n>_
# <temperature>[_cot].json holds the generations (`Scenario.codegeneration_…` where Python formats the enum by
# its name, as LiveCodeBench's README shows), `…_eval.json` the metrics ([metrics, results, metadata]) and
# `…_eval_all.json` each problem with its `graded_list`. One stem is one run.
LCB_FILE = re.compile(
    r"^(?P<stem>(?:Scenario\.)?(?P<scenario>[A-Za-z]+)_(?P<n>\d+)_(?P<temperature>\d+(?:\.\d+)?)(?:_cot)?)(?P<kind>_eval_all|_eval)?\.json$"
)
LCB_KEPT = frozenset({"question_id", "graded_list", "pass@1", "detail"})  # of a problem, or of the metrics


def lcb_run(file: str) -> tuple[str, str, int | None, dict[str, Any]]:
    """(run, scenario, samples per problem, settings) from a LiveCodeBench file's name: the run is the
    folder and stem (`output/m/codegeneration_16_0.2`), shared by the run's three files."""
    path = PurePosixPath(file)
    match = LCB_FILE.match(path.name)
    if match is None:
        return path.with_suffix("").as_posix(), "codegeneration", None, {}
    run = (path.parent / match["stem"]).as_posix()
    return run, match["scenario"], int(match["n"]), {"temperature": float(match["temperature"])}


def lcb_shape(path: tuple[str | int, ...], value: Any) -> Any:
    """What the reader keeps of each entry of a LiveCodeBench list: a problem's id, verdicts and pass@1, or
    the metrics; not the statement, the generations, their code or the test metadata (megabytes each)."""
    if len(path) == 1 and isinstance(value, dict):
        return {key: value[key] for key in value if key in LCB_KEPT or key.startswith("pass@")}
    return value


def read_livecodebench(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    """One file of a LiveCodeBench run: `*_eval.json` gives the benchmark's pass@1 (the aggregate, with the
    problem count), `*_eval_all.json` the per-problem verdicts (`question_id`, `graded_list`) for the paired
    test, and the generations file (no verdicts) is passed over with a note. Read together, the two graded
    files of one run make one benchmark; `runs.py` says which run counts when a folder holds several."""
    file = source.file
    run, scenario, samples, settings = lcb_run(file)
    name = options.benchmark or ("livecodebench" if scenario == "codegeneration" else f"livecodebench-{scenario}")
    if isinstance(data, list) and data and isinstance(data[0], dict) and "detail" in data[0]:
        return [_lcb_metrics(data[0], file, name, samples, run, settings, options.scales.get(name))]
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    if "question_id" in first and "graded_list" not in first:
        raise Ignored(
            f"{file}: LiveCodeBench generations without verdicts, not read (--evaluate writes "
            f"{PurePosixPath(run).name}_eval.json and _eval_all.json beside it: those are read)"
        )
    if not isinstance(data, list) or not data or "graded_list" not in first:
        raise problem(
            file,
            1,
            "not a LiveCodeBench file: expected *_eval_all.json (a list of problems with question_id and "
            "graded_list) or *_eval.json (a list starting with the metrics and their per-problem detail)",
            'point the glob at one of them; a results file of this project is an object, {"aime25": 74.4}',
        )
    scores: dict[str, float] = {}
    most = 0
    for index, entry in enumerate(data):
        line = source.value_at((index,)).line
        graded = entry.get("graded_list") if isinstance(entry, dict) else None
        ident = entry.get("question_id") if isinstance(entry, dict) else None
        if not isinstance(graded, list) or not graded or ident is None:
            raise problem(file, line, "LiveCodeBench problem without question_id or graded_list", "each needs both")
        if str(ident) in scores:
            raise problem(file, line, f"LiveCodeBench problem '{ident}' appears twice")
        most = max(most, len(graded))
        scores[str(ident)] = sum(1 for g in graded if g is True or g == 1) / len(graded)
    scale = options.scales.get(name, PERCENT)
    parsed = items_result(name, scores, most, stamp=run, scale=scale)
    return [replace(parsed, settings=settings, factor=scale, read_as=_LCB_READ_AS)]


_LCB_READ_AS = "LiveCodeBench: pass@1, written 0-1"


def _lcb_metrics(
    metrics: dict[str, Any],
    file: str,
    name: str,
    samples: int | None,
    run: str,
    settings: dict[str, Any],
    configured: float | None,
) -> Parsed:
    """`compute_metrics_from_results`: pass@k as fractions; `detail.pass@1` per problem, keyed by the problem's
    position in the run. The aggregate: with the run's `*_eval_all.json` beside it, its verdicts (keyed by
    problem) replace these; alone, these are the per-problem data (c / n each, n from the file name)."""
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
    scale = PERCENT if configured is None else configured
    parsed = items_result(name, scores, samples or 0, stamp=run, scale=scale)
    return replace(
        parsed,
        score=rounded(overall, scale),  # pass@1 as compute_metrics_from_results writes it: a fraction
        settings=settings,
        read_as=_LCB_READ_AS,
        samples=samples,
        aggregate=True,
    )

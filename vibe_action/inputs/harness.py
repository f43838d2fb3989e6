"""Aggregate results of evaluation harnesses: lm-evaluation-harness `results_*.json` (0.3 and 0.4.x), evalchemy's
(lm-eval's layout, its own entries: `accuracy_avg`, `accuracy_std_err`, `num_total`, `num_repeat`), and
lighteval's results (keys `suite|task|fewshot` and, since 0.12, `task|fewshot`).

Besides the score, what makes two runs comparable is kept as settings: few-shot count, `limit`, the task's
version and hash, generation settings. A run with another value is not compared item by item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from vibe_action.inputs.formats import (
    Parsed,
    ReadOptions,
    number,
    pick_metric,
    problem,
    rounded,
    settings_in,
    stamp_of,
    stderr_of,
)
from vibe_action.inputs.scales import EVALCHEMY, LIGHTEVAL, LM_EVAL, scale_of, unknown_scale_note
from vibe_action.inputs.sourcemap import SourceMap


def read_lm_eval(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    file = source.file
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise problem(
            file,
            1,
            "not an lm-evaluation-harness results file: no 'results' object",
            "point the glob at results_*.json, or set format:",
        )
    parsed = []
    for task, metrics in results.items():
        if not isinstance(metrics, dict):
            continue
        name, wanted = options.tasks.get(task, (task, options.metric))
        line = source.key_at(("results", task)).line
        evalchemy = is_evalchemy(metrics)
        if evalchemy and wanted is None and "accuracy_avg" in metrics:
            wanted = "accuracy_avg"  # the headline; LiveCodeBench's entry adds accuracy_<difficulty>_avg
        key = pick_metric(
            evalchemy_measures(metrics) if evalchemy else metrics,
            wanted,
            options.is_gated(name),
            (file, line),
            task,
            _line_in(source, task),
        )
        if key is None:
            continue
        if evalchemy:
            measured = _evalchemy(metrics, key, name, options, file)
        else:
            measured = _measured(metrics, key, name, options, file, (LM_EVAL, task))
        parsed.append(
            replace(
                measured,
                line=line,
                n=measured.n or _count(data, task),
                settings=_lm_eval_settings(data, task),
                direction=_direction(data, task, key),
                stamp=stamp_of(file),
                run_time=number(data.get("date")),
                model=lm_eval_model(data),
            )
        )
    return parsed


def lm_eval_model(data: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The evaluated model: lm-eval 0.4's `model_name`, else `pretrained=` in `config.model_args` (a string
    `pretrained=org/name,revision=…` or, from the Python API, a dict); the revision from `model_args`."""
    args = _table(data, "config").get("model_args")
    if isinstance(args, str):
        pairs = dict(part.split("=", 1) for part in args.split(",") if "=" in part)
    else:
        pairs = {str(k): v for k, v in args.items()} if isinstance(args, dict) else {}
    name = data.get("model_name") or pairs.get("pretrained") or pairs.get("model")
    if not isinstance(name, str) or not name.strip():
        return None
    revision = pairs.get("revision")
    return name.strip(), str(revision) if isinstance(revision, (str, int)) and str(revision) else None


def _line_in(source: SourceMap, task_key: str) -> Callable[[str], int]:
    """The line of one metric's value in `results.<task_key>`: where a non-finite gated metric is refused."""
    return lambda metric: source.value_at(("results", task_key, metric)).line


def _measured(
    metrics: Mapping[str, Any],
    key: str,
    name: str,
    options: ReadOptions,
    file: str,
    convention: tuple[str, str],
    stderr: float | None = None,
) -> Parsed:
    """The chosen metric and its stderr on one scale, chosen by the harness's convention (`scales.py`): a
    proportion and its stderr both become 0-100, anything else stays as written; a gated metric of unknown
    scale gets a note."""
    value = number(metrics[key])
    assert value is not None  # noqa: S101 — pick_metric returns numeric keys only
    harness, task = convention
    scale = scale_of(key, options.scales.get(name), harness, task)
    stderr = stderr_of(metrics, key) if stderr is None else stderr
    factor = scale.factor if scale else 1.0
    unknown = scale is None and options.is_gated(name)
    notes = (unknown_scale_note(name, key, value, file),) if unknown else ()
    return Parsed(
        name,
        rounded(value, factor),
        stderr=None if stderr is None else rounded(stderr, factor),
        unit=scale.unit if scale else None,
        notes=notes,
        factor=scale.factor if scale else None,
        read_as=scale.why if scale else "",
    )


# What evalchemy writes beside its measures (eval/chat_benchmarks/*/eval_instruct.py): counts, each repeat's
# own numbers, and every generation.
EVALCHEMY_MARKS = frozenset({"accuracy_avg", "num_repeat", "run_stats", "examples", "solved_avg"})
EVALCHEMY_LABELS = frozenset({"num_total", "num_repeat", "solved_avg", "run_stats", "examples", "total_examples"})


def is_evalchemy(metrics: Mapping[str, Any]) -> bool:
    """An evalchemy benchmark's entry (its instruct benchmarks); its pretrain tasks are lm-eval's own."""
    return not any("," in key for key in metrics) and bool(EVALCHEMY_MARKS & metrics.keys())


def evalchemy_measures(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The entry without its counts and standard errors: `accuracy_avg` alone, for most benchmarks."""
    return {
        key: value
        for key, value in metrics.items()
        if key not in EVALCHEMY_LABELS and not key.endswith("_std_err") and not key.startswith(("num_", "count_"))
    }


def _evalchemy(metrics: Mapping[str, Any], key: str, name: str, options: ReadOptions, file: str) -> Parsed:
    """evalchemy: `num_total` problems, each answered `num_repeat` times; `accuracy_std_err` is the spread of
    the repeats' accuracies over √repeats — a re-run standard error, kept as one (`stderr_kind`), not the
    across-problem standard error lm-eval writes. With one repeat it is 0 and means nothing: no error bars."""
    total, repeats = _positive(metrics.get("num_total")), _positive(metrics.get("num_repeat"))
    stderr = number(metrics.get(f"{key.removesuffix('_avg')}_std_err"))
    rerun = repeats is not None and repeats > 1 and stderr is not None
    measured = _measured(metrics, key, name, options, file, (EVALCHEMY, ""), stderr if rerun else None)
    if not rerun:
        measured = replace(measured, stderr=None)
    return replace(measured, n=total, samples=repeats, stderr_kind="rerun" if rerun else None)


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is an object, else {} (a harness version that does not write it)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _count(data: Mapping[str, Any], task: str) -> int | None:
    counts = _table(data, "n-samples").get(task)
    if not isinstance(counts, dict):
        return None
    n = counts.get("effective", counts.get("original"))
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None


def _lm_eval_settings(data: Mapping[str, Any], task: str) -> dict[str, Any]:
    """Generation settings, few-shot count, limit, task version and hash: what two runs must share."""
    task_config = _table(_table(data, "configs"), task)
    run_config = _table(data, "config")
    found = settings_in(run_config) | settings_in(task_config)
    n_shot = _table(data, "n-shot").get(task)
    if n_shot is None:
        n_shot = task_config.get("num_fewshot", run_config.get("num_fewshot"))
    if isinstance(n_shot, int) and not isinstance(n_shot, bool):
        found["n_shot"] = n_shot
    if "limit" in run_config:
        limit = run_config["limit"]
        found["limit"] = "none" if limit is None else limit
    version = _table(data, "versions").get(task)
    if isinstance(version, (int, float, str)) and not isinstance(version, bool):
        found["task_version"] = version
    task_hash = _table(data, "task_hashes").get(task)
    if isinstance(task_hash, str):
        found["task_hash"] = task_hash
    return found


def _direction(data: Mapping[str, Any], task: str, key: str) -> str | None:
    value = _table(_table(data, "higher_is_better"), task).get(key.split(",", 1)[0])
    return None if not isinstance(value, bool) else ("higher" if value else "lower")


# lighteval's task suites, for keys written with ':' for '|' (`lighteval:math_500:0`, as scripts that read
# lighteval's results through the Hub's dataset configs name them).
LIGHTEVAL_SUITES = frozenset({"lighteval", "custom", "extended", "community", "leaderboard", "helm", "original"})


def lighteval_task(key: str) -> str | None:
    """`lighteval|gsm8k|0` (and `…|0|0`) and, since lighteval 0.12, `gsm8k|0` → `gsm8k`; `all` → None. A key
    with ':' for '|' (`lighteval:gpqa:diamond:0`) is read the same way when it starts with a suite."""
    if key == "all":
        return None
    colons = key.split(":")
    if "|" not in key and len(colons) >= 3 and colons[0] in LIGHTEVAL_SUITES and colons[-1].isdigit():
        return ":".join(colons[1:-1])
    parts = key.split("|")
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0]
    if len(parts) >= 3:
        return parts[1]
    return key


def read_lighteval(data: Any, source: SourceMap, options: ReadOptions) -> list[Parsed]:
    file = source.file
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise problem(file, 1, "not a lighteval results file: no 'results' object")
    settings = settings_in(data.get("config_general"))
    versions = _table(data, "versions")
    parsed = []
    for key, metrics in results.items():
        task = lighteval_task(key)
        if task is None or not isinstance(metrics, dict):
            continue
        name, wanted = options.tasks.get(task, (task, options.metric))
        line = source.key_at(("results", key)).line
        metric = pick_metric(
            metrics,
            wanted,
            options.is_gated(name),
            (file, line),
            task,
            _line_in(source, key),
        )
        if metric is None:
            continue
        measured = _measured(metrics, metric, name, options, file, (LIGHTEVAL, task))
        shots = key.split("|")[-1] if key.count("|") in (1, 2) else key.split("|")[2] if "|" in key else ""
        extra = {"n_shot": int(shots)} if shots.isdigit() else {}
        if isinstance(versions.get(key), (int, str)) and not isinstance(versions.get(key), bool):
            extra["task_version"] = versions[key]
        general = _table(data, "config_general")
        model = general.get("model_name")
        sha = general.get("model_sha")
        named = (model, sha if isinstance(sha, str) and sha else None) if isinstance(model, str) and model else None
        parsed.append(replace(measured, line=line, settings={**settings, **extra}, stamp=stamp_of(file), model=named))
    return parsed

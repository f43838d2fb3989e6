"""This project's own results files: native (`{"model": {...}, "benchmarks": {"aime25": {"score": 74.4}}}`)
and flat (`{"aime25": 74.4}`, what existing deploy scripts read with `jq '.aime25'`).

Per-item `items` (an id -> a fraction correct, or a list of 0/1 per sample) are checked in one pass rather
than sample by sample by the schema validator, and their sample lists are held as two numbers each.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.benchmarks import Benchmark, Model, Results
from vibe_action.inputs.formats import Item
from vibe_action.inputs.sourcemap import SampleFlags, SourceMap
from vibe_action.inputs.validation import load_schema, validate

MAX_ITEM_PROBLEMS = 20  # enough to show the pattern of a broken file
NATIVE_POSITION_DEPTH = 4  # benchmarks.<name>.items.<id>: where any error in a native file can point
FORMAT_HINT = 'a results file is {"benchmarks": {"aime25": {"score": 74.4}}} or flat {"aime25": 74.4}'


def _native_items(entry: Mapping[str, Any]) -> Item | None:
    """`items` of the native format: id -> fraction correct, or id -> list of 0/1 per sample."""
    raw = entry.get("items")
    if not raw:
        return None
    scores: dict[str, float] = {}
    samples = int(entry.get("samples_per_problem") or 1)
    lists = False
    for ident, value in raw.items():
        if isinstance(value, SampleFlags):
            lists = True
            samples = max(samples, value.total)
            scores[str(ident)] = value.correct / value.total
        elif isinstance(value, list):
            lists = True
            samples = max(samples, len(value))
            scores[str(ident)] = sum(value) / len(value)  # validated: 0/1 or booleans
        else:
            scores[str(ident)] = float(value)
    continuous = not lists and samples <= 1 and any(v not in (0.0, 1.0) for v in scores.values())
    return Item(scores, samples, continuous)


def _split_items(data: dict[str, Any], source: SourceMap) -> tuple[dict[str, Any], list[Problem]]:
    """(the document with each non-empty `items` object replaced by a one-item stand-in, the problems of
    the items themselves). The schema validator would check 64,000 samples one by one; this does it in one
    pass, with the same rules (a fraction in [0, 1], or a non-empty list of 0/1 per sample)."""
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, dict):
        return data, []
    problems: list[Problem] = []
    shallow_benchmarks: dict[str, Any] = {}
    for name, entry in benchmarks.items():
        items = entry.get("items") if isinstance(entry, dict) else None
        if not isinstance(items, dict) or not items:
            shallow_benchmarks[name] = entry
            continue
        shallow_benchmarks[name] = {**entry, "items": {"_": 0}}
        for ident, value in items.items():
            if not _valid_item(value):
                problems.append(
                    source.problem(
                        ("benchmarks", name, "items", ident),
                        "must be a fraction correct in [0, 1] or a non-empty list of 0/1 per sample",
                    )
                )
                if len(problems) >= MAX_ITEM_PROBLEMS:
                    return {**data, "benchmarks": shallow_benchmarks}, problems
    return {**data, "benchmarks": shallow_benchmarks}, problems


def _valid_item(value: Any) -> bool:
    if isinstance(value, SampleFlags):
        return True  # only well-formed 0/1 lists become SampleFlags
    if isinstance(value, list):  # set() and map() run in C: True == 1 and False == 0 for the value check
        return bool(value) and set(map(type, value)) <= {int, bool} and set(value) <= {0, 1}
    return type(value) in (int, float) and 0 <= value <= 1


def _holds_structure(data: Any) -> bool:
    """A would-be flat file with objects or lists at its top: another format, not a typo in a score."""
    return not isinstance(data, dict) or any(isinstance(v, (dict, list)) for v in data.values())


class UnplacedError(InputError):
    """A would-be flat file that is another format by its structure: `closest` names it (None: none fits)."""

    def __init__(self, problem: Problem, closest: str | None) -> None:
        super().__init__([problem])
        self.closest = closest


def unplaced(data: Any, file: str) -> UnplacedError:
    """One error for a file that fits no format of this project's, naming the closest harness format (which
    the caller reads it as, when its structure is unmistakable) and how to say so — not a schema error for each
    of its keys."""
    keys = set(data) if isinstance(data, dict) else set()
    closest: str | None = None
    if "config_general" in keys and isinstance(data.get("results"), dict):
        described, closest = "lighteval (it has lighteval's 'config_general' and 'results')", "lighteval"
    elif "results" in keys and isinstance(data.get("results"), dict):
        described = "lm-eval (a 'results' object of tasks, as lm-evaluation-harness and evalchemy write)"
        closest = "lm-eval"
    elif isinstance(data, list):
        described, closest = "livecodebench (a list, as LiveCodeBench writes)", "livecodebench"
    elif keys and all(isinstance(v, dict) for v in data.values()):
        described = 'native ({"benchmarks": {"<name>": {"score": …}}})'
    else:
        described = 'flat ({"<benchmark>": <score>, …})'
    name = closest or ("native" if "native" in described else "flat")
    problem = Problem(
        file,
        1,
        1,
        f"cannot tell which format this file is in: it holds no score where this project's formats keep one; "
        f"the closest supported format is {described}",
        hint=f"name it with format: {name} under this results entry in deploy.yaml, or narrow the glob to the "
        'summary files (docs/configuration.md, "Results files")',
    )
    return UnplacedError(problem, closest)


def parse_results(data: Any, source: SourceMap, digest: str = "") -> Results:
    """Validate one parsed file against the shipped schema and convert it."""
    schema = load_schema("results")
    native = isinstance(data, dict) and "benchmarks" in data
    definition = "native" if native else "flat"
    shallow, item_problems = _split_items(data, source) if native else (data, [])
    problems = validate(shallow, {**schema, "$ref": f"#/$defs/{definition}"}, source) + item_problems
    if problems and not native and _holds_structure(data):
        raise unplaced(data, source.file)
    if problems:
        if not native:
            problems = [
                Problem(p.file, p.line, p.column, p.message, p.json_path, p.hint or FORMAT_HINT) for p in problems
            ]
        raise InputError(problems)
    file = source.file
    benchmarks: dict[str, Benchmark] = {}
    model = None
    if native:
        if "model" in data:
            model = Model(data["model"]["name"], data["model"].get("revision"))
        for name, entry in data["benchmarks"].items():
            items = _native_items(entry)
            score = entry.get("score")
            if score is None and items is not None:
                score = sum(items.scores.values()) / len(items.scores) * 100.0
            benchmarks[name] = Benchmark(
                name=name,
                score=float(score),
                n=entry.get("n") or (len(items.scores) if items else None),
                samples_per_problem=entry.get("samples_per_problem") or (items.samples if items else None),
                stderr=entry.get("stderr"),
                file=file,
                line=source.key_at(("benchmarks", name)).line,
                items=items,
                settings=MappingProxyType(dict(entry.get("settings") or {})),
            )
    else:
        for name, score in data.items():
            benchmarks[name] = Benchmark(name, float(score), file=file, line=source.key_at((name,)).line)
    return Results(MappingProxyType(benchmarks), (file,), model, digest)

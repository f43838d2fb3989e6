"""Summary tables: OpenCompass's summary CSV (`dataset,version,metric,mode,<model>…`, percentages) and the
summary CSV of VibeThinker's evaluation scripts (`model_path,dataset,pass@1,pass@64,cons@64,…`, 0-1).

A table is unambiguous when each gated dataset has one row (or `metric:` picks one) and one model column (or
`model:` names it). A VibeThinker summary gains a row per run: the last row of a dataset counts, and the
earlier ones are named in a note.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePosixPath

from vibe_action.inputs.formats import Parsed, ReadOptions, problem
from vibe_action.inputs.scales import PERCENT, PERCENT_UNIT, scale_of, unit_of

OPENCOMPASS_HEADER = ["dataset", "version", "metric", "mode"]


def read_table(text: str, file: str, options: ReadOptions) -> list[Parsed]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise problem(file, 1, f"not valid CSV: {exc}", "save it as comma-separated text") from None
    header = [cell.strip() for cell in rows[0]] if rows else []
    if "dataset" in header and "pass@1" in header:
        return _vibethinker(rows, header, file, options)
    return _opencompass(rows, header, file, options)


def _vibethinker(rows: list[list[str]], header: list[str], file: str, options: ReadOptions) -> list[Parsed]:
    dataset_at, score_at = header.index("dataset"), header.index("pass@1")
    latest: dict[str, tuple[int, float]] = {}
    earlier: dict[str, list[int]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * len(header)
        dataset = PurePosixPath(cells[dataset_at]).stem
        try:
            score = float(cells[score_at])
        except ValueError:
            raise problem(file, line, f"{dataset or 'row'}: pass@1 '{cells[score_at]}' is not a number") from None
        if dataset in latest:
            earlier.setdefault(dataset, []).append(latest[dataset][0])
        latest[dataset] = (line, score)
    parsed = []
    for dataset, (line, score) in latest.items():
        name, _ = options.tasks.get(dataset, (options.benchmark or dataset, None))
        notes: tuple[str, ...] = ()
        if dataset in earlier:
            lines = ", ".join(str(n) for n in earlier[dataset])
            notes = (f"{file}: {dataset} has several rows; line {line} (the last) counts, not lines {lines}",)
        scale = scale_of("pass@1", options.scales.get(name))  # a fraction of problems solved: 0-100
        factor = scale.factor if scale else 1.0
        parsed.append(
            Parsed(
                name,
                score * factor,
                line,
                notes=notes,
                unit=scale.unit if scale else None,
                factor=factor,
                read_as="VibeThinker summary: pass@1, written 0-1",
            )
        )
    return parsed


def _opencompass(rows: list[list[str]], header: list[str], file: str, options: ReadOptions) -> list[Parsed]:
    if header[:4] != OPENCOMPASS_HEADER or len(header) < 5:
        raise problem(file, 1, "not an OpenCompass summary: the header must be dataset,version,metric,mode,<model>")
    models = header[4:]
    if options.model is not None:
        if options.model not in models:
            raise problem(file, 1, f"no model column '{options.model}'", "it has: " + ", ".join(models))
        column = 4 + models.index(options.model)
    elif len(models) == 1:
        column = 4
    else:
        raise problem(
            file,
            1,
            f"the summary has several model columns ({', '.join(models)})",
            f"name one: model: {models[-1]} under this results entry in deploy.yaml",
        )
    found: dict[str, list[tuple[int, str, str, str]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + [""] * len(header)
        if not cells[0] or (options.metric and cells[2] != options.metric):
            continue
        found.setdefault(cells[0], []).append((line, cells[2], cells[column], cells[1]))
    parsed = []
    for dataset, entries in found.items():
        name, _ = options.tasks.get(dataset, (dataset, None))
        if len(entries) > 1:
            if not options.is_gated(name):
                continue
            metrics = ", ".join(metric for _, metric, _, _ in entries)
            raise problem(
                file,
                entries[0][0],
                f"{dataset} has several metric rows ({metrics})",
                f"name one: metric: {entries[0][1]} under this results entry in deploy.yaml",
            )
        line, _metric, value, version = entries[0]
        if value in ("-", ""):
            continue  # OpenCompass writes '-' for a dataset that did not run
        try:
            score = float(value)
        except ValueError:
            raise problem(file, line, f"{dataset}: '{value}' is not a number") from None
        configured = options.scales.get(name)  # OpenCompass's summary writes percentages already
        unit = unit_of(configured) if configured is not None else PERCENT_UNIT
        score *= configured if configured == PERCENT else 1.0
        settings = {"task_version": version} if version else {}
        parsed.append(
            Parsed(
                name,
                score,
                line,
                settings=settings,
                unit=unit,
                factor=configured or 1.0,
                read_as="OpenCompass summary: written 0-100",
            )
        )
    return parsed

"""`vibe-gate diff A [B]`: what changed, problem by problem, between two snapshots, or between the live version
and a results folder (issue 32). A side is a version (`v3`), a commit (7+ characters of a deployed sha), `live`
or `previous` (as `rollback` reads them), or a folder of results files read as `run` reads them. With one side,
the live version is compared with it.

Snapshots keep each benchmark's per-item counts and, since issue 32, its item ids; a snapshot made before kept
only a hash of the ids — they are then read from the results files at its commit where the repository has them
(and hash alike), else named by the other side's ids when both ran the same items, else by their position,
which the answer says.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vibe_action.app.operations import Answer, Desk, config_or_none
from vibe_action.app.rollback import live_snapshot, rollback_target
from vibe_action.decide.movers import ProblemDiff, Side, diff_sides
from vibe_action.decide.policy import environment_for
from vibe_action.errors import InputError
from vibe_action.inputs.benchmarks import Source
from vibe_action.inputs.gitinfo import files_at
from vibe_action.inputs.results import load_results
from vibe_action.ledger.records import ALL_SNAPSHOTS
from vibe_action.render.report import problem_lines, problem_markdown

RESULT_PATTERNS = ("**/*.json", "**/*.jsonl", "**/*.csv")
TERMINAL_MOVERS = 20


@dataclass(frozen=True)
class Run:
    """One side: its name in messages and its per-item results per benchmark."""

    label: str
    sides: Mapping[str, Side]


def diff(desk: Desk, first: str, second: str | None) -> Answer:
    """The per-problem view between `first` and `second` (or between the live version and `first`)."""
    before_name, after_name = ("live", first) if second is None else (first, second)
    before, after = _run(desk, before_name), _run(desk, after_name)
    diffs: list[ProblemDiff] = []
    notes: list[str] = []
    for name in sorted(set(before.sides) & set(after.sides)):
        found, note = diff_sides(name, before.sides[name], after.sides[name])
        notes += [note] if note else []
        if found is not None:
            diffs.append(found)
    lonely = sorted(set(before.sides) ^ set(after.sides))
    if lonely:
        notes.append(f"per-item data on one side only: {', '.join(lonely)}")
    head = f"{before.label} → {after.label}"
    if not diffs:
        text = f"{head}: no benchmark has per-item data on both sides" + "".join(f"\n  ! {n}" for n in notes)
        return Answer("diff", text, "nothing to compare problem by problem", data=_data(head, diffs, notes))
    lines = [head, *problem_lines(diffs, shown=TERMINAL_MOVERS)[1:], *(f"  ! {n}" for n in notes)]
    markdown = "\n".join([f"**{head}**", *problem_markdown(diffs)[3:], *(f"\n> {n}" for n in notes)])
    reason = "; ".join(d.headline() for d in diffs)
    return Answer("diff", "\n".join(lines), reason, markdown + "\n", data=_data(head, diffs, notes), heading="diff")


def _data(head: str, diffs: Sequence[ProblemDiff], notes: Sequence[str]) -> dict[str, object]:
    return {"compared": head, "problems": [d.to_json() for d in diffs], "notes": list(notes)}


def _run(desk: Desk, name: str) -> Run:
    """A side by name: a folder of results files, else a snapshot of the ledger."""
    folder = desk.workspace / name
    if name not in ("live", "previous") and folder.exists():
        return _folder(desk, folder, name)
    config = config_or_none(desk)
    environment = environment_for(config, override=desk.environment)
    records = desk.ledger.records(environment, None, live=ALL_SNAPSHOTS)
    if name == "live":
        current = live_snapshot(records, environment)
        if current is None:
            raise InputError(f"there is no live version in the {environment} ledger to compare with")
        record = current
    else:
        record, _ = rollback_target(records, environment, name)
    sides = {
        bench: Side.of_digest(deployed.digest)
        for bench, deployed in record.extra.benchmarks.items()
        if deployed.digest is not None
    }
    if any(side.ids is None for side in sides.values()):  # a snapshot from before ids were kept
        sides = {**sides, **_ids_from_commit(desk, record.sha, sides)}
    return Run(f"{name} ({record.sha[:7]})" if name != record.sha[:7] else name, sides)


def _ids_from_commit(desk: Desk, sha: str, sides: Mapping[str, Side]) -> dict[str, Side]:
    """The item ids of a snapshot that kept only their hash, from the results files at its commit, where the
    repository has them and they are the same items (their ids hash alike)."""
    config = config_or_none(desk)
    if config is None:
        return {}
    with tempfile.TemporaryDirectory() as folder:
        if not files_at(desk.workspace, sha, [s.path for s in config.results], Path(folder)):
            return {}
        try:
            loaded = load_results(list(config.results), Path(folder), "", config.tasks, config.gated, config.scales)
        except InputError:
            return {}
    found = {}
    for name, side in sides.items():
        bench = loaded.benchmarks.get(name)
        if side.ids is None and bench is not None and bench.items is not None:
            then = Side.of_items(bench.items)
            if then.ids_hash == side.ids_hash:
                found[name] = replace(side, ids=then.ids)
    return found


def _folder(desk: Desk, folder: Path, shown: str) -> Run:
    """Every results file under the folder, read as `run` reads them (the config's task mapping and scales)."""
    root = desk.workspace.resolve()
    resolved = folder.resolve()
    if not resolved.is_relative_to(root):
        raise InputError(f"{shown} is outside the repository; compare a results folder inside it")
    config = config_or_none(desk)
    rel = resolved.relative_to(root).as_posix()
    sources = [Source(f"{rel}/{pattern}" if rel != "." else pattern) for pattern in RESULT_PATTERNS]
    loaded = load_results(
        sources,
        root,
        f"the folder {shown}",
        config.tasks if config else None,
        config.gated if config else None,
        config.scales if config else None,
    )
    sides = {name: Side.of_items(b.items) for name, b in loaded.benchmarks.items() if b.items is not None}
    return Run(shown, sides)

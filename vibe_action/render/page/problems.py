"""The versions page's per-problem view (issue 32): what each version gained and lost against the version before
it, and the problems no version has solved yet — for a student picking a stable version and a contributor
looking for weak spots.

From the snapshots alone: each keeps its per-item counts and (since issue 32) its item ids (`decide.movers.Side`).
A version whose snapshot kept no ids is paired with its neighbour by the ids' hash, named by the neighbour's ids
when it kept them, and the page says when neither did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from vibe_action.decide.movers import ProblemDiff, Side, diff_sides
from vibe_action.ledger.records import Record
from vibe_action.ledger.versions import History, Version

LISTED = 40  # problems listed per benchmark on a version's page before the rest are counted
BEYOND = " <strong>beyond noise</strong>"


@dataclass(frozen=True)
class Changes:
    """What one version gained and lost against the version before it."""

    previous: str  # the version compared with (`v2`)
    diffs: tuple[ProblemDiff, ...]
    notes: tuple[str, ...]

    def summary(self) -> str:
        """`+7 / -2` over every benchmark with per-item data; '' when none."""
        if not self.diffs:
            return ""
        return f"+{sum(d.up for d in self.diffs)} / -{sum(d.down for d in self.diffs)}"


def sides_of(record: Record) -> dict[str, Side]:
    return {name: Side.of_digest(d.digest) for name, d in record.extra.benchmarks.items() if d.digest is not None}


def changes_of(history: History, version: Version) -> Changes | None:
    """The version's moves against the version before it (its `previous`), or None when there is none."""
    previous = history.find(version.previous) if version.previous is not None else None
    if previous is None:
        return None
    before, after = sides_of(previous.record), sides_of(version.record)
    diffs, notes = [], []
    for name in sorted(set(before) & set(after)):
        found, note = diff_sides(name, before[name], after[name])
        notes += [note] if note else []
        if found is not None:
            diffs.append(found)
    return Changes(previous.name, tuple(diffs), tuple(notes))


def changes_html(changes: Changes | None) -> str:
    """The version page's section: per benchmark, the counts, what a move means, and the problems."""
    if changes is None or (not changes.diffs and not changes.notes):
        return ""
    out = [f"<h2 id='problems'>What it gained and lost against {escape(changes.previous)}</h2>"]
    for diff in changes.diffs:
        out.append(
            f"<h3>{escape(diff.benchmark)}: {diff.up} up, {diff.down} down of {diff.problems} problems</h3>"
            f"<p class='muted'>{escape(diff.meaning())}</p>"
        )
        if diff.moves:
            items = "".join(
                f"<li class='{'up' if m.up else 'down'}'>{'↑' if m.up else '↓'} "
                f"{escape(m.shown(diff.k_before, diff.k_after))}{BEYOND if m.beyond_noise else ''}</li>"
                for m in diff.moves[:LISTED]
            )
            more = f"<li>… {len(diff.moves) - LISTED} more</li>" if len(diff.moves) > LISTED else ""
            out.append(f"<ul class='moves'>{items}{more}</ul>")
    out += [f"<p class='note'>{escape(note)}</p>" for note in changes.notes]
    return "\n".join(out)


def unsolved(versions: Sequence[Version]) -> dict[str, list[str]]:
    """Per benchmark, the problems no version solved even once, among the versions that ran the same problems
    as the newest one and whose ids are known (from any of them)."""
    found: dict[str, list[str]] = {}
    if not versions:
        return found
    newest = sides_of(versions[-1].record)
    for name, side in sorted(newest.items()):
        same = [s for v in versions if (s := sides_of(v.record).get(name)) and s.ids_hash == side.ids_hash]
        ids = next((s.ids for s in same if s.ids), None)
        if ids is None or any(len(s.values) != len(ids) for s in same):
            continue
        never = [item for index, item in enumerate(ids) if all(s.values[index] == 0 for s in same)]
        found[name] = never
    return found


def unsolved_html(versions: Sequence[Version]) -> str:
    """The index page's section: per benchmark, the problems no version has solved yet."""
    found = unsolved(versions)
    if not found:
        return ""
    out = ["<h2 id='unsolved'>Problems no version has solved yet</h2><ul class='unsolved'>"]
    for name, items in found.items():
        listed = ", ".join(escape(i) for i in items[:LISTED]) + (
            f", … {len(items) - LISTED} more" if len(items) > LISTED else ""
        )
        out.append(
            f"<li><strong>{escape(name)}</strong>: {len(items)} "
            + (
                f"<details><summary>which</summary>{listed}</details>"
                if items
                else "— every problem solved at least once"
            )
            + "</li>"
        )
    out.append("</ul>")
    return "\n".join(out)

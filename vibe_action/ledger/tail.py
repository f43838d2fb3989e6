"""Read a ledger file from its end, only as far back as a decision needs.

A decision needs the environment's newest live snapshots (the baseline), this month's builds (the quota:
back to the newest record of the month that carries the count made before it, or to the previous month), and
any record of the commit being evaluated (never fire it twice) — not the whole history. Lines are read
newest first from a memory map; the evaluated commit's older lines are found by a byte search, in C. So the
cost stays flat as the ledger grows (docs/cli.md, "Performance").
"""

from __future__ import annotations

import mmap
from collections.abc import Callable
from dataclasses import dataclass, field

from vibe_action.ledger.records import LIVE_STATUSES, SPENT_STATUSES, Record

Parse = Callable[[bytes, int], Record]  # (line, its offset) -> record, or raise with the line's number


class OtherCommitError(ValueError):
    """A line gives a record's id to another commit: a later state would silently erase a deploy."""

    def __init__(self, offset: int, ident: str, first: str, other: str) -> None:
        super().__init__(f"record {ident} is of commit {first[:12]}, but this line gives it commit {other[:12]}")
        self.offset = offset


def same_commit(known: Record, record: Record, offset: int) -> None:
    if known.sha != record.sha:
        raise OtherCommitError(offset, record.id, known.sha, record.sha)


@dataclass
class Window:
    """What a backward read has found so far."""

    latest: dict[str, tuple[int, int, Record]] = field(default_factory=dict)  # id -> (start, newest, record)
    live: int = 0
    counted: bool = False
    # Records read in a final state whose in_progress line (their start) is not read yet: until it is, a
    # record that started later may still be behind them, and the order by start would be wrong.
    unstarted: set[str] = field(default_factory=set)


def read_back(
    data: mmap.mmap | bytes, end: int, parse: Parse, *, environment: str, sha: str | None, live: int, month: str
) -> list[Record]:
    """The records a decision needs, oldest first, each in its newest state. `end` excludes a torn tail."""
    window = Window()
    pos = end
    while pos > 0:
        start = data.rfind(b"\n", 0, pos - 1) + 1
        raw = bytes(data[start : pos - 1 if data[pos - 1 : pos] == b"\n" else pos])
        pos = start
        if raw.strip():
            _take(window, parse(raw, start), start, environment, month)
            if window.live >= live and window.counted and not window.unstarted:
                break
    if sha:
        _take_commit(data, pos, parse, sha, window)
    ordered = sorted(window.latest.values(), key=lambda entry: (entry[0], entry[1]))
    return [record for _, _, record in ordered]


def _take(window: Window, record: Record, offset: int, environment: str, month: str) -> None:
    key = record.id or f"offset-{offset}"
    known = window.latest.get(key)
    if known is not None:  # an older state of a record already read: it only tells where the record began
        same_commit(known[2], record, offset)
        if record.status == "in_progress":
            window.latest[key] = (offset, known[1], known[2])
            window.unstarted.discard(key)
        return
    # Newest state first. A record whose start lies before the window sorts before everything in it.
    window.latest[key] = (offset if record.status == "in_progress" else -1, offset, record)
    if record.status != "in_progress":
        window.unstarted.add(key)
    if record.status in LIVE_STATUSES and record.environment == environment:
        window.live += 1
    if record.month < month:
        window.counted = True  # the previous month: this month's count is complete
    trusted = record.status in SPENT_STATUSES or record.status == "failure"
    if record.month == month and trusted and record.extra.month_spent_before is not None:
        window.counted = True


def _take_commit(data: mmap.mmap | bytes, before: int, parse: Parse, sha: str, window: Window) -> None:
    """Older lines of the commit (a full sha, or a prefix from `rollback --to`), found by a byte search in the
    part not read; a line is taken when its record's sha really starts with it."""
    needle = b'"' + sha.encode()
    found = data.rfind(needle, 0, before)
    while found >= 0:
        start = data.rfind(b"\n", 0, found) + 1
        stop = data.find(b"\n", found)
        record = parse(bytes(data[start : stop if stop >= 0 else before]), start)
        key = record.id or f"offset-{start}"
        if key in window.latest:
            same_commit(window.latest[key][2], record, start)
        elif record.sha.startswith(sha):
            window.latest[key] = (-1, start, record)
        found = data.rfind(needle, 0, start)

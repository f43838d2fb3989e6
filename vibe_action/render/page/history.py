"""`vibe-gate history` (text and markdown) and the job summary's chart: the ledger as the versions page sees it.

Every row shows the same version number, status and URL (with its expiry) as the page, because all of them
come from one `History` (ledger/versions.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from vibe_action.ledger.locks import UNLOCK
from vibe_action.ledger.records import Record
from vibe_action.ledger.versions import DEFAULT_LINKS, History, Link, Links, Version, build_history, stored_number
from vibe_action.render.escape import markdown, markdown_url
from vibe_action.render.page.chart import Point, fmt, mermaid_chart, mermaid_label
from vibe_action.render.page.site import safe_url


@dataclass(frozen=True)
class Row:
    record: Record
    name: str  # v12, or — for attempts and events
    label: str  # live | superseded | rolled back to | failed | … | rollback → v3 | cancelled
    link: Link | None


def rows(records: Sequence[Record], histories: Sequence[History]) -> list[Row]:
    """Every record newest first, each described by its environment's history."""
    by_id = {id(v.record): v for h in histories for v in h.versions}
    found: list[Row] = []
    for record in reversed(records):
        version: Version | None = by_id.get(id(record))
        if version is not None:
            label = version.status + (" (rolled back to)" if version.live_via_rollback else "")
            found.append(Row(record, version.name, label, version.link))
        elif record.decision == "rollback":
            number = record.extra.version_number
            to = f"v{number}" if number is not None else record.sha[:7]
            kind = "rebuilt" if record.extra.rebuilt else "restored"
            label = f"rollback → {to} ({kind})" if record.status == "success" else f"rollback → {to}: {record.status}"
            found.append(Row(record, "—", label, None))
        elif record.decision == UNLOCK:
            found.append(Row(record, "—", "production unlocked", None))
        else:
            found.append(Row(record, "—", record.status, None))
    return found


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def plain(text: str) -> str:
    """One line of text for a terminal: control characters and line separators (a hostile ledger's) shown
    as `?`, so a field can neither start a new line nor send an escape sequence."""
    return _CONTROL.sub("?", text)


def _score(record: Record, primary: str | None) -> str:
    """The primary's score; with no primary (no config), the first two scores."""
    if primary:
        value = record.scores.get(primary)
        return "—" if value is None else fmt(value)
    return ", ".join(f"{k} {fmt(v)}" for k, v in list(record.scores.items())[:2])


def _others(record: Record, primary: str | None) -> str:
    """Every score but the primary's (`--wide`)."""
    return ", ".join(f"{k} {fmt(v)}" for k, v in record.scores.items() if k != primary) or "—"


def _url(link: Link | None, record: Record) -> str:
    if link is None:
        return record.deploy_url or record.deploy_id or ""
    return f"{link.url} ({link.note})" if link.note else link.url


def history_text(found: Sequence[Row], primary: str | None, wide: bool) -> str:
    """The compact form fits 80 columns (URL on its own line); `wide` is one row per record with every column."""
    if not found:
        return "no snapshots recorded yet"
    return plain_lines(_history_lines(found, primary, wide))


def plain_lines(lines: list[str]) -> str:
    return "\n".join(plain(line) for line in lines)


def _aligned(table: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell (a header row first), trailing spaces dropped."""
    widths = [max(len(plain(r[i])) for r in table) for i in range(len(table[0]))]
    return ["  ".join(plain(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in table]


def _history_lines(found: Sequence[Row], primary: str | None, wide: bool) -> list[str]:
    score = primary or "scores"
    if not wide:
        table: list[tuple[str, ...]] = [("time (UTC)", "version", "sha", "status", score)]
        table += [
            (r.record.time[:16].replace("T", " "), r.name, r.record.sha[:7], r.label, _score(r.record, primary))
            for r in found
        ]
        lines = []
        for line, row in zip(_aligned(table), [None, *found], strict=True):
            lines.append(line)
            url = _url(row.link, row.record) if row is not None else ""
            if url:
                lines.append(f"  {url}")
        return lines
    table = [("time (UTC)", "version", "sha", "branch", "env", "status", score, "other scores", "URL")]
    for row in found:  # (the wide table's rows have its nine columns)
        record = row.record
        table.append(
            (
                record.time[:19].replace("T", " "),
                row.name,
                record.sha[:7],
                record.branch,
                record.environment,
                row.label,
                _score(record, primary),
                _others(record, primary) if primary else "—",
                _url(row.link, record) or "—",
            )
        )
    return _aligned(table)


def _md(text: str) -> str:
    return markdown(text)


def history_markdown(found: Sequence[Row], primary: str | None) -> str:
    """A markdown table for a job summary, an issue or a release note; URLs are links."""
    if not found:
        return "_No snapshots recorded yet._\n"
    head = primary or "scores"
    lines = [
        f"| version | date (UTC) | commit | branch | {_md(head)} | status | URL |",
        "|---|---|---|---|---:|---|---|",
    ]
    for row in found:
        record = row.record
        link = row.link
        url = ""
        if link is not None:
            kind = "lasting" if link.kind == "lasting" else "permalink"
            linkable = not link.expired and safe_url(link.url)
            shown = (
                f"[{kind}]({markdown_url(link.url)})"
                if linkable and markdown_url(link.url) == link.url
                else _md(link.url)
            )
            url = shown + (f" ({_md(link.note)})" if link.note else "")
        status = f"**{_md(row.label)}**" if row.label.startswith("live") else _md(row.label)
        lines.append(
            f"| {row.name} | {record.time[:16].replace('T', ' ')} | `{record.sha[:7]}` | {_md(record.branch)} | "
            f"{_md(_score(record, primary))} | {status} | {url} |"
        )
    return "\n".join(lines) + "\n"


def _chart_label(version: Version) -> str:
    """vN when the run stored it; else the short sha: the summary reads only the newest statuses, so a number
    counted from them would not be the version's real number."""
    return version.name if stored_number(version.record) is not None else version.record.sha[:7]


def summary_chart(history: History, primary: str, candidate: float | None, floor: float | None, last: int = 10) -> str:
    """The job summary's section: the primary score over the last versions, the candidate as the last point,
    as a Mermaid chart and as the same numbers in a table."""
    points = [
        Point(_chart_label(v), v.record.scores[primary], v.live)
        for v in history.numbered()
        if primary in v.record.scores
    ]
    points = points[-last:]
    if candidate is not None:
        points.append(Point("candidate", candidate))
    if not points:
        return ""
    name = mermaid_label(primary)
    table = [f"| version | {name} |", "|---|---:|"] + [
        f"| {p.label}{' (live)' if p.live else ''} | {fmt(p.value)} |" for p in points
    ]
    return f"\n#### {name} by version\n\n{mermaid_chart(primary, points, floor)}\n\n" + "\n".join(table) + "\n"


def histories(records: Sequence[Record], now: datetime, links: Links = DEFAULT_LINKS) -> list[History]:
    """One history per environment the records mention, in first-seen order."""
    environments = list(dict.fromkeys(r.environment for r in records))
    return [build_history(records, env, now, links) for env in environments]

"""The versions page: a static site built from the ledger's history (`vibe-gate page --out DIR`).

`index.html` lists every version newest first (the live one marked), a chart per benchmark and the recent
events; `vN.html` shows the decision that shipped a version. Pure: it returns {file name: HTML}; the command
writes the files. Everything is self-contained (inline CSS, inline SVG) and a Content-Security-Policy forbids
scripts and every request, so a page opened from disk or from the site works offline and without JavaScript.
Every value that came from a person or a file — branch, model, reasons, benchmark names, URLs — is escaped,
and only http(s) URLs become links.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from vibe_action.ledger.extra import ReportRow
from vibe_action.ledger.locks import UNLOCK
from vibe_action.ledger.versions import History, Version
from vibe_action.render.page.chart import Point, fmt, svg_chart
from vibe_action.render.page.problems import changes_html, changes_of, unsolved_html
from vibe_action.render.page.style import CSS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_SAFE_URL = re.compile(r"https?://[^\s\"'<>`\\]+", re.ASCII)
_HEX = re.compile(r"[0-9a-f]{7,64}")


@dataclass(frozen=True)
class PageOptions:
    generated: datetime
    primary: str | None = None
    floors: Mapping[str, float] = field(default_factory=dict)
    repo_url: str | None = None  # https://github.com/owner/name: commits and comparisons become links
    title: str = ""


def safe_url(url: object) -> str | None:
    """The URL when it is plain http(s) with nothing that could leave an attribute; else None (shown as text)."""
    return url if isinstance(url, str) and _SAFE_URL.fullmatch(url) else None


def page_name(version: Version) -> str:
    return f"v{version.number}.html" if version.number is not None else f"attempt-{version.index + 1}.html"


def render_site(history: History, options: PageOptions) -> dict[str, str]:
    files = {"index.html": _index(history, options)}
    for version in history.versions:
        files[page_name(version)] = _version_page(history, version, options)
    return files


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _heading(history: History, options: PageOptions) -> str:
    model = next((v.record.model for v in reversed(history.versions) if v.record.model), None)
    name = options.title or (str(model.get("name")) if model and model.get("name") else "Model")
    return f"{name} — versions ({history.environment})"


def _link(url: str | None, text: str) -> str:
    safe = safe_url(url)
    return f'<a href="{escape(safe)}">{escape(text)}</a>' if safe else escape(text)


def _commit(sha: str, options: PageOptions) -> str:
    short = escape(sha[:7])
    base = safe_url(options.repo_url)
    if base and _HEX.fullmatch(sha):
        return f'<a href="{escape(base.rstrip("/"))}/commit/{escape(sha)}"><code>{short}</code></a>'
    return f"<code>{short}</code>"


def _badge(version: Version) -> str:
    kind = version.status.split()[0]
    text = version.status + (" (rolled back to)" if version.live_via_rollback else "")
    return f'<span class="badge {escape(kind)}">{escape(text)}</span>'


def _delta(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) < 5e-3:
        return ' <span class="muted">(±0)</span>'
    kind, sign = ("up", "+") if value > 0 else ("down", "\u2212")
    return f' <span class="{kind}">({sign}{fmt(abs(value))})</span>'


def _url_cell(version: Version) -> str:
    link = version.link
    if link is None:
        return '<span class="muted">—</span>'
    label = "lasting URL" if link.kind == "lasting" else "permalink"
    shown_note = "" if link.kind == "lasting" else link.note  # the label says it already
    note = f' <span class="note">{escape(shown_note)}</span>' if shown_note else ""
    if link.expired:
        return f'<s>{escape(label)}</s>{note} <span class="muted">{escape(link.url)}</span>'
    return _link(link.url, label) + note


def _date(version: Version) -> str:
    return escape(version.record.time[:16].replace("T", " "))


def _index(history: History, options: PageOptions) -> str:
    benchmarks = _ordered(history.benchmarks(), options.primary)
    live = history.live
    body = [f"<h1>{escape(_heading(history, options))}</h1>"]
    numbered = history.numbered()
    body.append(
        f'<p class="muted">{len(numbered)} version{"s" if len(numbered) != 1 else ""} went live; '
        f"{len(history.versions) - len(numbered)} other deploy attempt(s). Generated "
        f"{escape(options.generated.strftime('%Y-%m-%d %H:%M'))} UTC by vibe-deploy-gate.</p>"
    )
    if live is not None:
        parts = [", ".join(f"{escape(k)} {fmt(v)}" for k, v in _ordered_scores(live, benchmarks))]
        parts.append(_url_cell(live) if live.link is not None else "")  # no URL known: said nowhere, not `—`
        tail = "".join(f" — {part}" for part in parts if part)
        body.append(
            f'<div class="callout" id="live"><strong>Live now: <a href="{page_name(live)}">{escape(live.name)}</a>'
            f"</strong>{tail}</div>"
        )
    else:
        body.append('<div class="callout" id="live">No version is live yet.</div>')
    head = "".join(f"<th>{escape(name)}</th>" for name in benchmarks)
    rows = []
    for version in reversed(history.versions):
        changes = changes_of(history, version)
        moved = changes.summary() if changes else ""
        moved_cell = (
            f'<td class="num" title="problems gained and lost against {escape(changes.previous)}">'
            f'<a href="{page_name(version)}#problems">{escape(moved)}</a></td>'
            if changes and moved
            else '<td class="num muted">—</td>'
        )
        cells = "".join(
            f'<td class="num">{fmt(version.record.scores[name])}{_delta(version.deltas.get(name))}</td>'
            if name in version.record.scores
            else '<td class="num muted">—</td>'
            for name in benchmarks
        )
        rows.append(
            f'<tr class="version{" live" if version.live else ""}" data-status="{escape(version.status)}">'
            f'<td><a href="{page_name(version)}">{escape(version.name)}</a></td><td>{_date(version)}</td>'
            f"<td>{_commit(version.record.sha, options)}</td><td>{escape(version.record.branch)}</td>{cells}"
            f"{moved_cell}<td>{_url_cell(version)}</td><td>{_badge(version)}</td></tr>"
        )
    body.append('<h2 id="versions">Versions, newest first</h2><div class="scroll"><table id="versions-table">')
    body.append(f"<thead><tr><th>version</th><th>date (UTC)</th><th>commit</th><th>branch</th>{head}")
    body.append(
        "<th>problems ±</th><th>URL</th><th>status</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )
    body.append(
        '<p class="note">Permalinks of production deploys are deleted by Netlify after its retention period '
        "unless published or the newest; a lasting URL is the newest deploy of the version's own branch and "
        "stays.</p>"
    )
    body.append(unsolved_html(numbered))
    body.append('<h2 id="charts">Scores by version</h2>')
    for number, name in enumerate(benchmarks):
        body.append(_chart_figure(f"c{number}", name, numbered, options.floors.get(name)))
    if history.events:
        body.append('<h2 id="events">Recent decisions that are not versions</h2><ul>')
        for event in list(reversed(history.events))[:30]:
            what = event.decision if event.decision in ("rollback", UNLOCK) else event.status
            reason = event.reasons[-1] if event.reasons else ""
            body.append(
                f"<li>{escape(event.time[:16].replace('T', ' '))} · <strong>{escape(what)}</strong> · "
                f"{_commit(event.sha, options)} · {escape(reason)}</li>"
            )
        body.append("</ul>")
    return _document(_heading(history, options), "\n".join(body))


def _chart_figure(chart_id: str, name: str, numbered: Sequence[Version], floor: float | None) -> str:
    points = [Point(v.name, v.record.scores[name], v.live) for v in numbered if name in v.record.scores]
    rows = "".join(f"<tr><td>{escape(p.label)}</td><td class='num'>{fmt(p.value)}</td></tr>" for p in points)
    return (
        f'<figure id="chart-{chart_id}"><figcaption>{escape(name)}</figcaption>'
        f"{svg_chart(chart_id, name, points, floor)}"
        f"<details><summary>{escape(name)} as a table</summary><table><thead><tr><th>version</th>"
        f"<th>{escape(name)}</th></tr></thead><tbody>{rows}</tbody></table></details></figure>"
    )


def _ordered(names: Sequence[str], primary: str | None) -> list[str]:
    return sorted(names, key=lambda n: (n != primary, list(names).index(n)))


def _ordered_scores(version: Version, names: Sequence[str]) -> list[tuple[str, float]]:
    return [(n, version.record.scores[n]) for n in names if n in version.record.scores]


def _version_page(history: History, version: Version, options: PageOptions) -> str:
    record = version.record
    title = f"{_heading(history, options)}: {version.name if version.number else 'attempt'}"
    body = [
        '<p><a href="index.html">← all versions</a></p>',
        f"<h1>{escape(version.name if version.number else 'Deploy attempt')} {_badge(version)}</h1>",
        "<table><tbody>",
        f"<tr><th>date (UTC)</th><td>{escape(record.time)}</td></tr>",
        f"<tr><th>commit</th><td>{_commit(record.sha, options)} <code>{escape(record.sha)}</code></td></tr>",
        f"<tr><th>branch</th><td>{escape(record.branch)}</td></tr>",
        f"<tr><th>model</th><td>{escape(_model(record.model))}</td></tr>",
        f"<tr><th>URL</th><td>{_url_cell(version)}</td></tr>",
        f"<tr><th>config digest</th><td><code>{escape(record.config_digest[:16] or '—')}</code></td></tr>",
        f"<tr><th>results digest</th><td><code>{escape(record.results_digest[:16] or '—')}</code></td></tr>",
    ]
    if version.rolled_back_at:
        body.append(f"<tr><th>rolled back to</th><td>{escape(', '.join(version.rolled_back_at))}</td></tr>")
    body.append("</tbody></table>")
    body.append(_compare(history, version, options))
    body.append(changes_html(changes_of(history, version)))
    body.append("<h2>The decision that shipped it</h2>")
    body.append(_decision_table(record.extra.report, record.scores, version))
    if record.reasons:
        body.append("<ul>" + "".join(f"<li>{escape(r)}</li>" for r in record.reasons) + "</ul>")
    return _document(title, "\n".join(body))


def _model(model: Mapping[str, Any] | None) -> str:
    if not model:
        return "—"
    name, revision = model.get("name"), model.get("revision")
    return f"{name or '—'}" + (f" (revision {revision})" if revision else "")


def _compare(history: History, version: Version, options: PageOptions) -> str:
    links = []
    previous = history.find(version.previous) if version.previous is not None else None
    live = history.live
    base = safe_url(options.repo_url)
    for label, other in (("previous", previous), ("live", live)):
        if other is None or other is version:
            continue
        text = f"compare with the {label} version ({other.name})"
        item = f'<a href="{page_name(other)}">{escape(text)}</a>'
        if base and _HEX.fullmatch(other.record.sha) and _HEX.fullmatch(version.record.sha):
            older, newer = sorted((other, version), key=lambda v: v.index)
            item += (
                f' · <a href="{escape(base.rstrip("/"))}/compare/{escape(older.record.sha)}...'
                f'{escape(newer.record.sha)}">the code changes</a>'
            )
        links.append(f"<li>{item}</li>")
    return "<ul class='compare'>" + "".join(links) + "</ul>" if links else ""


def _decision_table(report: Sequence[ReportRow], scores: Mapping[str, float], version: Version) -> str:
    """The PR comment's table as the run kept it (record.extra.report); the scores alone for older records."""
    rows = []
    head = "<th>metric</th><th>baseline</th><th>current</th><th>Δ</th><th>rule</th><th>verdict</th>"
    for row in report:
        rule_text = "<br>".join(escape(r) for r in row.rules) or "reported only"
        rows.append(
            f"<tr><td>{escape(row.name)}</td><td class='num'>{_number(row.baseline)}</td>"
            f"<td class='num'>{_number(row.current)}</td><td class='num'>{_number(row.delta)}</td>"
            f"<td>{rule_text}</td><td>{'✅' if row.passed else '❌'}</td></tr>"
        )
    if not rows:
        head = "<th>metric</th><th>score</th><th>Δ vs previous version</th>"
        rows = [
            f"<tr><td>{escape(k)}</td><td class='num'>{fmt(v)}</td><td class='num'>"
            f"{_number(version.deltas.get(k))}</td></tr>"
            for k, v in scores.items()
        ]
    table = f'<table class="decision"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return f'<div class="scroll">{table}</div>'


def _number(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return fmt(float(value))
    return "—"

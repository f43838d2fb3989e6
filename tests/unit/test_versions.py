"""The ledger as versions (pure): numbering, statuses, lasting URLs and expiry; and the renderers' escaping."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action.app.wiring import links_for
from vibe_action.hosts.netlify.urls import site_of
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import Record
from vibe_action.ledger.versions import Links, build_history, next_number
from vibe_action.render.page.chart import Point, describe, mermaid_chart, mermaid_label, svg_chart
from vibe_action.render.page.history import history_markdown, history_text, rows, summary_chart
from vibe_action.render.page.site import PageOptions, render_site, safe_url

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def rec(index: int, status: str = "superseded", day: int = 1, month: int = 11, **fields: Any) -> Record:
    defaults: dict[str, Any] = {
        "sha": f"{index:02x}" + "a" * 38,
        "branch": "main",
        "time": f"2026-{month:02d}-{day:02d}T00:00:00Z",
        "status": status,
        "scores": {"aime25": 70.0 + index},
        "id": f"r{index}",
        "deploy_url": f"https://d{index}--vibe-demo.netlify.app",
        "deploy_id": f"d{index}",
    }
    defaults.update(fields)
    return Record(**defaults)


def test_numbers_statuses_and_deltas() -> None:
    records = [rec(0, month=9), rec(1, "failure", month=9), rec(2, month=10), rec(3, "success", day=20)]
    history = build_history(records, "production", NOW)
    assert [(v.name, v.status) for v in history.versions] == [
        ("v1", "superseded"),
        ("—", "failed"),
        ("v2", "superseded"),
        ("v3", "live"),
    ]
    assert history.versions[3].deltas == {"aime25": 1.0}  # against v2, not the failed attempt
    assert history.versions[3].previous == 2
    assert history.live is history.versions[3]


def test_expiry_follows_netlify_retention() -> None:
    records = [rec(0, month=9), rec(1, day=10), rec(2, "pruned", day=12), rec(3, day=15), rec(4, "success", day=20)]
    history = build_history(records, "production", NOW, Links(30))
    notes = [v.link.note if v.link else "" for v in history.versions]
    assert notes == ["expired", "expires 2026-12-10", "expired", "expires 2026-12-15", "kept while published"]
    paid = build_history(records, "production", NOW, Links(90))
    assert paid.versions[0].link.note == "expires 2026-11-30"  # type: ignore[union-attr]


def test_the_newest_production_deploy_is_kept_after_a_rollback() -> None:
    records = [rec(0, month=9), rec(1, month=9, day=2), rec(0, "success", month=9, day=3, decision="rollback", id="rb")]
    history = build_history(records, "production", NOW)
    v1, v2 = history.versions
    assert (v1.status, v1.live_via_rollback, v1.link.note) == ("live", True, "kept while published")  # type: ignore[union-attr]
    assert (v2.status, v2.link.note) == ("superseded", "kept as the newest production deploy")  # type: ignore[union-attr]


def test_lasting_urls_from_the_branch_and_the_site() -> None:
    records = [
        rec(0, extra=RecordExtra(version_number=1, version_branch="versions/v1")),
        rec(1, extra=RecordExtra(version_number=2, version_branch="versions/v2", version_build="failed")),
        rec(2, "success", deploy_url=None, extra=RecordExtra(version_number=3, version_branch="versions/v3")),
    ]
    history = build_history(records, "production", NOW, links_for(None))  # Netlify's URL rules
    links = [v.link for v in history.versions]
    assert links[0] is not None
    assert (links[0].url, links[0].kind) == ("https://versions-v1--vibe-demo.netlify.app", "lasting")
    assert links[1] is not None
    assert links[1].kind == "permalink"  # its branch build failed
    assert links[2] is not None
    assert links[2].url == "https://versions-v3--vibe-demo.netlify.app"  # the site from the other permalinks
    assert site_of("https://versions-v3--my-site.netlify.app/x") == "my-site"
    assert site_of("https://example.com") is None


def test_next_number_counts_stored_numbers_whose_status_was_not_read() -> None:
    records = [
        rec(0, extra=RecordExtra(version_number=7)),
        rec(1, "unknown", extra=RecordExtra(version_number=8)),
        rec(2, "failure"),
    ]
    assert next_number(records, "production") == 9
    assert next_number([], "production") == 1
    history = build_history(records, "production", NOW)
    assert [v.name for v in history.versions] == ["v7", "—", "—"]


def test_a_rollback_to_a_commit_deployed_twice_marks_the_newest() -> None:
    records = [rec(0), rec(1), rec(0, id="again"), rec(1, "success", day=5, decision="rollback", id="rb")]
    records[2] = rec(0, "superseded", day=3, id="again")
    records.append(rec(0, "success", day=6, decision="rollback", id="rb2"))
    history = build_history(records, "production", NOW)
    assert [v.status for v in history.versions] == ["superseded", "rolled back to", "live"]


def test_cancelled_and_other_environments_are_not_versions() -> None:
    records = [rec(0, "cancelled"), rec(1, environment="staging"), rec(2, "success")]
    history = build_history(records, "production", NOW)
    assert [v.name for v in history.versions] == ["v1"]
    assert [e.id for e in history.events] == ["r0"]


def test_safe_url_accepts_only_plain_http() -> None:
    assert safe_url("https://d1--site.netlify.app") == "https://d1--site.netlify.app"
    for bad in ("javascript:alert(1)", 'https://x" onmouseover="a', "https://x y", "//x", None, 3, "data:text/html,x"):
        assert safe_url(bad) is None


def test_mermaid_labels_cannot_break_the_chart() -> None:
    assert mermaid_label('aime"25]\n```') == "aime25"
    assert mermaid_label('"]') == "?"
    chart = mermaid_chart('aime"25', [Point("v1", 74.4), Point("candidate", 77.0)], floor=75)
    assert chart.splitlines()[0] == "```mermaid"
    assert chart.count("```") == 2
    assert 'x-axis ["v1", "candidate"]' in chart
    assert "line [74.4, 77]" in chart
    assert "line [75, 75]" in chart
    assert mermaid_chart("x", []) == ""


def test_svg_chart_is_described_and_escaped() -> None:
    points = [Point("v1", 74.4), Point("v2", 76.0, live=True)]
    svg = svg_chart("c0", "<b>aime</b>", points, floor=75)
    assert "<b>" not in svg
    assert svg.count("<circle") == 2
    assert 'class="floor"' in svg
    assert "below it: v1" in describe("aime25", points, 75)
    assert "Live: v2 (76)" in describe("aime25", points, None)
    assert svg_chart("c1", "x", [Point("v1", 5.0)]).count("<circle") == 1  # one point, no division by zero


def test_markdown_history_escapes_and_links_only_safe_urls() -> None:
    records = [rec(0, branch="a|b<script>"), rec(1, "success", deploy_url="javascript:alert(1)")]
    history = build_history(records, "production", NOW)
    text = history_markdown(rows(records, [history]), "aime25")
    assert "a\\|b&lt;script&gt;" in text
    assert "](javascript:" not in text
    assert "**live**" in text


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(
    statuses=st.lists(
        st.sampled_from(["success", "superseded", "failure", "unconfirmed", "pruned", "cancelled"]), max_size=12
    ),
    branch=TEXT,
    model=TEXT,
    url=TEXT,
)
def test_page_and_history_agree_and_escape_everything(statuses: list[str], branch: str, model: str, url: str) -> None:
    records = [
        rec(i, status, day=1 + i, branch=branch, model={"name": model}, deploy_url=url or None)
        for i, status in enumerate(statuses)
    ]
    history = build_history(records, "production", NOW)
    found = rows(records, [history])
    by_record = {id(v.record): v for v in history.versions}
    for row in found:
        version = by_record.get(id(row.record))
        if version is not None:
            assert row.label.startswith(version.status)
            assert row.link == version.link
    text = history_text(found, "aime25", wide=True)
    assert len(text.splitlines()) == (len(records) + 1 if records else 1)
    files = render_site(history, PageOptions(generated=NOW, primary="aime25"))
    for page in files.values():
        assert "<script" not in page.lower().replace("&lt;script", "")
        for tag in re.findall(r"<(\w+)", page):
            assert tag in ALLOWED_TAGS, tag
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert all(unescape(h).startswith(("https://", "http://", "v", "attempt-", "index.html")) for h in hrefs)


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "strong", "a", "span", "table",
    "thead", "tbody", "tr", "th", "td", "code", "s", "figure", "figcaption", "svg", "desc", "line", "text",
    "polyline", "circle", "details", "summary", "ul", "li",
}  # fmt: skip


def test_the_summary_chart_labels_only_numbers_it_knows() -> None:
    records = [
        rec(0),
        rec(1, extra=RecordExtra(version_number=41)),
        rec(2, "success", extra=RecordExtra(version_number=42)),
    ]
    chart = summary_chart(build_history(records, "production", NOW), "aime25", 73.5, 70.0)
    assert 'x-axis ["00aaaaa", "v41", "v42", "candidate"]' in chart  # the first has no stored number
    assert "| v42 (live) | 72 |" in chart
    assert "| candidate | 73.5 |" in chart
    assert summary_chart(build_history([], "production", NOW), "aime25", None, None) == ""


def test_the_live_box_says_nothing_where_no_url_is_known() -> None:
    """Issue 21: a live version deployed through a plain hook has no URL; the box ended in `— —`."""
    records = [rec(0, "success", deploy_url=None, deploy_id=None)]
    page = render_site(build_history(records, "production", NOW), PageOptions(generated=NOW, primary="aime25"))
    box = re.search(r'<div class="callout" id="live">(.*?)</div>', page["index.html"], re.DOTALL)
    assert box is not None
    assert "aime25 70" in box.group(1)
    assert "— —" not in box.group(1)
    assert not box.group(1).rstrip().endswith("—")
    with_url = render_site(build_history([rec(0, "success")], "production", NOW), PageOptions(generated=NOW))
    assert "permalink" in with_url["index.html"].split('id="live"', 1)[1].split("</div>", 1)[0]

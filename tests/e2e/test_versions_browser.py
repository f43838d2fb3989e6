"""The versions page in a real browser: 32 deploys over four months, opened from disk in headless Chromium.

The history has everything a real one accumulates: permalinks Netlify deleted (the fake Netlify applies its
30-day retention), lasting branch URLs, a failed deploy, an earlier rollback, and a rollback — made by the real
CLI — to a version whose deploy is gone, which rebuilds it with one POST carrying its sha. Branch, model and
URL fields hold hostile text: markup, quotes, emoji and a 300-character name. The browser must show every row,
link and chart point, run nothing, and keep the page within the window.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests import browser
from tests.conftest import Workspace, make_netlify_server
from tests.fake_netlify import SITE_NAME, FakeNetlify
from tests.netlify_runs import FAST, env
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import Record

HOSTILE_BRANCH = "release/<script>window.top.pwned='branch'</script>"
HOSTILE_MODEL = "\"'><img src=x onerror=\"window.top.pwned='model'\">VibeThinker 🧠"
LONG_BRANCH = "experiment/" + "very-long-branch-name-" * 14
VERSIONS = 32
FAILED_AT = 7  # the 8th deploy failed: it gets no number
LASTING_FROM = 24  # deploys from here on have a lasting branch URL
CONFIG = FAST + "versions:\n  branch_prefix: versions/\n"


def _sha(index: int) -> str:
    return f"{index:04x}" + "c0ffee" * 6


def _history(netlify: FakeNetlify, now: datetime) -> list[dict[str, object]]:
    """32 deploy records (oldest ~4 months ago) and their Netlify deploys, plus a rollback to v5 on the way."""
    lines: list[dict[str, object]] = []
    number = 0
    for index in range(VERSIONS):
        when = now - timedelta(days=3.5 * (VERSIONS - index))
        failed = index == FAILED_AT
        number += 0 if failed else 1
        deploy = netlify._new_deploy(
            f"aime25 @ {index}", _sha(index), "production", when, "error" if failed else "ready"
        )
        extra: dict[str, object] = {
            "month": when.strftime("%Y-%m"),
            "title": deploy["title"],
            "version_number": number + (1 if failed else 0),
            "report": [
                {"name": "aime25", "baseline": 70.0, "current": 70.0 + index * 0.25, "delta": index * 0.25,
                 "rules": ["floor ≥70 ✓", "<b>gain</b> ≥+2% ✓"], "passed": True},
            ],
        }  # fmt: skip
        if index >= LASTING_FROM:
            extra.update(version_branch=f"versions/v{number}", version_build="started")
        record = Record(
            sha=_sha(index),
            branch=[HOSTILE_BRANCH, "main", LONG_BRANCH, "main 🚀"][index % 4],
            time=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            status="failure" if failed else ("success" if index == VERSIONS - 1 else "superseded"),
            scores={"aime25": 70.0 + index * 0.25, "hmmt25": 50.0 + (index % 5) * 0.4},
            id=f"r{index}",
            reasons=(f"aime25 gained {index * 0.25:.2f}", "javascript:alert('reason')"),
            deploy_id=deploy["id"],
            deploy_url="javascript:alert('url')" if index == 3 else deploy["deploy_ssl_url"],
            model={"name": HOSTILE_MODEL, "revision": f"r{index}"},
            extra=RecordExtra.from_json(extra),
        )
        lines.append(record.to_json())
        if index == 12:  # an earlier rollback to v5, superseded since
            lines.append({**lines[5], "id": "rb", "decision": "rollback", "status": "superseded",
                          "time": (when + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "extra": {"version_number": 5}, "reasons": ["rolled back to v5"]})  # fmt: skip
    netlify.published_id = netlify.deploys[0]["id"]
    return lines


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FakeNetlify, dict[str, object]]:
    """The history, a real `rollback --to v2` (deleted: rebuilt), then the real `page` command."""
    root = tmp_path_factory.mktemp("versions")
    workspace = Workspace(root / "repo")
    workspace.write("config/deploy.yaml", CONFIG)
    workspace.write("results/vibethinker.json", "{}")
    workspace.commit("history", branch="main")
    with make_netlify_server() as netlify:
        now = datetime.now(timezone.utc)
        lines = _history(netlify, now)
        workspace.write(".vibe-deploy-gate/ledger.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
        netlify.retention_days = 30
        netlify.exact_commit_recipe = True
        before = len(netlify.hook_posts)
        rolled = workspace.run("rollback", "--to", "v2", env=env(netlify))
        assert rolled.code == 0, rolled.stdout + rolled.stderr
        rebuild = netlify.hook_posts[before:]
        facts: dict[str, object] = {
            "posts": len(rebuild),
            "body": json.loads(rebuild[0].body) if rebuild else {},
            "expired": len(netlify.expired),
            "stdout": rolled.stdout,
            "newest": netlify.deploys[0],
        }
        out = root / "site"
        github = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo-org/vibe-demo"}
        done = workspace.run("page", "--out", str(out), env=github)
        assert done.code == 0, done.stderr
        return out, netlify, facts


def test_rollback_to_an_expired_version_rebuilds_it_with_one_post(site: tuple[Path, FakeNetlify, dict]) -> None:
    _, _, facts = site
    assert facts["posts"] == 1
    assert facts["body"]["sha"] == _sha(1)  # type: ignore[index]
    assert facts["expired"] >= 20  # Netlify's retention deleted most of the history
    assert facts["newest"]["commit_ref"] == _sha(1)  # type: ignore[index]
    assert facts["newest"]["locked"] is True  # type: ignore[index]
    assert "HTTP 404" in str(facts["stdout"])


def test_the_pages_are_self_contained_and_escaped(site: tuple[Path, FakeNetlify, dict]) -> None:
    out, _, _ = site
    files = sorted(p.name for p in out.iterdir())
    assert "index.html" in files
    assert len([f for f in files if f.startswith("v")]) == VERSIONS - 1
    assert "attempt-8.html" in files
    for path in out.iterdir():
        text = path.read_text()
        assert "<script" not in text
        assert not re.search(r"<[^>]*\ssrc=", text)  # nothing to fetch: no images, scripts or frames
        assert "Content-Security-Policy" in text
        assert 'href="javascript:' not in text
        assert "<img" not in text


def test_chromium_shows_every_version_link_and_point(site: tuple[Path, FakeNetlify, dict]) -> None:
    out, _, _ = site
    data = browser.inspect(
        out / "index.html",
        "{rows: Array.from(d.querySelectorAll('#versions-table tbody tr')).map(function (r) {"
        " return [r.cells[0].textContent, r.dataset.status, r.cells[3].textContent]; }),"
        " live: Array.from(d.querySelectorAll('tr.live')).map(function (r) { return r.cells[0].textContent; }),"
        " callout: d.getElementById('live').textContent,"
        " hrefs: Array.from(d.querySelectorAll('a')).map(function (a) { return a.getAttribute('href'); }),"
        " points: Array.from(d.querySelectorAll('#chart-c0 circle.pt')).map(function (c) {"
        " return [c.dataset.version, Number(c.dataset.value)]; }),"
        " floor: d.querySelectorAll('#chart-c0 line.floor').length,"
        " desc: d.querySelector('#chart-c0 desc').textContent,"
        " scripts: d.querySelectorAll('script, img, iframe').length,"
        " pwned: window.pwned || null,"
        " overflow: d.documentElement.scrollWidth - d.documentElement.clientWidth,"
        " expired: d.body.innerText.split('expired').length - 1,"
        " text: d.body.innerText}",
    )
    rows = data["rows"]
    assert len(rows) == VERSIONS
    assert [r[0] for r in rows][:3] == ["v31", "v30", "v29"]  # newest first
    statuses = {r[1] for r in rows}
    assert {"live", "superseded", "failed", "rolled back to"} <= statuses
    assert data["live"] == ["v2"]
    assert "Live now: v2" in data["callout"]
    assert HOSTILE_BRANCH in [r[2] for r in rows]  # shown as text, not run
    assert data["scripts"] == 0
    assert data["pwned"] is None
    assert HOSTILE_MODEL in data["text"]
    assert data["overflow"] <= 0, "the 300-character branch widened the page"
    assert data["expired"] >= 10
    lasting = [h for h in data["hrefs"] if h and h.startswith("https://versions-v")]
    assert f"https://versions-v30--{SITE_NAME}.netlify.app" in lasting
    assert f"https://github.com/octo-org/vibe-demo/commit/{_sha(31)}" in data["hrefs"]
    assert not [h for h in data["hrefs"] if h and not h.startswith(("https://", "v", "attempt-", "index.html", "#"))]
    assert [p[0] for p in data["points"]] == [f"v{n}" for n in range(1, VERSIONS)]
    assert data["points"][-1][1] == pytest.approx(70 + 31 * 0.25)
    assert data["floor"] == 1
    assert "Live: v2" in data["desc"]


def test_chromium_renders_a_version_page(site: tuple[Path, FakeNetlify, dict]) -> None:
    out, _, _ = site
    data = browser.inspect(
        out / "v2.html",
        "{title: d.querySelector('h1').textContent, rules: d.querySelector('table.decision').innerText,"
        " compare: Array.from(d.querySelectorAll('.compare a')).map(function (a) { return a.textContent; }),"
        " overflow: d.documentElement.scrollWidth - d.documentElement.clientWidth}",
    )
    assert data["title"].startswith("v2")
    assert "live" in data["title"]
    assert "<b>gain</b> ≥+2% ✓" in data["rules"]  # a rule's text, escaped, not bold
    assert "compare with the previous version (v1)" in data["compare"]
    assert data["overflow"] <= 0


def test_screenshots_are_not_blank_in_light_and_dark(site: tuple[Path, FakeNetlify, dict], tmp_path: Path) -> None:
    out, _, _ = site
    light = browser.colours(browser.screenshot(out / "index.html", tmp_path / "light.png"))
    dark = browser.colours(browser.screenshot(out / "index.html", tmp_path / "dark.png", dark=True))
    for counts in (light, dark):
        assert len(counts) >= 20  # text, table lines, badges and chart colours
        share = max(counts.values())
        assert share < 0.97 * sum(counts.values())
    assert max(light, key=light.__getitem__) != max(dark, key=dark.__getitem__)  # the background changes


def test_without_chromium_the_browser_tests_fail_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        browser.chromium()

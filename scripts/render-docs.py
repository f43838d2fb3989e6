"""Render the pictures in docs/ from real runs of the gate (`make docs`).

Two decisions of the demo history are made by the real gate, in a temporary repository with a local build
hook and a local ledger: the first checkpoint deploys, then "AIME25 +0.8" (within re-run noise) and "+3.1" (a
real gain) are decided against it. Their PR comment / job summary markdown and their terminal report are written
as HTML (docs/*.html, kept so the pictures can be checked against the text) and, with headless Chromium from
the OS packages, as PNG screenshots (docs/*.png). Regenerate with `make docs`; nothing leaves the machine.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vibe_action.app.run import RunRequest, Services, run_gate  # noqa: E402
from vibe_action.hosts.netlify.receiver import HookReceiver  # noqa: E402
from vibe_action.ledger.local import LocalLedger  # noqa: E402
from vibe_action.redact import Secrets  # noqa: E402
from vibe_action.render.report import decision_publication, text_report  # noqa: E402

EXAMPLES = ROOT / "vibe_action" / "examples"
DOCS = ROOT / "docs"
STEPS = {
    "first": ("results/vibethinker-1.5b.json", "results/aime25.jsonl"),
    "small-gain": ("demo/02-small-gain.json", "demo/02-aime25.jsonl"),
    "real-gain": ("demo/03-real-gain.json", "demo/03-aime25.jsonl"),
}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
STYLE = """body{font:14px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;color:#1f2328;
background:#fff;max-width:900px}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #d0d7de;
padding:4px 10px;text-align:left}th{background:#f6f8fa}code{background:#eff1f3;padding:1px 4px;border-radius:4px;
font-family:ui-monospace,Menlo,monospace;font-size:12px}.box{border:1px solid #d0d7de;border-radius:6px;padding:
0 16px}.caption{color:#59636e;font-size:12px}pre{background:#0d1117;color:#e6edf3;padding:16px;border-radius:6px;
font:13px/1.45 ui-monospace,Menlo,monospace;white-space:pre}"""


def decide_history(workdir: Path) -> dict[str, str]:
    """The real gate on three commits of the demo history; the markdown and text of the last two."""
    repo = workdir / "repo"
    (repo / "config").mkdir(parents=True)
    (repo / "results").mkdir()
    shutil.copy(EXAMPLES / "config" / "deploy.yaml", repo / "config" / "deploy.yaml")
    ledger = LocalLedger(repo / ".vibe-deploy-gate" / "ledger.jsonl")
    out: dict[str, str] = {}
    with HookReceiver() as receiver, requests.Session() as session:
        for number, (name, (summary, per_item)) in enumerate(STEPS.items(), start=1):
            shutil.copy(EXAMPLES / summary, repo / "results" / "vibethinker-1.5b.json")
            shutil.copy(EXAMPLES / per_item, repo / "results" / "aime25.jsonl")
            request = RunRequest(
                workspace=repo,
                config_path="config/deploy.yaml",
                sha=f"{number:07x}" + "a" * 33,
                branch="main",
                now=datetime.now(timezone.utc),
                hook_url=receiver.url,
                dry_run=name != "first",
            )
            decision = run_gate(request, Services(ledger, session, Secrets()))
            out[f"{name}.md"] = decision_publication(decision, "https://github.com/org/model/actions/runs/1").markdown
            out[f"{name}.txt"] = text_report(decision, 100)
    return out


def markdown_to_html(text: str) -> str:
    """The subset of GitHub markdown the gate writes: headings, tables, paragraphs, bold, code, details."""
    lines = text.splitlines()
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.fullmatch(r"\|[\s:|-]+\|", lines[i]):
                    cells = re.split(r"(?<!\\)\|", lines[i].strip().removeprefix("|").removesuffix("|"))
                    rows.append([_inline(cell.strip()) for cell in cells])
                i += 1
            head, *rest = rows
            body.append("<table><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>")
            body += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rest]
            body.append("</table>")
            continue
        heading = re.match(r"(#{1,6}) (.*)", line)
        if heading:
            level = len(heading.group(1))
            body.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.startswith(("<details", "</details", "<summary", "<!--")):
            body.append(line if not line.startswith("<!--") else "")
        elif line.startswith(("- ", "* ")):
            body.append(f"<ul><li>{_inline(line[2:])}</li></ul>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
        i += 1
    return "\n".join(body)


def _inline(text: str) -> str:
    """Backslash escapes and entities (what render/escape.py writes) show as the characters they stand for."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(1))
        return f"\x00{len(kept) - 1}\x00"

    protected = re.sub(r"\\([!-/:-@\[-`{-~])", keep, text).replace("\u2060", "")
    escaped = html.escape(html.unescape(protected), quote=False).replace("&lt;br&gt;", "<br>")
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    escaped = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', escaped)
    return re.sub("\x00(\\d+)\x00", lambda m: html.escape(kept[int(m.group(1))], quote=False), escaped)


def page(title: str, inner: str, caption: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{inner}<p class='caption'>{html.escape(caption)}</p></body></html>\n"
    )


def screenshot(source: Path, target: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("make docs needs Chromium: apt-get install -y chromium")
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Color Emoji" not in fonts:  # the verdict marks (emoji, as GitHub shows them) would render as boxes
        sys.exit("make docs needs an emoji font: apt-get install -y fonts-noto-color-emoji")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    docs = Path(os.environ.get("VIBE_DOCS_OUT") or DOCS)  # the tests write elsewhere and compare
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        made = decide_history(Path(folder))
    caption = "Rendered by scripts/render-docs.py from a real run of the gate on the demo history (make docs)."
    comment = (
        "<div class='box'>"
        + markdown_to_html(made["real-gain.md"])
        + "</div><p></p><div class='box'>"
        + markdown_to_html(made["small-gain.md"])
        + "</div>"
    )
    (docs / "pr-comment.html").write_text(page("PR comment", comment, caption), encoding="utf-8")
    terminal = "<pre>$ vibe-gate run\n" + html.escape(made["small-gain.txt"]) + "\n\n$ vibe-gate run\n"
    terminal += html.escape(made["real-gain.txt"]) + "</pre>"
    (docs / "terminal.html").write_text(page("vibe-gate run", terminal, caption), encoding="utf-8")
    if os.environ.get("VIBE_DOCS_HTML_ONLY"):
        return 0
    screenshot(docs / "pr-comment.html", docs / "pr-comment.png", 960, 1100)
    screenshot(docs / "terminal.html", docs / "terminal.png", 960, 560)
    print("wrote docs/pr-comment.png and docs/terminal.png (and their .html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

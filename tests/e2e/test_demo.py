"""`vibe-gate demo` is the README's first command: it must show every verdict and exactly two POSTs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_demo_replays_the_example_history(tmp_path: Path) -> None:
    kept = tmp_path / "demo-output"
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", "demo", "--examples", str(ROOT / "examples"), "--keep", str(kept)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "COLUMNS": "1000"},  # one line per decision, as the assertions below read them
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.split("── upload mode", 1)[0]  # the hook scenario; the upload part is checked below
    verdicts = re.findall(r"expected (\S+): ✓", out)
    assert verdicts == ["deploy", "skip", "deploy", "block", "report-only", "block", "rollback"]
    assert re.search(
        r"^SKIP: aime25: \+0\.78 \(\+1\.05%\) over deployed 74\.4\d* is below min_gain 2% \(1\.4885 points\); "
        r"\(gain ≥ -\d\.\d at 97 %, p = 0\.\d+\) — within re-run noise; this benchmark detects ≥ \d\.\d points$",
        out,
        re.MULTILINE,
    )
    assert "BLOCK: aime25: partial run: 28 of the deployed run's 30 items" in out
    assert re.search(
        r"^rolled back from \w{7} to v\d+ \(\w{7}\): restored Netlify deploy \w+ and locked it$", out, re.MULTILINE
    )
    assert re.search(r"^\S+ \S+  —\s+\w{7}  rollback → v\d+ \(restored\)", out, re.MULTILINE)
    assert re.findall(r"^(DEPLOY|SKIP|BLOCK|REPORT ONLY)", out, flags=re.MULTILINE) == [
        "DEPLOY",
        "SKIP",
        "DEPLOY",
        "BLOCK",
        "REPORT ONLY",
        "BLOCK",
    ]
    assert "the build-hook receiver got 4 POST(s):" in out  # two deploys, each with its lasting branch build
    assert len(re.findall(r"^  POST /build_hooks/\*\*\* sha \w{7}: aime25 ", out, flags=re.MULTILINE)) == 2
    assert len(re.findall(r"^  POST /build_hooks/\*\*\* sha \w{7}: v\d · aime25 ", out, flags=re.MULTILINE)) == 2
    assert "https://versions-v2--vibe-demo.netlify.app (lasting)" in out
    assert re.search(r"^\S+ \S+  v1 +\w{7}  live \(rolled back to\)", out, re.MULTILINE)
    index = (kept / "versions" / "index.html").read_text()
    assert index.count('<tr class="version') == 2
    assert 'Live now: <a href="v1.html">v1</a>' in index
    assert (kept / "ledger.jsonl").is_file()
    assert (
        f"vibe-gate page --workspace {kept} --ledger ledger.jsonl \\\n    --config deploy.yaml --out {kept}/versions"
        in out
    )
    assert "quota: 2/20 deploys used this month (30/300 credits)" in out
    assert "demo0000000000000000hook" not in out
    assert "demo OK" in done.stdout
    upload = done.stdout.split("── upload mode", 1)[1]  # issue 31: an upload, then a pull request's preview
    assert re.findall(r"expected (\S+): ✓", upload) == ["deploy", "report-only"]
    assert re.search(r"^   deploy: 2 file\(s\) sent · live: (\w+)$", upload, re.MULTILINE)  # .env never sent
    (live,) = re.findall(r"^   deploy: 2 file\(s\) sent · live: (\w+)$", upload, re.MULTILINE)
    assert re.search(r"^try this candidate: https://\w+--vibe-demo\.netlify\.app$", upload, re.MULTILINE)
    assert f"   preview: 1 file(s) sent · live: {live} (unchanged)" in upload  # only the page that changed
    assert "local Netlify: 2 deploys by upload (1 of them a draft preview), 0 hook POSTs" in upload


def test_demo_without_examples_is_a_clear_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", "demo", "--examples", "/nonexistent"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "scenario.yaml: not found" in done.stderr


def test_every_line_of_make_demo_fits_80_columns(tmp_path: Path) -> None:
    """Issue 28: `make demo` as a person sees it, at 80 columns: the gate's reports, the steps, the paths it
    kept and the command that rebuilds the page all fit."""
    kept = tmp_path / "out"  # a short path, as make demo's `demo-output`
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", "demo", "--examples", str(ROOT / "examples"), "--keep", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**{k: v for k, v in os.environ.items() if k != "COLUMNS"}, "COLUMNS": "80"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (kept / "versions" / "index.html").is_file()
    wide = [line for line in (done.stdout + done.stderr).splitlines() if len(line) > 80]
    assert wide == []

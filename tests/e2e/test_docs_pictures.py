"""The pictures in README and docs/ come from a real run of the gate: `make docs` renders them in Chromium."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_the_pictures_come_from_a_real_run(tmp_path: Path) -> None:
    """The docs script's text step (the screenshots need Chromium; make docs does those)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "VIBE_DOCS_HTML_ONLY": "1", "VIBE_DOCS_OUT": str(tmp_path)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "render-docs.py")], check=True, env=env, timeout=300)
    fresh = (tmp_path / "terminal.html").read_text()
    assert "SKIP: aime25: +0.78 (+1.05%) over deployed 74.43 is below min_gain" in fresh
    assert "DEPLOY (dry run: nothing fired): aime25: +3.07" in fresh
    comment = (tmp_path / "pr-comment.html").read_text()
    row = next(line for line in comment.splitlines() if "<td>aime25 *</td>" in line or "aime25 *" in line)
    assert "floor ≥70 ✓ · gain ≥+2% ✓ · noise p&lt;0.03 ✓ · guard drop ≤1 ✓" in comment  # each rule once
    assert "floor ≥70 ✓ · gain ≥+2% ✗ · within re-run noise (p = 0.17) ✗ · guard drop ≤1 ✓" in comment
    assert row.count("74.43") == 1  # the baseline once, in its own column (issue 21), not in every rule
    assert "Each rule in full" in comment  # the details, folded
    # The pictures are compared through the HTML they are rendered from: Chromium's PNG depends on the machine's
    # fonts; on one machine make docs renders them byte for byte (fixed commit dates, no random ids in the shas).
    for name in ("terminal.html", "pr-comment.html"):  # the committed pictures show what the gate prints today
        assert (tmp_path / name).read_text() == (ROOT / "docs" / name).read_text(), f"run make docs ({name})"

"""The README is the first thing a user reads: it starts with the user, shows the example workflow exactly as
shipped, whose path filters cover every results file the example config reads, and pictures that exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import ROOT
from vibe_action.inputs.config import load_config
from vibe_action.inputs.globs import find_files, matches

README = (ROOT / "README.md").read_text()
EXAMPLES = ROOT / "vibe_action" / "examples"


def test_the_readme_shows_the_example_workflow_verbatim() -> None:
    shipped = (ROOT / "examples" / "workflow.yml").read_text().rstrip()
    blocks = re.findall(r"```yaml\n(.*?)\n```", README, re.DOTALL)
    assert shipped in blocks


def test_the_example_workflow_filters_cover_every_results_file_of_the_example_config() -> None:
    workflow = yaml.safe_load((EXAMPLES / "workflow.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    config = load_config(EXAMPLES / "config" / "deploy.yaml")
    files, _ = find_files([source.path for source in config.results], EXAMPLES)
    assert files, "the example config reads no files?"
    for event in ("push", "pull_request"):
        filters = triggers[event]["paths"]
        for path in files:
            rel = path.relative_to(EXAMPLES).as_posix()
            assert any(matches(pattern, rel) for pattern in filters), f"{event} misses {rel}"
        assert "config/deploy.yaml" in filters


def test_the_first_screen_is_for_the_user() -> None:
    first_screen = "\n".join(README.splitlines()[:60])
    assert "make demo" in first_screen
    assert "make test" in first_screen
    assert "![" in first_screen  # a picture of what the user will see
    assert "uses: org/vibe-deploy-gate@v1" in "\n".join(README.splitlines()[:80])
    assert README.index("## Set up Netlify") < README.index("## Try it locally / develop")
    for step in ("Build hooks", "NETLIFY_BUILD_HOOK_URL", "Site ID", "access token"):
        assert step in README.split("## Set up Netlify", 1)[1].split("## Try it locally", 1)[0]


def test_one_published_location_for_the_action_and_the_cli() -> None:
    """Issue 21: README, the example workflow, the docs and `init` say the same place, from one constant."""
    from vibe_action import RELEASE, REPOSITORY

    uses = f"uses: {REPOSITORY}@{RELEASE}"
    install = f"git+https://github.com/{REPOSITORY}@{RELEASE}"
    assert uses in (ROOT / "examples" / "workflow.yml").read_text()
    assert uses in (EXAMPLES / "workflow.yml").read_text()
    assert uses in README
    assert install in README
    docs = {p.name: p.read_text() for p in (ROOT / "docs").glob("*.md")}
    assert install in docs["cli.md"]
    assert install in docs["netlify.md"]
    for name, text in {"README.md": README, **docs}.items():
        for line in text.splitlines():
            assert "pip install vibe-deploy-gate" not in line, name  # no such distribution on any index
            assert "--quiet vibe-deploy-gate" not in line, name
            if re.search(r"pip install (-e )?\.($|\s)", line):
                assert "checkout" in line, f"{name}: {line}"  # only for this checkout, and said so
    init = (ROOT / "vibe_action" / "cli" / "scaffold.py").read_text()
    assert "REPOSITORY" in init
    assert "org/vibe-deploy-gate" not in init  # it reads the constant


def test_pictures_and_links_resolve() -> None:
    for text, base in [(README, ROOT), *[(p.read_text(), p.parent) for p in (ROOT / "docs").glob("*.md")]]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (base / target).exists(), f"{target} (from {base}) does not exist"
    assert (ROOT / "docs" / "pr-comment.png").stat().st_size > 10_000
    assert (ROOT / "docs" / "terminal.png").stat().st_size > 10_000


def test_the_readme_never_advises_stop_builds() -> None:
    for text in (README, (ROOT / "docs" / "netlify.md").read_text()):
        for line in text.splitlines():
            if "Stop builds" in line:
                assert re.search(r"not|never|stops|doctor", line), line


def test_the_pictures_come_from_a_real_run(tmp_path: Path) -> None:
    """The docs script's text step (the screenshots need Chromium; make docs does those)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "VIBE_DOCS_HTML_ONLY": "1", "VIBE_DOCS_OUT": str(tmp_path)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "render-docs.py")], check=True, env=env, timeout=300)
    fresh = (tmp_path / "terminal.html").read_text()
    assert "SKIP: aime25: +1.3 (+1.75%) over deployed 74.43 is below min_gain" in fresh
    assert "DEPLOY (dry run: nothing fired): aime25: +3.07" in fresh
    comment = (tmp_path / "pr-comment.html").read_text()
    row = next(line for line in comment.splitlines() if "<td>aime25 *</td>" in line or "aime25 *" in line)
    assert "floor ≥70 ✓ · gain ≥+2% ✓ · significant (p = 0.003) ✓ · guard drop ≤1 ✓" in comment  # each rule once
    assert row.count("74.43") == 1  # the baseline once, in its own column (issue 21), not in every rule
    assert "Each rule in full" in comment  # the details, folded
    # The pictures are compared through the HTML they are rendered from: Chromium's PNG depends on the machine's
    # fonts; on one machine make docs renders them byte for byte (fixed commit dates, no random ids in the shas).
    for name in ("terminal.html", "pr-comment.html"):  # the committed pictures show what the gate prints today
        assert (tmp_path / name).read_text() == (ROOT / "docs" / name).read_text(), f"run make docs ({name})"


def test_every_test_the_assumptions_table_names_exists() -> None:
    """docs/netlify.md, "What the gate assumes of GitHub and Netlify": each row names the tests that hold it."""
    text = (ROOT / "docs" / "netlify.md").read_text()
    table = text.split("### What the gate assumes of GitHub and Netlify", 1)[1].split("\n\n**", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| assumption")]
    assert len(rows) >= 15
    sources = {path.name: path.read_text() for path in (ROOT / "tests").glob("*.py")}
    for row in rows:
        held_by = row.rstrip(" |").rsplit(" | ", 1)[-1]
        files = re.findall(r"(test_\w+\.py|composite_runner\.py|actions_env\.py)", held_by)
        assert files, f"no test named for: {row[:80]}"
        for file in files:
            assert file in sources, f"{file} does not exist ({row[:60]})"
        for name in re.findall(r"(?:::|…)(test_\w+)", held_by):  # `test_a_5xx_*`: a prefix of several
            assert any(f"def {name}" in source for source in sources.values()), f"no test {name}"

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
    """Issue 28: one sentence, a picture, and the Quick start's `uses:` within the first 60 lines; the two
    commands for trying it come after the user's first step, still near the top."""
    lines = README.splitlines()
    first_screen = "\n".join(lines[:60])
    assert "uses: org/vibe-deploy-gate@v1" in first_screen
    assert "![" in first_screen  # a picture of what the user will see
    assert first_screen.index("## Quick start") < first_screen.index("uses: org/vibe-deploy-gate@v1")
    quick_start = README.index("## Quick start")
    for command in ("make demo", "make test"):
        assert quick_start < README.index(command) < len("\n".join(lines[:150])), command
    assert README.index("## Set up Netlify") < README.index("## Inputs")
    netlify = README.split("## Set up Netlify", 1)[1].split("\n## ", 1)[0]
    for step in ("Build hooks", "NETLIFY_BUILD_HOOK_URL", "Site ID", "access token"):
        assert step in netlify
    assert len(lines) < 260  # the details live in docs/


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


def headings(path: Path) -> set[str]:
    """The headings of a markdown file, outside fenced code blocks."""
    found, fenced = set(), False
    for line in path.read_text().splitlines():
        fenced = fenced != line.startswith("```")
        if not fenced and re.match(r"#{1,6} ", line):
            found.add(line.lstrip("#").strip())
    return found


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_pictures_links_and_anchors_resolve() -> None:
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target, fragment in re.findall(r"\]\(([^)#:]*)(?:#([^)]*))?\)", path.read_text()):
            linked = (path.parent / target) if target else path
            assert linked.exists(), f"{target} (from {path.name}) does not exist"
            if fragment:
                assert fragment in {anchor(h) for h in headings(linked)}, f"{path.name}: no #{fragment} in {target}"
    assert (ROOT / "docs" / "pr-comment.png").stat().st_size > 10_000
    assert (ROOT / "docs" / "terminal.png").stat().st_size > 10_000


# A pointer from code, a message or a page to a section: `README, "Set up Netlify"` or `docs/limits.md`.
POINTER = re.compile(r'\b(README(?:\.md)?|docs/[\w-]+\.md)(?:,\s+"([^"]+)")?')


def test_every_pointer_to_a_readme_or_docs_section_resolves() -> None:
    """Issue 28: what the code and its messages point a user at exists — the file, and the section it names."""
    sources = [*(ROOT / "vibe_action").rglob("*.py"), ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    pointers = 0
    for source in sources:
        text = source.read_text()
        assert not re.search(r"README: \S", text), f'{source.name}: say README, "Section" instead'
        for file, section in POINTER.findall(text):
            target = ROOT / ("README.md" if file.startswith("README") else file)
            assert target.exists(), f"{source.name} points at {file}, which does not exist"
            if section:
                pointers += 1
                assert " ".join(section.split()) in headings(target), f'{source.name}: {file}, "{section}"'
    assert pointers >= 8  # the check reads what it claims to


def test_the_readme_never_advises_stop_builds() -> None:
    for text in (README, (ROOT / "docs" / "netlify.md").read_text()):
        for line in text.splitlines():
            if "Stop builds" in line:
                assert re.search(r"not|never|stops|doctor", line), line


def test_every_test_the_assumptions_table_names_exists() -> None:
    """docs/netlify.md, "What the gate assumes of GitHub and Netlify": each row names the tests that hold it."""
    text = (ROOT / "docs" / "netlify.md").read_text()
    table = text.split("### What the gate assumes of GitHub and Netlify", 1)[1].split("\n\n**", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| assumption")]
    assert len(rows) >= 15
    tests = ROOT / "tests"
    sources = {path.relative_to(tests).as_posix(): path.read_text() for path in tests.rglob("*.py")}
    for row in rows:
        held_by = row.rstrip(" |").rsplit(" | ", 1)[-1]
        files = re.findall(r"((?:unit/|e2e/)test_\w+\.py|composite_runner\.py|actions_env\.py)", held_by)
        assert files, f"no test named for: {row[:80]}"
        for file in files:
            assert file in sources, f"{file} does not exist ({row[:60]})"
        for name in re.findall(r"(?:::|…)(test_\w+)", held_by):  # `test_a_5xx_*`: a prefix of several
            assert any(f"def {name}" in source for source in sources.values()), f"no test {name}"

"""What a `vibe-gate run --dry-run` loads: start-up is most of its time (issue 21), so what only a deploy, a
mistake or a noise test needs is loaded then, not on every run."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from vibe_action.arguments import terminal_columns
from vibe_action.errors import InputError
from vibe_action.inputs import gitinfo

ROOT = Path(__file__).resolve().parent.parent
ONLY_WHEN_NEEDED = {
    "jsonschema",
    "statistics",
    "uuid",
    "socket",
    "secrets",
    "difflib",
    "traceback",
    "requests",
    "github",
    "vibe_action.deploy.carry",
    "vibe_action.hosting",
    "vibe_action.netlify.deploy",
    "vibe_action.netlify.confirm",
    "vibe_action.netlify.versions",
    "vibe_action.netlify.doctor",
    "vibe_action.ledger.versions",
    "csv",
    "shutil",
    "typing",
    "dataclasses",  # with inspect, ast and dis: vibe_action/values.py says why the gate's classes do without it
    "inspect",
}


@pytest.mark.parametrize(
    ("command", "also"),
    [
        (["run", "--dry-run"], set()),
        (["validate"], {"vibe_action.page.history", "vibe_action.page.publish", "vibe_action.deploy.rollback"}),
    ],
)
def test_deciding_on_valid_files_loads_nothing_only_a_deploy_or_a_mistake_needs(
    tmp_path: Path, command: list[str], also: set[str]
) -> None:
    """Issue 21's start-up, as a list of what a dry run (and `validate`) must not load, each measured in
    `make bench`: jsonschema (~50 ms: a valid file is known valid without it), statistics, uuid, socket,
    secrets, difflib, traceback, the network libraries, the code that starts, confirms or carries out a build
    and, for validate, the other commands' code. A fresh interpreter, the example repository."""
    _example_repository(tmp_path)
    unwanted = sorted(ONLY_WHEN_NEEDED | also)
    probe = (
        "import sys; before = set(sys.modules)  # what the interpreter (and a coverage hook) loaded is not ours\n"
        "from vibe_action.cli import main\n"
        f"sys.argv = ['vibe-gate', *{command!r}]\n"
        "code = main()\n"
        f"print(sorted(set({unwanted!r}) & (set(sys.modules) - before)), code)\n"
    )
    assert _probe(tmp_path, probe) == "[] 0"
    (tmp_path / "config" / "deploy.yaml").write_text("version: 1\nprimery: aime25\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "unknown key 'primery'" in broken.stdout + broken.stderr  # an invalid file: jsonschema's reasons


def _example_repository(path: Path) -> None:
    """The example config and results, committed: a dry run there decides (exit 0) without a network."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    for name in ("config", "results"):
        (path / name).mkdir()
    (path / "config" / "deploy.yaml").write_text(
        (ROOT / "examples" / "config" / "deploy.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for results in (ROOT / "examples" / "results").iterdir():
        (path / "results" / results.name).write_bytes(results.read_bytes())
    git = ["git", "-C", str(path), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "results"], check=True)


def _probe(path: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=path, capture_output=True, text=True, check=False)
    return done.stdout.splitlines()[-1] if done.stdout else done.stderr


def test_the_process_entry_pauses_the_collector_only_while_the_modules_load(tmp_path: Path) -> None:
    """`console()` (the `vibe-gate` script, `python -m vibe_action`, entrypoint.py) turns the cyclic collector
    off for the start-up and back on before the command runs — a results file of hundreds of MiB is read with it
    on — freezing what loading made; `main()`, what a library caller or a test calls, leaves the collector as
    it found it."""
    _example_repository(tmp_path)
    spy = (
        "import gc, sys\n"
        "import vibe_action.commands as commands\n"
        "from vibe_action import cli\n"
        "real, seen = commands.run_command, []\n"
        "def run_command(*args, **kwargs):\n"
        "    seen.append(gc.isenabled())\n"
        "    return real(*args, **kwargs)\n"
        "commands.run_command = run_command\n"
    )
    entry = spy + "sys.argv = ['vibe-gate', 'validate']\ncode = cli.console()\n"
    entry += "print(seen, code, gc.isenabled(), gc.get_freeze_count() > 5000)\n"
    assert _probe(tmp_path, entry) == "[True] 0 True True"
    library = (
        spy + "gc.disable()\ncode = cli.main(['validate'])\nprint(seen, code, gc.isenabled(), gc.get_freeze_count())\n"
    )
    assert _probe(tmp_path, library) == "[False] 0 False 0"
    for script in (ROOT / "entrypoint.py", ROOT / "vibe_action" / "__main__.py"):
        assert "sys.exit(console())" in script.read_text(encoding="utf-8"), script


def test_an_early_git_question_is_answered_or_asked_again_the_usual_way(tmp_path: Path) -> None:
    """`gitinfo.Early`: git's answer when it succeeded; otherwise the usual question and its usual message."""
    repository, plain = tmp_path / "repo", tmp_path / "plain"
    repository.mkdir()
    plain.mkdir()
    _example_repository(repository)
    assert gitinfo.head_from(gitinfo.early_head(repository, True), True) == gitinfo.head(repository)
    assert gitinfo.head_from(gitinfo.early_head(repository, False), False) == (gitinfo.head(repository)[0], "")
    with pytest.raises(InputError, match="run inside a git repository"):
        gitinfo.head_from(gitinfo.early_head(plain, True), True)
    with pytest.raises(InputError, match="is not a folder"):
        gitinfo.head_from(gitinfo.early_head(tmp_path / "missing", True), True)
    unwanted = gitinfo.early_changes(repository, ["config/deploy.yaml"])
    unwanted.close()  # the run failed before it needed the answer: the process is stopped and reaped
    assert unwanted.answer() is None
    (repository / "config" / "deploy.yaml").write_text("version: 1\n", encoding="utf-8")
    asked = ["config/deploy.yaml", "results/aime25.jsonl"]
    expected = gitinfo.changed_since_head(repository, asked)
    assert expected == ["config/deploy.yaml"]
    assert gitinfo.changes_from(gitinfo.early_changes(repository, asked)) == expected


@pytest.mark.parametrize("columns", ["123", "40", "", "wide", "0", "-5"])
def test_the_help_width_is_what_shutil_would_answer(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    """`arguments.terminal_columns` stands in for `shutil.get_terminal_size().columns` (argparse would import
    shutil for every option): the same answer for every $COLUMNS, set, unset or not a number."""
    import shutil

    monkeypatch.setenv("COLUMNS", columns)
    if not columns:
        monkeypatch.delenv("COLUMNS")
    assert terminal_columns() == shutil.get_terminal_size().columns


RUNTIME_TYPING = {"vibe_action/hosting.py"}  # its Protocol classes exist at run time; a dry run never loads it


def test_typing_is_imported_only_for_the_type_checker() -> None:
    """A coverage hook can load typing before the probe above looks, so this is also held where it is written:
    outside `hosting`, typing is imported only under `if TYPE_CHECKING:` (the module's own `TYPE_CHECKING = False`),
    and nothing at run time — an alias, a base class, a cast — needs a name from it."""
    found = {}
    for path in sorted((ROOT / "vibe_action").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [
            node
            for node in tree.body
            if (isinstance(node, ast.ImportFrom) and node.module == "typing")
            or (isinstance(node, ast.Import) and any(alias.name == "typing" for alias in node.names))
        ]
        if top and name not in RUNTIME_TYPING:
            found[name] = ast.unparse(top[0])
        guarded = any(
            isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING" for n in tree.body
        )
        if guarded and name not in RUNTIME_TYPING:
            assert "\nTYPE_CHECKING = False" in path.read_text(encoding="utf-8"), name
    assert found == {}


def test_no_module_of_the_gate_imports_dataclasses() -> None:
    """Held where it is written too (a coverage hook may load dataclasses first): value classes come from
    `vibe_action.values`, whose docstring gives the cost `dataclasses` would add to every run."""
    importers = []
    for path in sorted((ROOT / "vibe_action").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if "dataclasses" in named or (isinstance(node, ast.ImportFrom) and node.module == "dataclasses"):
                importers.append(path.relative_to(ROOT).as_posix())
    assert importers == []

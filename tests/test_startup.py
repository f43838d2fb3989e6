"""What a `vibe-gate run --dry-run` loads: start-up is most of its time (issue 21), so what only a deploy, a
mistake or a noise test needs is loaded then, not on every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONLY_WHEN_NEEDED = {
    "jsonschema",
    "statistics",
    "uuid",
    "socket",
    "secrets",
    "difflib",
    "requests",
    "github",
    "vibe_action.deploy.carry",
}


def test_a_dry_run_on_valid_files_loads_nothing_only_a_deploy_or_a_mistake_needs(tmp_path: Path) -> None:
    """Issue 21's start-up, as a list of what a dry run must not load (each was measured in `make bench`):
    jsonschema (~50 ms: a valid file is known valid without it), statistics, uuid, socket, secrets, difflib, the
    network libraries and the code that carries out a deploy. A fresh interpreter, the example repository."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    for name in ("config", "results"):
        (tmp_path / name).mkdir()
    (tmp_path / "config" / "deploy.yaml").write_text(
        (ROOT / "examples" / "config" / "deploy.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for results in (ROOT / "examples" / "results").iterdir():
        (tmp_path / "results" / results.name).write_bytes(results.read_bytes())
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "results"], check=True)
    probe = (
        "import sys; before = set(sys.modules)  # what the interpreter (and a coverage hook) loaded is not ours\n"
        "from vibe_action.cli import main\n"
        "sys.argv = ['vibe-gate', 'run', '--dry-run']\n"
        "code = main()\n"
        f"print(sorted(set({sorted(ONLY_WHEN_NEEDED)!r}) & (set(sys.modules) - before)), code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.stdout.splitlines()[-1] == "[] 0", done.stdout + done.stderr
    (tmp_path / "config" / "deploy.yaml").write_text("version: 1\nprimery: aime25\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "unknown key 'primery'" in broken.stdout + broken.stderr  # an invalid file: jsonschema's reasons

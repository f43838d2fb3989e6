"""The commit and branch being evaluated, asked of git when the caller does not say."""

from __future__ import annotations

import subprocess
from pathlib import Path

from vibe_action.errors import InputError


def _git(workspace: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=workspace, capture_output=True, text=True, check=False, timeout=30)
    except FileNotFoundError:
        raise InputError("git is not installed; pass --sha and --branch") from None
    if done.returncode != 0:
        raise InputError(
            f"git {' '.join(args)} failed in {workspace}: {done.stderr.strip() or 'no output'}; "
            "run inside a git repository or pass --sha and --branch"
        )
    return done.stdout.strip()


def head_sha(workspace: Path) -> str:
    return _git(workspace, "rev-parse", "HEAD")


def current_branch(workspace: Path) -> str:
    name = _git(workspace, "rev-parse", "--abbrev-ref", "HEAD")
    if name == "HEAD":
        raise InputError("HEAD is detached, so the branch is unknown; pass --branch")
    return name

"""Where lasting version branches are made: the GitHub API (the action), or `git push` to a remote (the CLI).

Both are idempotent for the same commit — a re-run after a crash finds the branch already there — and both
refuse to move a version branch that points at another commit: a version's URL must keep showing the
version it was created for.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

from github import GithubException
from github.Repository import Repository

from vibe_action.errors import ExternalError
from vibe_action.github.client import describe

GIT_TIMEOUT = 60


class GitHubBranches:
    """`POST /repos/{owner}/{repo}/git/refs`; needs `contents: write` (asked for only when versions are on)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def create(self, branch: str, sha: str) -> str:
        requester = self.repo.requester
        try:
            requester.requestJsonAndCheck(
                "POST", f"{self.repo.url}/git/refs", input={"ref": f"refs/heads/{branch}", "sha": sha}
            )
        except GithubException as exc:
            if exc.status != 422:  # 422: the reference exists already (or the sha is unknown)
                hint = "add `contents: write` to the job's permissions" if exc.status in (403, 404) else ""
                raise ExternalError(f"{describe(exc)}{'; ' + hint if hint else ''}") from None
            existing = self._points_at(branch)
            if existing is None:
                raise ExternalError(f"{describe(exc)}: GitHub refused the branch at {sha[:7]}") from None
            if existing != sha:
                raise ExternalError(
                    f"the branch {branch} exists at {existing[:7]}, not at {sha[:7]}; a version branch is never "
                    "moved — delete it if it was made by hand, or set versions.branch_prefix to a new prefix"
                ) from None
            return f"the branch {branch} was already at {sha[:7]}"
        return f"created the branch {branch} at {sha[:7]}"

    def _points_at(self, branch: str) -> str | None:
        try:
            _, data = self.repo.requester.requestJsonAndCheck(
                "GET", f"{self.repo.url}/git/ref/heads/{quote(branch, safe='/')}"
            )
        except GithubException:
            return None
        target = data.get("object") if isinstance(data, dict) else None
        sha = target.get("sha") if isinstance(target, dict) else None
        return sha if isinstance(sha, str) else None


class GitPushBranches:
    """`git push <remote> <sha>:refs/heads/<branch>` from the workspace (the CLI, with the user's git access)."""

    def __init__(self, workspace: Path, remote: str = "origin") -> None:
        self.workspace = workspace
        self.remote = remote

    def _git(self, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                ["git", "-C", str(self.workspace), *args],
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT,
                check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},  # never wait for a password on a CI runner
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExternalError(f"git {args[0]} failed: {exc}") from None

    def create(self, branch: str, sha: str) -> str:
        listed = self._git("ls-remote", "--heads", self.remote, f"refs/heads/{branch}")
        if listed.returncode != 0:
            raise ExternalError(f"git ls-remote {self.remote}: {_last_line(listed.stderr)}")
        existing = listed.stdout.split()[0] if listed.stdout.strip() else None
        if existing == sha:
            return f"the branch {branch} was already at {sha[:7]} on {self.remote}"
        if existing is not None:
            raise ExternalError(
                f"the branch {branch} exists on {self.remote} at {existing[:7]}, not at {sha[:7]}; a version "
                "branch is never moved — delete it if it was made by hand, or set a new versions.branch_prefix"
            )
        pushed = self._git("push", "--quiet", self.remote, f"{sha}:refs/heads/{branch}")
        if pushed.returncode != 0:
            raise ExternalError(f"git push {self.remote} {branch}: {_last_line(pushed.stderr)}")
        return f"pushed the branch {branch} at {sha[:7]} to {self.remote}"


def _last_line(text: str) -> str:
    """git's last message, without the credentials a remote URL may carry (`https://user:token@host`)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return re.sub(r"://[^/@\s]+@", "://***@", lines[-1][:300]) if lines else "no message"

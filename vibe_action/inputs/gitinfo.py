"""The commit and branch being evaluated, asked of git when the caller does not say."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from vibe_action.errors import InputError

SHA = re.compile(r"[0-9a-f]{7,64}")  # abbreviated to full; 64 for SHA-256 repositories
MAX_BRANCH_LENGTH = 255


def checked_sha(value: str, where: str) -> str:
    """A commit id as git prints it (7 to 64 hex digits: 40 for SHA-1, 64 for SHA-256 repositories); it goes into
    the hook body and the ledger."""
    value = value.strip()
    if not SHA.fullmatch(value):
        raise InputError(f"{where}: '{value[:80]}' is not a commit id (7 to 64 hex digits, as git prints it)")
    return value


def checked_branch(value: str, where: str) -> str:
    """A branch name git would accept, within a length that fits titles, statuses and ledger lines."""
    if not value or len(value) > MAX_BRANCH_LENGTH or any(ord(ch) < 32 or ch in "\x7f ~^:?*[\\" for ch in value):
        raise InputError(f"{where}: {value[:80]!r} is not a valid branch name")
    return value


def _git(workspace: Path, *args: str) -> str:
    if not workspace.is_dir():  # subprocess names a missing cwd as a missing program ("git is not installed")
        raise InputError(f"the workspace {workspace} is not a folder; check --workspace")
    try:
        done = subprocess.run(["git", *args], cwd=workspace, capture_output=True, text=True, check=False, timeout=30)
    except FileNotFoundError:
        raise InputError("git is not installed; pass --sha and --branch") from None
    if done.returncode != 0:
        if "unknown revision" in done.stderr or "ambiguous argument 'HEAD'" in done.stderr:
            where = "" if str(workspace) == "." else f" in {workspace}"
            raise InputError(
                f"the repository{where} has no commit yet: a decision is recorded under the commit it "
                "judged — commit the results and config/deploy.yaml first, or pass --sha and --branch"
            )
        raise InputError(
            f"git {' '.join(args)} failed in {workspace}: {done.stderr.strip() or 'no output'}; "
            "run inside a git repository or pass --sha and --branch"
        )
    return done.stdout.strip()


def head(workspace: Path, need_branch: bool = True) -> tuple[str, str]:
    """(HEAD's sha, the branch checked out) from one git process; the branch is '' when not needed."""
    return _head_of(_git(workspace, *_head_args(need_branch)), need_branch)


def _head_args(need_branch: bool) -> tuple[str, ...]:
    return ("rev-parse", "HEAD", "--abbrev-ref", "HEAD") if need_branch else ("rev-parse", "HEAD")


def _head_of(answer: str, need_branch: bool) -> tuple[str, str]:
    if not need_branch:
        return answer.strip(), ""
    sha, _, name = answer.partition("\n")
    if name.strip() == "HEAD":
        raise InputError("HEAD is detached, so the branch is unknown; pass --branch")
    return sha.strip(), name.strip()


def ask_git(workspace: Path, *args: str) -> str | None:
    """git's answer, or None when there is no git, no repository or an error: for hints, never decisions."""
    try:
        done = subprocess.run(["git", *args], cwd=workspace, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def changed_since_head(workspace: Path, paths: list[str]) -> list[str]:
    """Which of `paths` differ from HEAD (modified, staged or untracked); [] when git cannot tell."""
    return _changed(ask_git(workspace, *_status_args(paths)))


def _status_args(paths: list[str]) -> tuple[str, ...]:
    return ("status", "--porcelain", "--untracked-files=all", "--", *paths)


def _changed(status: str | None) -> list[str]:
    return sorted({line[3:].strip() for line in (status or "").splitlines() if len(line) > 3})


def results_commits(
    workspace: Path, live: str, candidate: str, paths: list[str], since: str | None = None
) -> int | None:
    """How many commits after `live`, up to and including `candidate` along its first parents (a merged pull
    request is its merge commit), changed one of `paths` (globs, as deploy.yaml writes them) — committed at or
    after `since` (a rollback's time: the versions between were compared with another live version). None
    when git cannot tell: no git, or `live` outside the history this checkout has (a shallow clone)."""
    if not SHA.fullmatch(live) or not SHA.fullmatch(candidate):
        return None
    window = [f"--since={since}"] if since else []
    specs = [f":(glob){path}" for path in paths]
    answer = ask_git(workspace, "rev-list", "--count", "--first-parent", *window, f"{live}..{candidate}", "--", *specs)
    return int(answer) if answer is not None and answer.strip().isdigit() else None


MAX_ARCHIVE_BYTES = 512 * 1024 * 1024  # the results of one commit, as `git archive` packs them


def files_at(workspace: Path, sha: str, patterns: list[str], into: Path) -> int:
    """Write the files of commit `sha` that match the glob `patterns` into the folder `into` (as they were then);
    the count written. 0 when the repository does not have that commit (a shallow clone) or nothing matches."""
    import tarfile  # noqa: PLC0415 — only `diff` of an old snapshot reads a commit's files
    import tempfile  # noqa: PLC0415

    checked_sha(sha, "the snapshot's commit")
    specs = [f":(glob){p}" for p in patterns]
    with tempfile.TemporaryFile() as packed:
        try:
            done = subprocess.run(
                ["git", "archive", "--format=tar", sha, "--", *specs],
                cwd=workspace,
                stdout=packed,
                stderr=subprocess.DEVNULL,
                check=False,
                timeout=60,
            )
        except (FileNotFoundError, subprocess.TimeoutExpired):
            return 0
        if done.returncode != 0 or packed.tell() > MAX_ARCHIVE_BYTES:
            return 0
        packed.seek(0)
        with tarfile.open(fileobj=packed, mode="r:") as archive:
            members = [
                m
                for m in archive.getmembers()
                if m.isfile() and not Path(m.name).is_absolute() and ".." not in Path(m.name).parts
            ]
            for member in members:
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is not None:
                    target.write_bytes(source.read())
            return len(members)

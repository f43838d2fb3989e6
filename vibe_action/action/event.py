"""What triggered this run, read once from the runner's `GITHUB_*` variables and the event payload.

The policy never sees these variables: this module turns them into a frozen `GitHubContext`.
- push: the pushed commit and branch; the changed files from `commits[]` decide whether to evaluate at all.
- pull_request: the PR's *head* commit (not the merge commit GITHUB_SHA points at), judged against the
  base branch's rules and deployed version; never deploys. A fork's token is read-only.
- workflow_dispatch (and schedule): HEAD of the ref, as for push.
- any other event (merge_group, release, …): GITHUB_SHA, shown as a preview and never deployed.
- pull_request_target is refused: it runs with a write token and secrets on code from the PR's author.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibe_action.decide.policy import DEPLOY_EVENTS
from vibe_action.errors import InputError
from vibe_action.inputs.gitinfo import checked_sha

PUSH_LIKE = DEPLOY_EVENTS
# GitHub caps a push payload's `commits` at 2048; at the cap the list of changed files may be incomplete.
MAX_PUSH_COMMITS = 2048


@dataclass(frozen=True)
class GitHubContext:
    event_name: str
    repository: str
    sha: str
    branch: str  # the branch whose rules and ledger apply (a PR's base branch)
    api_url: str
    server_url: str
    run_id: str = ""
    run_attempt: str = "1"
    pr_number: int | None = None
    is_fork: bool = False
    changed_files: tuple[str, ...] | None = None  # None: unknown, evaluate

    @property
    def run_url(self) -> str:
        if not self.run_id:
            return f"{self.server_url}/{self.repository}/actions"
        attempt = f"/attempts/{self.run_attempt}" if self.run_attempt not in ("", "1") else ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}{attempt}"


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise InputError(f"{name} is not set: run inside GitHub Actions, or use the vibe-gate CLI locally")
    return value


def load_payload(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the event payload at GITHUB_EVENT_PATH ({path}): {exc}") from None
    return data if isinstance(data, dict) else {}


def load_context(env: Mapping[str, str]) -> GitHubContext:
    event = _required(env, "GITHUB_EVENT_NAME")
    payload = load_payload(env)
    repository = _required(env, "GITHUB_REPOSITORY")
    base_context = GitHubContext(
        event_name=event,
        repository=repository,
        sha="",
        branch="",
        api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
        server_url=env.get("GITHUB_SERVER_URL") or "https://github.com",
        run_id=env.get("GITHUB_RUN_ID", ""),
        run_attempt=env.get("GITHUB_RUN_ATTEMPT", "1"),
    )
    if event == "pull_request_target":
        raise InputError(
            "pull_request_target is refused: it runs with a write token and secrets on code chosen by "
            "the pull request's author. Use 'pull_request' (the gate only reports there) and 'push' to deploy."
        )
    if event == "pull_request":
        pr = payload.get("pull_request") or {}
        head = pr.get("head") or {}
        base = pr.get("base") or {}
        # A fork PR is told by repository identity: the head repository is another one, or was deleted (null).
        # `head.repo.fork` only says the head repository is itself a fork — in a forked repository that is
        # true for every PR, same-repository ones included, so it is never read.
        head_repo = (head.get("repo") or {}).get("full_name")
        base_repo = (
            (base.get("repo") or {}).get("full_name")
            or (payload.get("repository") or {}).get("full_name")
            or repository
        )
        if not head.get("sha") or not base.get("ref"):
            raise InputError("the pull_request payload has no head.sha or base.ref; cannot tell what to evaluate")
        return replace(
            base_context,
            sha=checked_sha(str(head["sha"]), "pull_request.head.sha"),
            branch=str(base["ref"]),
            pr_number=int(payload.get("number") or pr.get("number") or 0),
            is_fork=not head_repo or str(head_repo).lower() != str(base_repo).lower(),
        )
    if event in PUSH_LIKE:
        branch = _required(env, "GITHUB_REF_NAME")
        return replace(
            base_context,
            sha=checked_sha(_required(env, "GITHUB_SHA"), "GITHUB_SHA"),
            branch=branch,
            changed_files=changed_files(payload) if event == "push" else None,
        )
    return _preview_context(base_context, env, payload)


def _preview_context(base: GitHubContext, env: Mapping[str, str], payload: Mapping[str, Any]) -> GitHubContext:
    """Any other event (merge_group, release, …) is evaluated and shown, never deployed: GITHUB_SHA, judged by
    the rules of the branch it targets — a merge queue's base branch (`merge_group.base_ref`), else the ref."""
    group = payload.get("merge_group")
    base_ref = group.get("base_ref") if isinstance(group, dict) else None
    branch = (
        str(base_ref).removeprefix("refs/heads/")
        if isinstance(base_ref, str) and base_ref
        else _required(env, "GITHUB_REF_NAME")
    )
    return replace(
        base,
        sha=checked_sha(_required(env, "GITHUB_SHA"), "GITHUB_SHA"),
        branch=branch,
    )


def changed_files(payload: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Files touched by a push, or None when the payload cannot say (new branch, cap reached, no commits)."""
    commits = payload.get("commits")
    if not isinstance(commits, list) or not commits or len(commits) >= MAX_PUSH_COMMITS:
        return None
    if payload.get("created") or payload.get("forced"):
        return None
    files: set[str] = set()
    for commit in commits:
        for key in ("added", "modified", "removed"):
            files.update(str(f) for f in commit.get(key) or ())
    return tuple(sorted(files))

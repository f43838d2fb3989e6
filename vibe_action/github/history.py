"""How many commits changed the results since a version went live, from GitHub's copy of the repository.

The action's checkout is shallow (`actions/checkout` fetches one commit), so git cannot tell; GitHub's compare
API can ("Compare two commits": the commits reachable from the head and not from the base, oldest first, at
most 250 listed; each listed commit's files need one more request, "Get a commit"). The count follows the
candidate's first parents, as git's `--first-parent` does: a merged pull request is its merge commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from github import GithubException
from github.Repository import Repository

# Commits whose files are read, newest first; any older one between is counted as a results change. A count
# that is too large only makes the gain test stricter (its level shrinks as 1/j^2), never looser.
FILE_READS = 20


def results_commits(
    repo: Repository,
    live: str,
    candidate: str,
    changes_results: Callable[[str], bool],
    since: datetime | None = None,
) -> int | None:
    """The commits after `live`, up to `candidate` along its first parents, that changed a file for which
    `changes_results` is true (committed at or after `since`, when given); None when GitHub cannot tell."""
    try:
        comparison = repo.compare(live, candidate)
        listed = {commit.sha: commit for commit in comparison.commits}
        unlisted = max(0, comparison.total_commits - len(listed))
        chain = []
        current = listed.get(candidate) or next((c for s, c in listed.items() if s.startswith(candidate)), None)
        while current is not None:
            chain.append(current)
            current = listed.get(current.parents[0].sha) if current.parents else None
        if since is not None:
            chain = [c for c in chain if c.commit.committer.date >= since]
        read, unread = chain[:FILE_READS], chain[FILE_READS:]
        changed = sum(1 for commit in read if any(changes_results(f.filename) for f in commit.files))
    except GithubException:
        return None
    return changed + len(unread) + (unlisted if since is None else 0)

"""Show a decision on GitHub: check run with annotations, commit status, one sticky PR comment, job summary.

Every write can fail on permissions (a default `GITHUB_TOKEN` may lack `checks: write`; a fork's token is
read-only). A failed write never fails the job by itself: it degrades to the job summary and workflow-command
annotations, which need no permission, with a one-line fix. For a fork PR no write is attempted at all.
"""

from __future__ import annotations

from collections.abc import Callable

from github import GithubException
from github.Repository import Repository

from vibe_action.action.event import GitHubContext
from vibe_action.action.workflow import Workflow, truncate_utf8
from vibe_action.github.client import WRITE_PERMISSION_HINTS, describe
from vibe_action.render.report import CHECK_TEXT_LIMIT, Annotation, Publication

CHECK_NAME = "vibe-deploy-gate"
STATUS_CONTEXT = "vibe-deploy-gate"
COMMENT_MARKER = "<!-- vibe-deploy-gate:sticky-comment -->"
ANNOTATIONS_PER_REQUEST = 50


class GitHubReporter:
    def __init__(
        self,
        repo: Repository | None,
        context: GitHubContext,
        workflow: Workflow,
        enabled: frozenset[str],
    ) -> None:
        self.repo = repo
        self.context = context
        self.workflow = workflow
        self.enabled = enabled
        self.notes: list[str] = []  # what could not be written, and how to fix it

    def publish(self, publication: Publication) -> None:
        """All surfaces, in order; the summary last so it can carry the notes of failed writes."""
        if self.context.is_fork:
            self.notes.append(
                "fork pull request: the token is read-only, so no check run, status or comment was written; "
                "the report is in this job summary and the annotations"
            )
        elif self.repo is not None:
            if "check" in self.enabled:
                self._attempt("check", lambda: self._check_run(publication))
            if "status" in self.enabled:
                self._attempt("status", lambda: self._commit_status(publication))
            if "comment" in self.enabled and self.context.pr_number is not None:
                self._attempt("comment", lambda: self._sticky_comment(publication))
        for annotation in publication.annotations:
            self.workflow.annotate(annotation)
        for note in self.notes:
            self.workflow.message("warning", note)
        if "summary" in self.enabled:
            notes = "".join(f"> {note}\n" for note in self.notes)
            self.workflow.append_summary(publication.markdown + ("\n" + notes if notes else ""))

    def _attempt(self, surface: str, write: Callable[[], None]) -> None:
        try:
            write()
        except GithubException as exc:
            fix = WRITE_PERMISSION_HINTS[surface] if exc.status in (403, 404) else "see the workflow log"
            self.notes.append(f"could not write the {surface} ({describe(exc)}): {fix}")

    def _check_run(self, publication: Publication) -> None:
        assert self.repo is not None  # noqa: S101 — publish() only calls this with a repository
        summary = truncate_utf8(publication.markdown, CHECK_TEXT_LIMIT - 100)
        chunks = _chunks(publication.annotations)
        run = self.repo.create_check_run(
            name=CHECK_NAME,
            head_sha=self.context.sha,
            status="completed",
            conclusion=publication.conclusion,
            details_url=self.context.run_url,
            output=_output(publication.title, summary, chunks[0]),
        )
        for chunk in chunks[1:]:  # GitHub takes 50 annotations per request; later ones are appended
            run.edit(output=_output(publication.title, summary, chunk))

    def _commit_status(self, publication: Publication) -> None:
        assert self.repo is not None  # noqa: S101
        self.repo.get_commit(self.context.sha).create_status(
            state=publication.status_state,
            target_url=self.context.run_url,
            description=publication.status_description,
            context=STATUS_CONTEXT,
        )

    def _sticky_comment(self, publication: Publication) -> None:
        """Update the one comment with our marker (searched across all pages), or create it."""
        assert self.repo is not None  # noqa: S101
        assert self.context.pr_number is not None  # noqa: S101
        body = f"{COMMENT_MARKER}\n{truncate_utf8(publication.markdown, CHECK_TEXT_LIMIT - 200)}"
        issue = self.repo.get_issue(self.context.pr_number)
        for comment in issue.get_comments():
            if COMMENT_MARKER in (comment.body or ""):
                comment.edit(body)
                return
        issue.create_comment(body)


def _chunks(annotations: tuple[Annotation, ...]) -> list[tuple[Annotation, ...]]:
    if not annotations:
        return [()]
    return [annotations[i : i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(annotations), ANNOTATIONS_PER_REQUEST)]


CheckOutput = dict[str, str | list[dict[str, str | int]]]


def _output(title: str, summary: str, annotations: tuple[Annotation, ...]) -> CheckOutput:
    output: CheckOutput = {"title": title, "summary": summary}
    if annotations:
        output["annotations"] = [
            {
                "path": a.path,
                "start_line": a.line,
                "end_line": a.line,
                "annotation_level": a.level,
                "message": a.message,
                **({"title": a.title} if a.title else {}),
            }
            for a in annotations
        ]
    return output

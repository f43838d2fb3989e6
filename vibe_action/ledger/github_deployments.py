"""GitHub Deployments as the ledger, behind the same interface as the local file.

A snapshot is a deployment that this action created (task `deploy:vibe-gate`, payload key `vibe_deploy_gate`)
in the environment; its state is the deployment's latest status. The listing is bounded: one page of 100
deployments (a second only when the first is full and still needed), and one status request per deployment
the decision needs — newest first until the live one is found, this month's newest (its payload carries the
month's count before it, for the quota), and any of the commit being evaluated (never deploy it twice).
Deployments whose status was not needed come back with status `unknown`, which neither counts nor serves as
a baseline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from github import GithubException
from github.Deployment import Deployment
from github.Repository import Repository

from vibe_action.errors import ExternalError
from vibe_action.github.client import WRITE_PERMISSION_HINTS, describe, rate_limited
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.records import LIVE_STATUSES, SPENT_STATUSES, Outcome, Record, finished
from vibe_action.ledger.versions import FAILED_PREFIX

TASK = "deploy:vibe-gate"
PAYLOAD_KEY = "vibe_deploy_gate"
# record.extra fields kept in the payload
PAYLOAD_EXTRA = frozenset(
    {
        "month",
        "month_spent_before",
        "benchmarks",
        "title",
        "report",
        "rebuilt",
        "version_number",
        "version_branch",
        "month_version_builds_before",
        "locked",
        "rollback_of",
    }
)
PAGE_SIZE = 100
LISTING_REQUESTS = 3  # at most: the environment's listing (two pages in a busy month) and one by commit
DESCRIPTION_LIMIT = 140
# GitHub deployment status state -> ledger status. `inactive` is a success that a newer one replaced.
STATE_TO_STATUS = {
    "success": "success",
    "inactive": "superseded",
    "failure": "failure",
    "error": "failure",
    "in_progress": "in_progress",
    "queued": "in_progress",
    "pending": "in_progress",
}
# Ledger status -> (GitHub state, description prefix). Statuses GitHub has no word for are told apart by the
# prefix of the description: a cancelled or unconfirmed deploy is an `error`, a pruned one `inactive`.
STATUS_TO_STATE = {
    "success": ("success", ""),
    "failure": ("failure", ""),
    "in_progress": ("in_progress", ""),
    "unconfirmed": ("error", "unconfirmed: "),
    "cancelled": ("error", "cancelled: "),
    "pruned": ("inactive", "pruned: "),
}
PREFIXED = {prefix: status for status, (_, prefix) in STATUS_TO_STATE.items() if prefix}


def read_statuses(listed: object) -> tuple[str, str | None, str]:
    """(ledger status, URL, description) from a deployment's statuses, whatever order they come in.

    The state is the newest status's. When a newer deployment succeeds, GitHub adds an `inactive` status to
    the older successful ones (`auto_inactive`, default true); users report that it carries no
    `environment_url` (nwtgck/actions-netlify#726), and its description is GitHub's, not the gate's. So the
    URL is the newest one any status carries, the description the newest one the gate wrote, and the gate's
    markers (`unconfirmed: `, `pruned: `, …) are read only from a description the newest status itself has.
    """
    statuses = sorted(
        (
            s
            for s in (listed if isinstance(listed, list) else [])
            if isinstance(s, dict) and isinstance(s.get("id"), int)
        ),
        key=lambda s: s["id"],
        reverse=True,
    )
    if not statuses:
        return "in_progress", None, ""  # created, no status yet: a run is (or was) deploying it
    newest = statuses[0]
    status = STATE_TO_STATUS.get(str(newest.get("state")), "unknown")
    own = str(newest.get("description") or "")
    status = next((s for p, s in PREFIXED.items() if own.startswith(p)), status)
    url = next((str(s["environment_url"]) for s in statuses if s.get("environment_url")), None)
    description = next((str(s["description"]) for s in statuses if _gates_description(s)), "")
    return status, url, description


def _gates_description(status: dict[str, Any]) -> bool:
    """A description the gate wrote: any but an `inactive` one's, unless it is the gate's own `pruned: `
    (an automatic inactive status may be empty, copy the older one, or carry GitHub's words: never read)."""
    text = str(status.get("description") or "")
    return bool(text) and (status.get("state") != "inactive" or text.startswith(STATUS_TO_STATE["pruned"][1]))


def clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _no_deploy_id(url: str | None) -> str | None:  # noqa: ARG001 — a GitHubLedger.deploy_id_of
    return None


class GitHubLedger:
    """`deploy_id_of` reads the host's deploy id from the URL a status carries (a payload cannot be edited after
    the deployment is created, so the id the host gave is known only from the URL; `hosts.deploy_id_of`)."""

    def __init__(
        self,
        repo: Repository,
        run_url: str,
        now: datetime,
        status_budget: int | None = None,
        deploy_id_of: Callable[[str | None], str | None] = _no_deploy_id,
    ) -> None:
        self.repo = repo
        self.deploy_id_of = deploy_id_of
        self.run_url = run_url
        self.now = now
        self.status_budget = status_budget  # at most this many status requests (None: as many as needed)
        self.status_reads = 0
        self.unread = 0  # records whose status was needed but not read, for the budget
        self._listed: dict[str, list[Deployment]] = {}  # environment -> the last listing read
        self._statuses: dict[int, tuple[str, str | None, str]] = {}  # statuses read and not written since

    def recent(self, environment: str, live: int, skip: str = "") -> list[Record]:
        """The records behind a chart of the last `live` versions, reusing the listing and the statuses this
        run read already (a chart is drawn after the decision: what is new since is the candidate itself, and
        `skip` is its record)."""
        listing = self._listed.get(environment)
        if listing is None:
            return [r for r in self.records(environment, None, live) if r.id != skip]
        records: list[Record] = []
        found_live = 0
        for deployment in listing:
            if str(deployment.id) == skip:
                continue
            record = self._record(deployment, with_status=found_live < live)
            found_live += record.status in LIVE_STATUSES
            records.append(record)
        return list(reversed(records))

    # ------------------------------------------------------------------ reading

    def records(self, environment: str | None = None, sha: str | None = None, live: int = 1) -> list[Record]:
        env = environment or "production"
        deployments = self._listing(env, sha)
        month = self.now.strftime("%Y-%m")
        records: list[Record] = []
        found_live = 0
        counted = False  # reached the newest deployment of the month that carries the month's count
        for deployment in deployments:  # newest first
            in_month = deployment.created_at.strftime("%Y-%m") == month
            needed = found_live < live or (in_month and not counted) or (sha is not None and deployment.sha == sha)
            record = self._record(deployment, with_status=needed)
            found_live += record.status in LIVE_STATUSES
            trusted = record.status in SPENT_STATUSES or record.status == "failure"  # not a cancelled run's count
            counted = counted or (
                in_month and trusted and record.extra.month == month and record.extra.month_spent_before is not None
            )
            records.append(record)
        return list(reversed(records))

    def _listing(self, environment: str, sha: str | None) -> list[Deployment]:
        listing = self.repo.get_deployments(task=TASK, environment=environment)
        page = self._page(listing, 0)
        if len(page) >= PAGE_SIZE:
            oldest = min(page, key=lambda d: d.id)
            if oldest.created_at.strftime("%Y-%m") == self.now.strftime("%Y-%m"):
                page += self._page(listing, 1)  # a busy month: the quota needs the second page
        if sha is not None and len(page) >= PAGE_SIZE and all(d.sha != sha for d in page):
            page += self._page(self.repo.get_deployments(sha=sha, task=TASK, environment=environment), 0)
        unique = {d.id: d for d in page if self._ours(d)}
        ordered = sorted(unique.values(), key=lambda d: d.id, reverse=True)
        self._listed[environment] = ordered
        return ordered

    def _page(self, listing: Any, number: int) -> list[Deployment]:
        try:
            return list(listing.get_page(number))
        except GithubException as exc:
            need = "" if rate_limited(exc) else "; the job needs `deployments: read`"
            raise ExternalError(f"cannot list deployments ({describe(exc)}){need}") from None

    @staticmethod
    def _payload(deployment: Deployment) -> dict[str, Any]:
        payload = deployment.payload
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                return {}
        return payload if isinstance(payload, dict) else {}

    def _deployment_url(self, deployment_id: object) -> str:
        return f"{self.repo.url}/deployments/{deployment_id}"

    def _ours(self, deployment: Deployment) -> bool:
        return isinstance(self._payload(deployment).get(PAYLOAD_KEY), dict)

    def _record(self, deployment: Deployment, with_status: bool) -> Record:
        data = self._payload(deployment)[PAYLOAD_KEY]
        status, url, description = "unknown", None, ""
        if with_status and deployment.id in self._statuses:
            status, url, description = self._statuses[deployment.id]
        elif with_status and self.status_budget is not None and self.status_reads >= self.status_budget:
            self.unread += 1
        elif with_status:
            self.status_reads += 1
            try:  # built from the repository URL, not from the listing's `url` fields
                _, statuses = self.repo.requester.requestJsonAndCheck(
                    "GET", f"{self._deployment_url(deployment.id)}/statuses", parameters={"per_page": 100}
                )
            except GithubException as exc:
                raise ExternalError(f"cannot read deployment statuses ({describe(exc)})") from None
            self._statuses[deployment.id] = status, url, description = read_statuses(statuses)
        scores = data.get("scores") if isinstance(data.get("scores"), dict) else {}
        return Record(
            sha=deployment.sha,
            branch=str(data.get("branch") or deployment.ref),
            time=deployment.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            status=status,
            scores={k: float(v) for k, v in scores.items() if isinstance(v, (int, float)) and math.isfinite(v)},
            id=str(deployment.id),
            environment=deployment.environment,
            decision=str(data.get("decision", "deploy")),
            reasons=tuple(str(r) for r in data.get("reasons", ()) if isinstance(r, str)),
            results_digest=str(data.get("results_digest", "")),
            config_digest=str(data.get("config_digest", "")),
            deploy_id=self.deploy_id_of(url),
            deploy_url=url,
            model=data.get("model") if isinstance(data.get("model"), dict) else None,
            # (month, count and per-item digests are read back only when they have their written types)
            extra=replace(
                RecordExtra.lenient({k: v for k, v in data.items() if k in PAYLOAD_EXTRA}),
                github_deployment_id=deployment.id,
                version_build="failed" if description.startswith(FAILED_PREFIX) else None,
            ),
        )

    # ------------------------------------------------------------------ writing

    def start(self, record: Record) -> Record:
        payload = {
            PAYLOAD_KEY: {
                "version": 1,
                "branch": record.branch,
                "scores": dict(record.scores),
                "results_digest": record.results_digest,
                "config_digest": record.config_digest,
                "decision": record.decision,
                "reasons": list(record.reasons)[:10],
                "model": None if record.model is None else dict(record.model),
                "run_url": self.run_url,
                **{k: v for k, v in record.extra.to_json().items() if k in PAYLOAD_EXTRA},
            }
        }
        try:
            deployment = self.repo.create_deployment(
                ref=record.sha,
                task=TASK,
                auto_merge=False,
                required_contexts=[],
                payload=payload,
                environment=record.environment,
                description=clip(f"vibe-deploy-gate: {', '.join(f'{k} {v:g}' for k, v in record.scores.items())}"),
            )
        except GithubException as exc:
            hint = WRITE_PERMISSION_HINTS["deployment"] if exc.status in (403, 404) else "try again later"
            raise ExternalError(
                f"cannot create the GitHub deployment that records this deploy ({describe(exc)}); "
                f"nothing was deployed — {hint}"
            ) from None
        started = replace(
            record,
            id=str(deployment.id),
            status="in_progress",
            extra=replace(record.extra, github_deployment_id=deployment.id),
        )
        self._status(started, "in_progress", "deploying: firing the build hook")
        return started

    def finish(self, started: Record, outcome: Outcome) -> Record:
        final = finished(started, outcome)
        state, prefix = STATUS_TO_STATE.get(outcome.status, ("error", f"{outcome.status}: "))
        self._status(final, state, prefix + outcome.message)
        return final

    def _status(self, record: Record, state: str, description: str) -> None:
        """POST a deployment status with `log_url` (PyGithub's helper only knows the older target_url)."""
        deployment_id = record.extra.github_deployment_id
        if deployment_id is None:
            raise ExternalError("internal: a GitHub ledger record without its deployment id")
        self._statuses.pop(deployment_id, None)
        body: dict[str, Any] = {"state": state, "log_url": self.run_url, "description": clip(description)}
        if record.deploy_url:
            body["environment_url"] = record.deploy_url
        try:
            self.repo.requester.requestJsonAndCheck(
                "POST", f"{self._deployment_url(deployment_id)}/statuses", input=body
            )
        except GithubException as exc:
            raise ExternalError(f"cannot update the GitHub deployment status to '{state}' ({describe(exc)})") from None

"""Lasting version URLs: after a confirmed production deploy, a branch `<prefix>vN` at the commit, built once.

Netlify deletes a production deploy's permalink after its retention period, but keeps the newest deploy of
every branch. So the gate creates the branch `<prefix>vN` at the evaluated commit (through the GitHub API in
the action, by `git push` in the CLI: the `BranchMaker` passed in) and fires the build hook once with
`trigger_branch=<prefix>vN`; `<prefix>-vN--<site>.netlify.app` then lasts. This build is a second POST of its
own: it is never repeated, and its failure never turns the production deploy into a failure — the version
keeps its permalink and the outcome says why it has no lasting URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vibe_action.errors import ExternalError, InputError
from vibe_action.hosts.netlify.deploy import start_build
from vibe_action.hosts.netlify.services import NetlifyServices, Trigger
from vibe_action.hosts.netlify.urls import lasting_url, site_of
from vibe_action.hosts.protocol import BranchMaker
from vibe_action.inputs.sections import Versions
from vibe_action.ledger.records import Record


@dataclass(frozen=True)
class LastingResult:
    ok: bool
    message: str
    url: str | None = None


def lasting_build(
    final: Record, trigger: Trigger, services: NetlifyServices, versions: Versions, maker: BranchMaker | None
) -> LastingResult:
    """Create the version's branch and build it once; a failure is reported, never raised."""
    branch = final.extra.version_branch
    number = final.extra.version_number
    if branch is None or number is None:
        return LastingResult(False, "the record has no version number")
    if maker is None:
        return LastingResult(False, f"nowhere to create the branch {branch}: no GitHub token or git remote")
    try:
        done = maker.create(branch, final.sha)
    except (ExternalError, InputError) as exc:
        return LastingResult(False, f"could not create the branch {branch}: {exc}")
    body: dict[str, Any] = {**trigger.body, "version": number, "version_branch": branch}
    started = start_build(trigger, services, title=f"v{number} · {trigger.title}"[:200], branch=branch, body=body)
    if started.state != "accepted":
        return LastingResult(False, f"{done}, but its build did not start: {started.message}")
    site = versions.site or site_of(final.deploy_url) or _site_name(services)
    url = lasting_url(branch, site) if site else None
    where = url or f"the branch deploy of {branch}"
    return LastingResult(True, f"v{number}: {done}; built once — lasting URL {where}", url)


def _site_name(services: NetlifyServices) -> str | None:
    if services.netlify is None:
        return None
    try:
        name = services.netlify.site().get("name")
    except ExternalError:
        return None
    return name if isinstance(name, str) and name else None

"""What the snapshot commands need of a Pages project: its deployments as `hosting.HostDeploy`, rolling
production back, deleting, doctor's checks, and a version's lasting branch alias.

Facts (the official `cloudflare` SDK, `resources/pages/projects/deployments` and `types/pages/project.py`):
- `POST …/deployments/{id}/rollback` makes production serve an earlier successful production deployment; no
  new deployment is built. Pages has no deploy lock: the project's next production build replaces it, so the
  gate keeps the lock in its ledger and doctor checks that pushes do not build production by themselves.
- `DELETE …/deployments/{id}` refuses a deployment with an alias unless `?force=true` (code 8000035): the gate
  never forces — an aliased deployment serves a branch URL, and prune keeps it.
- `GET …/projects/{project}`: `canonical_deployment` (what production serves), `subdomain`
  (`<project>.pages.dev`, or with a suffix when the name was taken), `source.config`:
  `production_deployments_enabled` (pushes to the production branch build by themselves),
  `deployments_enabled`, `preview_deployment_setting` all | none | custom with `preview_branch_includes`.
- A branch's newest preview deployment is served at its branch alias, `https://<branch>.<subdomain>`, the branch
  lowercased with every run of other characters turned into `-` (Pages "Preview deployments"); the alias lasts
  as long as the branch's newest deployment does.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Any

from vibe_action.errors import ExternalError
from vibe_action.hosts.protocol import HostDeploy, Restored, unless_gone
from vibe_action.inputs.sections import Versions
from vibe_action.ledger.records import Record

if TYPE_CHECKING:  # passed in; importing the client would load requests
    from vibe_action.hosts.cloudflare.client import PagesClient, PagesDeployment

HOOK_TRIGGER = "deploy_hook"
API_TRIGGER = "ad_hoc"  # a deployment made through the API: the gate's uploads (and wrangler's)
OURS = (HOOK_TRIGGER, API_TRIGGER)
LISTED = 200  # the most deployments any listing reads (8 pages of 25)
ALIASED = "8000035"  # DELETE of a deployment with an alias, without force
DOCTOR_WINDOW = 25  # one page of production deployments


def host_deploy(deployment: PagesDeployment) -> HostDeploy:
    """A Pages deployment in the host-neutral shape; one with an alias serves that URL."""
    return HostDeploy(
        id=deployment.id,
        state=deployment.state,
        created_at=deployment.created_on,
        finished=deployment.state != "building",
        ready=deployment.state == "ready",
        branch=deployment.branch,
        commit=deployment.commit_hash,
        production=deployment.environment in ("production", ""),
        url=deployment.url,
        serves=f"serves its alias {deployment.aliases[0]}" if deployment.aliases else "",
        ours=deployment.trigger in OURS,
    )


def find_deployment(pages: PagesClient, record: Record) -> PagesDeployment | None:
    """The production deployment of a record that kept no id (the GitHub ledger keeps the permalink only): by
    its permalink, else the newest ready deploy-hook build of its commit."""
    listed = [d for d in pages.deployments() if d.state == "ready"]
    found = next((d for d in listed if record.deploy_url and d.url == record.deploy_url), None)
    return found or next(
        (d for d in listed if d.trigger in OURS and d.commit_hash and record.sha.startswith(d.commit_hash)),
        None,
    )


def restore(pages: PagesClient | None, record: Record) -> Restored | str:
    """Roll production back to the record's deployment: what was done, or why it cannot be."""
    if pages is None:
        return "there is no Cloudflare API token, and only the API can roll back a Pages deployment"
    deployment_id = record.deploy_id
    if not deployment_id:
        found = find_deployment(pages, record)
        if found is None:
            return f"no ready production deployment of {record.sha[:7]} among the project's newest {LISTED}"
        deployment_id = found.id
    rolled = unless_gone(lambda: pages.rollback(deployment_id))
    if rolled is None:
        return f"Cloudflare Pages has no deployment {deployment_id} any more (HTTP 404: deleted)"
    # The SDK says a Deployment comes back, not which: the one rolled back to, or a new one production serves
    # now. The record keeps the one answered, so doctor and prune know the live deployment as the gate's.
    live_id = rolled.id or deployment_id
    url = rolled.url or (record.deploy_url if live_id == deployment_id else None)
    how = f"rolled Cloudflare Pages production back to deployment {deployment_id}"
    return Restored(live_id, url, how if live_id == deployment_id else f"{how} (now served as {live_id})")


def delete(pages: PagesClient, deployment: HostDeploy) -> str:
    """'' when deleted (or already gone); why Pages kept it otherwise."""
    try:
        pages.delete(deployment.id)
    except ExternalError as exc:
        if exc.status == 404:
            return ""
        if ALIASED in str(exc):
            return "it has an alias now (Cloudflare code 8000035); the gate does not force it"
        raise
    return ""


def branch_alias(branch: str, subdomain: str) -> str:
    return f"https://{re.sub(r'[^a-z0-9]+', '-', branch.lower()).strip('-')}.{subdomain}"


def subdomain_of(project: dict[str, Any], name: str | None) -> str:
    given = project.get("subdomain")
    return given if isinstance(given, str) and given else f"{name}.pages.dev"


def _source_config(project: dict[str, Any]) -> dict[str, Any]:
    source = project.get("source")
    config = source.get("config") if isinstance(source, dict) else None
    return config if isinstance(config, dict) else {}


def settings_problems(project: dict[str, Any], versions: Versions, upload: bool = False) -> list[str]:
    """What in the project's build settings works against the gate. In upload mode the project should be a
    Direct Upload project (no Git source); a Git project that builds production by itself is the problem."""
    config = _source_config(project)
    problems = []
    if config.get("production_deployments_enabled") is True:
        still = (
            "in upload mode nothing else should build: use a Direct Upload project (`wrangler pages project "
            "create`; a project cannot switch later), or"
            if upload
            else "(the deploy hook still builds)"
        )
        problems.append(
            f"doctor: Cloudflare Pages builds every push to {config.get('production_branch') or 'the production'} "
            "branch into production by itself, outside the gate. In the project's Settings → Builds → Branch "
            f"control, turn off automatic production branch deployments {still}."
            if not upload
            else f"doctor: Cloudflare Pages builds every push to {config.get('production_branch') or 'the production'}"
            f" branch into production by itself, outside the gate; {still} turn off automatic production branch "
            "deployments in Settings → Builds → Branch control."
        )
    if not upload and versions.enabled and not _builds_previews_of(config, versions.branch(1)):
        problems.append(
            f"doctor: Cloudflare Pages would not build the lasting version branches ({versions.branch_prefix}v1, "
            "v2, …): in Settings → Builds → Branch control, set Preview branch to 'All non-Production branches' "
            f"or include {versions.branch_prefix}*."
        )
    return problems


def _builds_previews_of(config: dict[str, Any], branch: str) -> bool:
    if not config:
        return True  # no Git integration shown (or not readable): nothing to tell
    if config.get("deployments_enabled") is False or config.get("preview_deployment_setting") == "none":
        return False
    if config.get("preview_deployment_setting") != "custom":
        return True
    included = any(fnmatch.fnmatchcase(branch, p) for p in _patterns(config.get("preview_branch_includes")))
    excluded = any(fnmatch.fnmatchcase(branch, p) for p in _patterns(config.get("preview_branch_excludes")))
    return included and not excluded


def _patterns(value: object) -> list[str]:
    """Branch patterns as Pages lists them; anything else (a hostile or changed answer) is no pattern."""
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def foreign(deployments: list[PagesDeployment], records: list[Record]) -> list[PagesDeployment]:
    """Ready production deployments the gate did not start: not a deploy-hook build, not in the ledger."""
    ours = {r.deploy_id for r in records if r.deploy_id} | {r.deploy_url for r in records if r.deploy_url}
    return [
        d
        for d in deployments
        if d.state == "ready" and d.trigger != HOOK_TRIGGER and d.id not in ours and d.url not in ours
    ]

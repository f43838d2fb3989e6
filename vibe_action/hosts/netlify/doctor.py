"""`doctor` on Netlify: builds stopped, version branches Netlify would not build, an `ignore` command that
would cancel the gate's API builds, and ready production deploys the gate did not start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from vibe_action.hosts.netlify.models import Deploy
from vibe_action.hosts.netlify.recipe import trigger_problem
from vibe_action.inputs.config import Config
from vibe_action.inputs.sections import Versions
from vibe_action.ledger.records import Record
from vibe_action.render.report import table

if TYPE_CHECKING:  # the client is passed in; importing it would load requests
    from vibe_action.hosts.netlify.client import NetlifyClient

DOCTOR_WINDOW = 50
STOP_ADVICE = (
    "These builds did not go through the gate: they burn build credits and can replace the version the gate "
    "chose. Make the hook the only trigger: add the netlify.toml 'ignore' command of README, \"Set up Netlify\" "
    "(it cancels builds whose INCOMING_HOOK_TITLE is not the gate's). Do not use 'Stop builds': it stops the build "
    "hook too."
)
CANCELLED_NOTE = (
    "doctor: {count} build(s) among them were cancelled by the netlify.toml 'ignore' command, as intended (pushes "
    "do not deploy; the gate's hook does). Netlify's GitHub integration marks such commits as failed or cancelled; "
    "to quiet that, remove its GitHub commit status notifications (Site configuration → Build & deploy → Deploy "
    "notifications)"
)
STOPPED = (
    "doctor: builds are stopped on this site — the gate's build hook will never build (Netlify ignores build "
    "hooks and refuses API builds while builds are stopped). Turn them back on in Site configuration → Build & "
    "deploy → Continuous deployment → Build settings, and keep other builds out with the 'ignore' recipe in "
    'README, "Set up Netlify".'
)


BUILDS_ON_IN_UPLOAD_MODE = (
    "doctor: deploy.yaml uploads the built folder (upload.dir), but Netlify's own builds are on: each push to the "
    "linked repository is built and published by Netlify, not by the gate — turn on Stop builds (Site "
    "configuration → Build & deploy → Continuous deployment)"
)


def branch_deploys_problem(settings: object, versions: Versions) -> str:
    """Why Netlify would not build the version branches, or '' when it would (or cannot be told).

    `build_settings.allowed_branches` lists the branches Netlify deploys. Listing only some branches (the
    production branch alone means branch deploys are off) leaves `<prefix>vN` unbuilt, and Netlify has no
    wildcard for new branches; an empty or absent list is Netlify's "all branches".
    """
    allowed = settings.get("allowed_branches") if isinstance(settings, dict) else None
    if not isinstance(allowed, list) or not allowed:
        return ""
    sample = versions.branch(1)
    if sample in allowed:
        return ""
    return (
        f"doctor: Netlify deploys only the branches {', '.join(str(b) for b in allowed[:5])}: the lasting version "
        f"branches ({versions.branch_prefix}v1, v2, …) would not be built. In Site configuration → Build & deploy "
        "→ Continuous deployment → Branches and deploy contexts, set Branch deploys to 'All' (the netlify.toml "
        "'ignore' recipe keeps pushes from building; only the gate's hook does)."
    )


def doctor(netlify: NetlifyClient, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
    """Builds stopped, version branches Netlify would not build, an ignore command that would cancel the
    gate's API builds, and ready production deploys the gate did not start."""
    settings = netlify.site().get("build_settings")
    stopped = isinstance(settings, dict) and settings.get("stop_builds") is True
    upload = config.upload.dir is not None  # builds are the workflow's: Netlify's own must be off
    if stopped and not upload:
        return STOPPED, 1
    branches = branch_deploys_problem(settings, config.versions) if config.versions.enabled else ""
    ignored = trigger_problem(workspace, config.netlify.trigger) if workspace is not None and not upload else ""
    building = BUILDS_ON_IN_UPLOAD_MODE if upload and not stopped else ""
    problems = "\n".join(p for p in (branches, f"doctor: {ignored}" if ignored else "", building) if p)
    found = 1 if problems else 0
    tail = f"\n{problems}" if problems else ""  # said after the deploys, whatever they show
    recent = list(netlify.deploys(per_page=DOCTOR_WINDOW, max_pages=1))
    foreign = foreign_deploys(recent, records, config.hook.title)
    cancelled = cancelled_by_ignore(recent)
    quiet = f"\n{CANCELLED_NOTE.format(count=len(cancelled))}" if cancelled else ""
    if not foreign:
        return f"doctor: no production deploy outside the gate among the last {len(recent)}{quiet}{tail}", found
    rows = [("deploy", "created", "state", "commit", "title")]
    rows += [(d.id, d.created_at[:19], d.state, d.commit_ref[:7], d.title[:60]) for d in foreign]
    head = f"doctor: {len(foreign)} production deploy(s) among the last {len(recent)} did not come from the gate"
    return f"{head}\n{table(rows)}\n{STOP_ADVICE}{tail}", len(foreign) + found


def title_pattern(template: str) -> re.Pattern[str]:
    """A regex for titles the gate writes: the template with each placeholder as a wildcard."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts))


def foreign_deploys(deploys: list[Deploy], snapshots: list[Record], template: str) -> list[Deploy]:
    """Production deploys that went ready without the gate: neither in the ledger nor titled like its builds.

    Only `ready` ones: with the `ignore` recipe every push still makes a deploy, cancelled (`state: "error"`,
    "Canceled build due to no content change"), and a cancelled or failed build serves nothing."""
    ours = {r.deploy_id for r in snapshots if r.deploy_id}
    pattern = title_pattern(template)
    return [
        d
        for d in deploys
        if d.context == "production" and d.state == "ready" and d.id not in ours and not pattern.fullmatch(d.title)
    ]


def cancelled_by_ignore(deploys: list[Deploy]) -> list[Deploy]:
    """Builds the `ignore` command cancelled: the recipe at work (Netlify's wording in the deploy)."""
    return [d for d in deploys if d.state == "error" and "canceled build" in d.error_message.lower()]

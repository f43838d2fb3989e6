"""`prune` and `doctor` for both front ends (CLI and action): gather, classify, act, and say what happened."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from vibe_action.errors import InputError
from vibe_action.inputs.config import Config
from vibe_action.inputs.netlify_toml import trigger_problem
from vibe_action.inputs.settings import DEFAULT_VERSION_PREFIX, Versions
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, Record
from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.models import ACCESS_NAMES
from vibe_action.netlify.snapshots import apply_prune, cancelled_by_ignore, foreign_deploys, prune_plan
from vibe_action.report import table

DOCTOR_WINDOW = 50
STOP_ADVICE = (
    "These builds did not go through the gate: they burn build credits and can replace the version the gate "
    "chose. Make the hook the only trigger: add the netlify.toml 'ignore' command from the README (it cancels "
    "builds whose INCOMING_HOOK_TITLE is not the gate's). Do not use 'Stop builds': it stops the build hook too."
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
    "deploy → Continuous deployment → Build settings, and keep other builds out with the README's 'ignore' recipe."
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


def snapshot_report(
    command: str,
    ledger: Ledger,
    netlify: NetlifyClient | None,
    environment: str,
    config: Config,
    apply: bool,
    now: datetime,
    keep: int | None = None,
    workspace: Path | None = None,
) -> tuple[str, int]:
    """(the text to show, the number of builds outside the gate: doctor's finding, 0 for prune)."""
    if netlify is None:
        names = ACCESS_NAMES.get()
        raise InputError(f"{command} needs Netlify API access: set {names.token} and {names.site}")
    records = [r for r in ledger.records(environment, None, live=ALL_SNAPSHOTS) if r.deploy_id]
    if command == "doctor":
        return _doctor(netlify, records, config, workspace)
    return _prune(netlify, ledger, records, config, apply, now, keep)


def _doctor(netlify: NetlifyClient, records: list[Record], config: Config, workspace: Path | None) -> tuple[str, int]:
    """Builds stopped, version branches Netlify would not build, an ignore command that would cancel the
    gate's API builds, and ready production deploys the gate did not start."""
    settings = netlify.site().get("build_settings")
    if isinstance(settings, dict) and settings.get("stop_builds") is True:
        return STOPPED, 1
    branches = branch_deploys_problem(settings, config.versions) if config.versions.enabled else ""
    ignored = trigger_problem(workspace, config.netlify.trigger) if workspace is not None else ""
    problems = "\n".join(p for p in (branches, f"doctor: {ignored}" if ignored else "") if p)
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


def _prune(
    netlify: NetlifyClient,
    ledger: Ledger,
    records: list[Record],
    config: Config,
    apply: bool,
    now: datetime,
    keep: int | None,
) -> tuple[str, int]:
    if keep is not None and keep < 1:
        raise InputError(f"--keep must be at least 1 (got {keep}); retention.keep is {config.retention.keep}")
    deploys = list(netlify.deploys())
    published = netlify.published_deploy()
    plan = prune_plan(
        deploys,
        published.id if published else None,
        records,
        config.retention.keep if keep is None else keep,
        config.retention.grace_days,
        now,
        config.versions.branch_prefix or DEFAULT_VERSION_PREFIX,  # kept even after versions were turned off
    )
    doomed = [row for row in plan if row.action == "delete"]
    deleted = apply_prune(plan, netlify, ledger) if apply else 0
    rows = [("action", "deploy", "created", "state", "why")]
    rows += [
        (
            "deleted" if apply and r.action == "delete" else r.action,
            r.deploy.id,
            r.deploy.created_at[:19],
            r.deploy.state,
            r.why,
        )
        for r in plan
    ]
    head = f"prune: {len(plan)} deploys, {len(plan) - len(doomed)} kept, {len(doomed)} to delete"
    head += f" — deleted {deleted}" if apply else (" — plan only; run with --apply to delete" if doomed else "")
    return f"{head}\n{table(rows)}", 0

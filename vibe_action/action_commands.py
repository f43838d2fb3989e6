"""The action's commands other than `run`: validate, history, page, rollback, unlock, prune and doctor, each
reading GitHub Deployments and writing the log, the step outputs, the report file and (with `summary`) the job
summary. `ActionRun` is what every step of one run shares; `action.py` builds it and dispatches here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests
from github.Repository import Repository

from vibe_action.decide.decision import Decision
from vibe_action.decide.policy import environment_for
from vibe_action.errors import EXIT_OK, ExternalError, InputError
from vibe_action.gate import Services, check_required, load_inputs
from vibe_action.github.deployments import GitHubLedger
from vibe_action.github.event import GitHubContext
from vibe_action.github.settings import ActionSettings
from vibe_action.github.workflow import Workflow
from vibe_action.hosts import rebuild_for, require
from vibe_action.inputs.config import load_config
from vibe_action.inputs.netlify_toml import trigger_problem
from vibe_action.inputs.settings import DEFAULT_NETLIFY_DAYS
from vibe_action.ledger.records import ALL_SNAPSHOTS
from vibe_action.ledger.versions import build_history
from vibe_action.netlify import rollback
from vibe_action.netlify.api import NetlifyClient
from vibe_action.netlify.snapshot_report import snapshot_report
from vibe_action.netlify.unlock import unlock
from vibe_action.page.history import history_markdown, history_text, rows, summary_chart
from vibe_action.page.publish import build_site, write_site
from vibe_action.redact import Secrets
from vibe_action.sinks import markdown_code_block

CHART_VERSIONS = 10  # versions in the job summary's chart (and status requests it may cost)

OUTPUT_NAMES = (
    "decision", "deployed", "score", "baseline-score", "baseline-sha", "delta", "reason", "deployment-id",
    "deploy-url", "version-url", "report",
)  # fmt: skip


@dataclass
class ActionRun:
    """What every step of one action run shares."""

    settings: ActionSettings
    context: GitHubContext
    repo: Repository | None
    workspace: Path
    workflow: Workflow
    secrets: Secrets
    now: datetime
    report_path: Path
    session: requests.Session
    netlify: NetlifyClient | None = None
    ledger: GitHubLedger | None = None  # set by a run that decided: the summary's chart reads it again
    cloudflare_api_url: str | None = None  # $VIBE_CLOUDFLARE_API_URL, for a local test server
    outputs: dict[str, str] = field(default_factory=lambda: dict.fromkeys(OUTPUT_NAMES, ""))


def validate_command(run: ActionRun) -> int:
    inputs = load_inputs(run.workspace, run.settings.config, run.settings.results or None)
    check_required(inputs)
    problem = trigger_problem(run.workspace, inputs.config.netlify.trigger)
    if problem:
        run.workflow.message("warning", problem)
    text = (
        f"### vibe-deploy-gate: valid\n\n`{run.settings.config}` ({len(inputs.config.metrics)} metrics) and "
        f"{len(inputs.results.files)} results file(s): {', '.join(inputs.results.files)}\n"
    )
    run.outputs.update(decision="valid", reason="config and results are valid")
    write_report(run, text)
    return EXIT_OK


def history_command(run: ActionRun, repo: Repository) -> int:
    """`command: history`: the versions as the page shows them, in the log, the report file and the job
    summary (a markdown table)."""
    config_file = run.workspace / run.settings.config
    config = load_config(config_file, display=run.settings.config) if config_file.exists() else None
    environment = environment_for(config, override=run.settings.environment)
    records = GitHubLedger(repo, run.context.run_url, run.now).records(environment, None, live=ALL_SNAPSHOTS)
    days = config.retention.netlify_days if config else DEFAULT_NETLIFY_DAYS
    found = rows(records, [build_history(records, environment, run.now, days)])
    primary = config.primary if config else None
    run.workflow.echo(history_text(found, primary, wide=True))
    run.outputs.update(decision="history", reason=f"{len(records)} snapshot(s) in {environment}")
    markdown = f"### vibe-deploy-gate: history ({environment})\n\n{history_markdown(found, primary)}"
    write_report(run, markdown)
    if "summary" in run.settings.annotate:
        run.workflow.append_summary(markdown)
    return EXIT_OK


def versions_chart(run: ActionRun, ledger: GitHubLedger, decision: Decision) -> str:
    """The primary score over the last versions with this candidate as the last point (Mermaid and a table);
    it reuses what the decision read, so it costs at most one status request per older version shown."""
    primary = decision.row(decision.primary)
    try:
        records = ledger.recent(decision.environment, CHART_VERSIONS, decision.outcome.record_id or "")
        config = load_config(run.workspace / run.settings.config, display=run.settings.config)
    except (ExternalError, InputError) as exc:
        return f"\n_The versions chart is missing: {run.secrets.scrub(str(exc))}_\n"
    history = build_history(records, decision.environment, run.now, config.retention.netlify_days)
    floor = config.metrics[decision.primary].minimum if decision.primary in config.metrics else None
    return summary_chart(history, decision.primary, primary.current if primary else None, floor, CHART_VERSIONS)


def page_command(run: ActionRun, repo: Repository) -> int:
    """`command: page`: the versions site from GitHub Deployments into the `out` folder."""
    settings = run.settings
    if not settings.out:
        raise InputError("command 'page' needs the input 'out': the folder to write the versions site into")
    config_file = run.workspace / settings.config
    config = load_config(config_file, display=settings.config) if config_file.exists() else None
    environment = environment_for(config, override=settings.environment)
    records = GitHubLedger(repo, run.context.run_url, run.now).records(environment, None, live=ALL_SNAPSHOTS)
    repo_url = f"{run.context.server_url}/{run.context.repository}" if run.context.server_url else None
    history, files = build_site(records, config, environment, run.now, repo_url)
    out = (run.workspace / settings.out).resolve()
    if not out.is_relative_to(run.workspace.resolve()):
        raise InputError(f"input 'out' ({settings.out[:100]}) leaves the workspace; give a folder inside it")
    write_site(out, files)
    text = f"wrote {len(files)} page(s) to {settings.out}: {len(history.numbered())} version(s) of {environment}"
    run.workflow.echo(text)
    run.outputs.update(decision="page", reason=text)
    write_report(run, f"### vibe-deploy-gate: versions page\n\n{text}\n")
    return EXIT_OK


def snapshot_command(run: ActionRun, repo: Repository) -> int:
    """rollback (input `to`: a sha or `previous`), unlock, prune (retention from the config), doctor."""
    settings = run.settings
    config = load_config(run.workspace / settings.config, display=settings.config)
    require(config, settings.command)
    environment = environment_for(config, override=settings.environment)
    ledger = GitHubLedger(repo, run.context.run_url, run.now)
    if settings.command == "rollback":
        services = Services(ledger, run.session, run.secrets, run.netlify, progress=run.workflow.echo)
        rebuild = rebuild_for(config, settings.build_hook_url or None, services)
        record = rollback.rollback(ledger, run.netlify, environment, settings.to or "previous", True, run.now, rebuild)
        text = record.reasons[-1]
        run.outputs.update(
            decision="rollback",
            deployed="true",
            reason=text,
            **{"deploy-url": record.deploy_url or ""},
            **{"deployment-id": record.id},
        )
    elif settings.command == "unlock":
        text = unlock(ledger, run.netlify, environment, run.now)
        run.outputs.update(decision="unlock", reason=text)
    else:
        text, found = snapshot_report(
            settings.command,
            ledger,
            run.netlify,
            environment,
            config,
            apply=not settings.dry_run,
            now=run.now,
            workspace=run.workspace,
        )
        run.outputs.update(decision=settings.command, reason=text.splitlines()[0])
        if found:
            run.workflow.message("warning", text.splitlines()[0])
    run.workflow.echo(run.secrets.scrub(text))
    block = markdown_code_block(run.secrets.scrub(text))  # deploy titles and commit messages are untrusted
    write_report(run, f"### vibe-deploy-gate: {settings.command}\n\n{block}")
    if "summary" in settings.annotate:
        run.workflow.append_summary(f"### vibe-deploy-gate: {settings.command}\n\n{block}")
    return EXIT_OK


def write_report(run: ActionRun, markdown: str) -> None:
    """The markdown report file (output `report`), then every output, set even when empty."""
    run.report_path.parent.mkdir(parents=True, exist_ok=True)
    run.report_path.write_text(markdown, encoding="utf-8")
    for name in OUTPUT_NAMES:
        run.workflow.set_output(name, run.outputs[name])

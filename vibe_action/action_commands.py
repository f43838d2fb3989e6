"""The action's commands other than `run`: validate, history, page, rollback, unlock, prune and doctor, each
reading GitHub Deployments and writing the log, the step outputs, the report file and (with `summary`) the job
summary. `ActionRun` is what every step of one run shares; `action.py` builds it and dispatches here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests
from github.Repository import Repository

from vibe_action import operations
from vibe_action.decide.decision import Decision
from vibe_action.errors import EXIT_OK, ExternalError, InputError
from vibe_action.github.deployments import GitHubLedger
from vibe_action.github.event import GitHubContext
from vibe_action.github.settings import ActionSettings
from vibe_action.github.workflow import Workflow
from vibe_action.hosts import HostAccess, Services, deploy_id_of
from vibe_action.inputs.config import load_config
from vibe_action.page.history import summary_chart
from vibe_action.redact import Secrets
from vibe_action.sinks import markdown

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
    access: HostAccess = field(default_factory=HostAccess)
    ledger: GitHubLedger | None = None  # set by a run that decided: the summary's chart reads it again
    outputs: dict[str, str] = field(default_factory=lambda: dict.fromkeys(OUTPUT_NAMES, ""))


def desk(run: ActionRun, repo: Repository) -> operations.Desk:
    """What every command but `run` works with, in the action: GitHub Deployments as the ledger."""
    ledger = GitHubLedger(repo, run.context.run_url, run.now, deploy_id_of=deploy_id_of)
    services = Services(
        ledger, run.session, run.secrets, progress=lambda text: run.workflow.echo(run.secrets.scrub(text))
    )
    return operations.Desk(
        run.workspace,
        run.settings.config,
        services.ledger,
        services,
        run.access,
        run.now,
        run.settings.environment,
        run.settings.build_hook_url or None,
    )


def validate_command(run: ActionRun) -> int:
    answer = operations.validate(run.workspace, run.settings.config, run.settings.results or None)
    for warning in answer.warnings:
        run.workflow.message("warning", warning)
    run.outputs.update(decision="valid", reason=answer.reason)
    write_report(run, f"### vibe-deploy-gate: valid\n\n{markdown(answer.text)}\n")
    return EXIT_OK


def history_command(run: ActionRun, repo: Repository) -> int:
    """`command: history`: the versions as the page shows them, in the log, the report file and the job
    summary (a markdown table)."""
    answer = operations.history(desk(run, repo))
    return show(run, answer)


def page_command(run: ActionRun, repo: Repository) -> int:
    """`command: page`: the versions site from GitHub Deployments into the `out` folder."""
    settings = run.settings
    if not settings.out:
        raise InputError("command 'page' needs the input 'out': the folder to write the versions site into")
    out = (run.workspace / settings.out).resolve()
    if not out.is_relative_to(run.workspace.resolve()):
        raise InputError(f"input 'out' ({settings.out[:100]}) leaves the workspace; give a folder inside it")
    repo_url = f"{run.context.server_url}/{run.context.repository}" if run.context.server_url else None
    answer = operations.page(desk(run, repo), out, repo_url, shown_out=settings.out)
    run.workflow.echo(answer.text)
    run.outputs.update(decision="page", reason=answer.reason)
    write_report(run, answer.report)
    return EXIT_OK


def snapshot_command(run: ActionRun, repo: Repository) -> int:
    """rollback (input `to`: a sha or `previous`), unlock, prune (retention from the config), doctor."""
    settings, here = run.settings, desk(run, repo)
    if settings.command == "rollback":
        answer = operations.roll_back(here, settings.to or "previous")
        record = answer.record
        run.outputs.update(
            deployed="true",
            **{"deploy-url": record.deploy_url or "" if record else ""},
            **{"deployment-id": record.id if record else ""},
        )
    elif settings.command == "unlock":
        answer = operations.release(here)
    elif settings.command == "prune":
        answer = operations.prune(here, apply=not settings.dry_run)
    else:
        answer = operations.doctor(here)
    if answer.found:
        run.workflow.message("warning", answer.reason)
    return show(run, answer)


def show(run: ActionRun, answer: operations.Answer) -> int:
    """An answer in the log, the outputs, the report file and (with `summary`) the job summary."""
    run.workflow.echo(run.secrets.scrub(answer.text))
    run.outputs.update(decision=answer.command, reason=answer.reason)
    report = run.secrets.scrub(answer.report)  # deploy titles and commit messages are untrusted: in a code block
    write_report(run, report)
    if "summary" in run.settings.annotate:
        run.workflow.append_summary(report)
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
    history = operations.versions_of(records, config, decision.environment, run.now)
    floor = config.metrics[decision.primary].minimum if decision.primary in config.metrics else None
    return summary_chart(history, decision.primary, primary.current if primary else None, floor, CHART_VERSIONS)


def write_report(run: ActionRun, markdown: str) -> None:
    """The markdown report file (output `report`), then every output, set even when empty."""
    run.report_path.parent.mkdir(parents=True, exist_ok=True)
    run.report_path.write_text(markdown, encoding="utf-8")
    for name in OUTPUT_NAMES:
        run.workflow.set_output(name, run.outputs[name])

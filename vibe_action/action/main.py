"""The GitHub Action: `entrypoint.py action`, run by action.yml with the inputs in `INPUT_*` variables.

`run` — settings and event context → (fast skip when a push touched neither results nor config) → the same
`run_gate` as the CLI, with GitHub Deployments as the ledger → check run, commit status, sticky PR comment,
job summary, workflow-command annotations and step outputs → exit code by `fail-on`. The other commands
(validate, history, page, rollback, unlock, prune, doctor) run `app.operations` on GitHub Deployments and write
the log, the step outputs, the report file and (with `summary`) the job summary. `ActionRun` is what every
step of one run shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TextIO

import requests
from github.Repository import Repository

from vibe_action.action.annotate import GitHubReporter
from vibe_action.action.event import GitHubContext, load_context
from vibe_action.action.settings import ActionSettings
from vibe_action.action.workflow import Workflow
from vibe_action.app import operations
from vibe_action.app.run import RunRequest, run_gate
from vibe_action.app.wiring import (
    VERCEL_API_URL_VARIABLE,
    Comparisons,
    HostAccess,
    Services,
    VercelAccess,
    action_access,
    deploy_id_of,
)
from vibe_action.decide.decision import Decision, exit_code
from vibe_action.errors import EXIT_EXTERNAL_FAILURE, EXIT_INVALID_INPUT, EXIT_OK, ExternalError, InputError
from vibe_action.github.branches import GitHubBranches
from vibe_action.github.client import DEFAULT_WRITE_SPACING, make_github
from vibe_action.github.history import results_commits
from vibe_action.inputs.config import load_config
from vibe_action.inputs.gitinfo import ask_git
from vibe_action.inputs.globs import matches
from vibe_action.ledger.github_deployments import GitHubLedger
from vibe_action.ledger.records import record_time
from vibe_action.redact import Secrets
from vibe_action.render import report
from vibe_action.render.escape import markdown, markdown_code_block
from vibe_action.render.page.history import summary_chart

CHART_VERSIONS = 10  # versions in the job summary's chart (and status requests it may cost)

OUTPUT_NAMES = (
    "decision", "deployed", "score", "baseline-score", "baseline-sha", "delta", "reason", "deployment-id",
    "deploy-url", "deploy-id", "preview-url", "version-url", "report",
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
            **{"deploy-id": record.deploy_id or "" if record else ""},
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


def run_action(env: Mapping[str, str], out: TextIO, now: datetime | None = None) -> int:
    run = _prepare(env, Workflow(env, out), now or datetime.now(timezone.utc))
    if isinstance(run, int):
        return run
    reporter = GitHubReporter(run.repo, run.context, run.workflow, run.settings.annotate)
    try:
        with run.session:
            result = _dispatch(run)
    except InputError as exc:
        publication = report.problems_publication(exc.problems, run.secrets.scrub(str(exc)), run.context.run_url)
        return _publish_failure(run, reporter, publication, exc)
    except ExternalError as exc:
        publication = report.problems_publication(
            [],
            run.secrets.scrub(str(exc)),
            run.context.run_url,
            heading="external failure",
            note="Nothing was deployed.",
        )
        return _publish_failure(run, reporter, publication, exc)
    if isinstance(result, int):
        return result
    return _publish_decision(run, reporter, result)


def _prepare(env: Mapping[str, str], workflow: Workflow, now: datetime) -> ActionRun | int:
    """The run's settings, masked secrets, event context and clients; an exit code when the inputs are wrong."""
    secrets = Secrets()
    try:
        settings = ActionSettings.from_environ(env)
    except InputError as exc:
        return _fail(workflow, str(exc))
    secrets.add(settings.github_token)
    secrets.add_url(settings.build_hook_url)
    secrets.add(settings.netlify_token)
    secrets.add(settings.cloudflare_api_token)
    secrets.add(settings.vercel_token)
    for value in secrets.values():
        workflow.mask(value)
    try:
        context = load_context(env)
    except InputError as exc:
        return _fail(workflow, secrets.scrub(str(exc)))
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".")
    spacing = float(env.get("VIBE_GITHUB_WRITE_SPACING") or DEFAULT_WRITE_SPACING)
    github = (
        make_github(settings.github_token, context.api_url, write_spacing=spacing) if settings.github_token else None
    )
    # From here on errors name the action's inputs, not the CLI's flags.
    access = action_access(
        settings.netlify_token,
        settings.netlify_site_id,
        settings.cloudflare_api_token,
        settings.cloudflare_account_id,
        env,
        VercelAccess(
            settings.vercel_token or None,
            settings.vercel_project_id or None,
            settings.vercel_org_id or None,
            env.get(VERCEL_API_URL_VARIABLE),
        ),
    )
    run = ActionRun(
        settings=settings,
        session=requests.Session(),
        access=access,
        context=context,
        repo=github.get_repo(context.repository, lazy=True) if github else None,
        workspace=workspace,
        workflow=workflow,
        secrets=secrets,
        now=now,
        report_path=Path(env.get("RUNNER_TEMP") or workspace) / "vibe-deploy-gate-report.md",
    )
    run.outputs["report"] = str(run.report_path)
    return run


def _publish_decision(run: ActionRun, reporter: GitHubReporter, result: Decision) -> int:
    """Log, annotations, check run / status / comment, summary, outputs and report file of a decision."""
    workflow, secrets = run.workflow, run.secrets
    workflow.echo(secrets.scrub(report.text_report(result)))
    for warning in result.outcome.warnings:
        workflow.message("warning", secrets.scrub(warning))
    unrecorded = report.unrecorded_notice(result)
    if unrecorded:
        workflow.echo(secrets.scrub(unrecorded))
        workflow.append_summary(
            f"\n### vibe-deploy-gate: outcome not recorded\n\n{markdown_code_block(secrets.scrub(unrecorded))}"
        )
    publication = report.decision_publication(result, run.context.run_url)
    reporter.publish(publication)
    if "summary" in run.settings.annotate and run.ledger is not None:
        workflow.append_summary(versions_chart(run, run.ledger, result))
    _decision_outputs(result, run.outputs)
    write_report(run, secrets.scrub(publication.markdown))
    return exit_code(result, run.settings.fail_on)


def _dispatch(run: ActionRun) -> Decision | int:
    """The command's work: a decision to publish, or an exit code when there is nothing to decide."""
    settings = run.settings
    if settings.command == "validate":
        return validate_command(run)
    if run.repo is None:
        raise InputError(
            "input 'github-token' is empty: the ledger lives in GitHub Deployments; keep the default "
            "(the workflow's github.token) or pass a token with deployments: write"
        )
    if settings.command == "history":
        return history_command(run, run.repo)
    if settings.command == "page":
        return page_command(run, run.repo)
    if settings.command in ("rollback", "unlock", "prune", "doctor"):
        return snapshot_command(run, run.repo)
    skip_reason = _irrelevant_push(settings, run.context, run.workspace)
    if skip_reason:
        run.outputs.update(decision="skip", deployed="false", reason=skip_reason)
        run.workflow.message("notice", f"vibe-deploy-gate: skip — {skip_reason}")
        write_report(run, f"### vibe-deploy-gate: SKIP\n\n{skip_reason}\n")
        return EXIT_OK
    request = RunRequest(
        workspace=run.workspace,
        config_path=settings.config,
        sha=run.context.sha,
        branch=run.context.branch,
        now=run.now,
        results=settings.results or None,
        event=run.context.event_name,
        dry_run=settings.dry_run,
        hook_url=settings.build_hook_url or None,
        environment=settings.environment,
        access=run.access,
        upload_dir=settings.upload_dir or None,
        preview=settings.preview,
    )
    ledger = GitHubLedger(run.repo, run.context.run_url, run.now, deploy_id_of=deploy_id_of)
    run.ledger = ledger
    services = Services(
        ledger,
        run.session,
        run.secrets,
        progress=lambda text: run.workflow.echo(run.secrets.scrub(text)),
        branches=GitHubBranches(run.repo),  # used only when versions.branch_prefix is set
        comparisons=partial(_comparisons_on_github, run.repo),
    )
    decision = run_gate(request, services)
    read_from = _merge_commit_note(run)
    return decision.with_warnings(read_from) if read_from else decision


def _comparisons_on_github(repo: Repository, query: Comparisons) -> int | None:
    """The results-changing commits since the live version went live, from GitHub's copy of the history (the
    action's checkout is shallow)."""
    since = record_time(query.went_live) if query.rolled_back else None
    if query.rolled_back and since is None:
        return None  # a rollback whose time cannot be read: the window cannot be told
    return results_commits(
        repo,
        query.live,
        query.candidate,
        lambda path: any(matches(pattern, path) for pattern in query.paths),
        since,
    )


def _merge_commit_note(run: ActionRun) -> str:
    """On pull_request, actions/checkout checks out the merge of the PR into its base (refs/pull/N/merge) unless
    `ref:` is given (actions/checkout README), so the files judged may not be the head's: say which they are."""
    if run.context.event_name != "pull_request":
        return ""
    checked_out = (ask_git(run.workspace, "rev-parse", "HEAD") or "").strip()
    if not checked_out or checked_out == run.context.sha:
        return ""
    return (
        f"the results and config were read from the checked-out commit {checked_out[:7]} (on pull_request, "
        f"actions/checkout checks out the merge of the PR into its base), not from the PR head {run.context.sha[:7]} "
        "this check is on; to judge the head's own files, check out "
        "`ref: ${{ github.event.pull_request.head.sha }}`"
    )


def _decision_outputs(decision: Decision, outputs: dict[str, str]) -> None:
    primary = decision.row(decision.primary)
    outputs.update(
        decision=decision.verdict,
        deployed="true" if decision.deployed else "false",
        score=_number(primary.current if primary else None),
        **{"baseline-score": _number(primary.baseline if primary else None)},
        **{"baseline-sha": decision.baseline.sha if decision.baseline else ""},
        delta=_number(primary.delta if primary else None),
        reason=decision.headline,
        **{"deployment-id": decision.outcome.record_id or ""},
        **{"deploy-url": decision.outcome.deploy_url or ""},
        **{"deploy-id": decision.outcome.deploy_id or ""},
        **{"preview-url": decision.preview_deploy.url or "" if decision.preview_deploy else ""},
        **{"version-url": decision.outcome.version_url or ""},
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 6):g}"


def _irrelevant_push(settings: ActionSettings, context: GitHubContext, workspace: Path) -> str:
    """The reason to skip at once when a push changed no results file and not the config; else ''."""
    if context.changed_files is None:
        return ""
    patterns = list(settings.results)
    if not patterns:
        try:
            patterns = [s.path for s in load_config(workspace / settings.config, display=settings.config).results]
        except InputError:
            return ""  # evaluate, so the broken config is reported
    for path in context.changed_files:
        if path == settings.config or any(matches(pattern, path) for pattern in patterns):
            return ""
    return "no results or config change"


def _publish_failure(run: ActionRun, reporter: GitHubReporter, publication: report.Publication, exc: Exception) -> int:
    message = run.secrets.scrub(str(exc))
    run.workflow.echo("\n".join(f"error: {line}" for line in message.splitlines()))
    reporter.publish(publication)
    invalid = isinstance(exc, InputError)
    first = message.splitlines()[0] if message else type(exc).__name__
    run.outputs.update(decision="invalid" if invalid else "error", deployed="false", reason=first)
    write_report(run, run.secrets.scrub(publication.markdown))
    return EXIT_INVALID_INPUT if invalid else EXIT_EXTERNAL_FAILURE


def _fail(workflow: Workflow, message: str) -> int:
    """Before the context is known: an error command, the summary, and every output."""
    workflow.message("error", message)
    outputs = dict.fromkeys(OUTPUT_NAMES, "")
    outputs.update(decision="invalid", deployed="false", reason=message.splitlines()[0])
    for name in OUTPUT_NAMES:
        workflow.set_output(name, outputs[name])
    workflow.append_summary(f"### vibe-deploy-gate: invalid input\n\n{message}\n")
    return EXIT_INVALID_INPUT

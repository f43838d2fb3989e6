"""The commands behind `vibe-gate`: what each one does, given its parsed arguments.

Imported by `cli.main` only after the arguments are parsed, so `--help` and a mistyped option load none of
this (nor the gate, the readers or YAML). Exit codes and error messages are `cli`'s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vibe_action.action.workflow import echo
from vibe_action.app import operations
from vibe_action.app.run import CannotBuildError, RunRequest, load_inputs, run_gate
from vibe_action.app.wiring import Comparisons, Services, cli_access, deploy_id_of
from vibe_action.cli.demo import run_demo
from vibe_action.cli.parser import DEFAULT_LEDGER, HOOK_URL_VARIABLE, LEDGER_VARIABLE
from vibe_action.cli.scaffold import run_init
from vibe_action.decide.decision import Decision, exit_code
from vibe_action.decide.policy import environment_for
from vibe_action.errors import EXIT_OK, InputError
from vibe_action.hosts.protocol import BranchMaker
from vibe_action.inputs import gitinfo
from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, ReadOnly
from vibe_action.redact import Secrets
from vibe_action.render import report
from vibe_action.render.escape import terminal_safe
from vibe_action.render.page import publish

if TYPE_CHECKING:  # requests is loaded only by the commands that send something; the others' code by them
    import requests


def run_command(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    """Run one command; the modules each needs are imported here, so a command loads only its own."""
    _check_workspace(getattr(args, "workspace", None))
    if args.command == "action":
        from vibe_action.action.main import run_action  # noqa: PLC0415 — GitHub client code is not needed locally

        return run_action(env, out)
    if args.command == "demo":
        return run_demo(_examples_folder(args.examples), out, Path(args.keep) if args.keep else None)
    if args.command == "init":
        template = (_examples_folder(None) / "workflow.yml").read_text(encoding="utf-8")
        return run_init(Path(args.workspace), template, args.force, out)
    if args.command == "validate":
        return _validate(args, env, out)
    if args.command == "history":
        return _history(args, env, out, err, secrets)
    if args.command == "diff":
        return _diff(args, env, out, err, secrets)
    if args.command == "page":
        return _page(args, env, out, err, secrets)
    if args.command == "run" and args.dry_run:
        return _run(args, env, out, err, secrets, None)  # sends nothing: no HTTP library is even loaded
    import requests  # noqa: PLC0415 — only the commands that send something load it

    with requests.Session() as session:
        if args.command in ("rollback", "unlock", "prune", "doctor"):
            return _snapshots(args, env, out, secrets, session)
        return _run(args, env, out, err, secrets, session)


def _writable_file(path: str, option: str) -> None:
    """Fail before deciding when an output file cannot be written, not after a deploy was started."""
    target = Path(path)
    try:
        existed = target.exists()
        with target.open("a", encoding="utf-8"):
            pass
        if not existed:
            target.unlink()
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write there ({exc.strerror or exc})") from None


def _examples_folder(given: str | None) -> Path:
    """`./examples` when it holds the demo, else the copy shipped inside the package (any install)."""
    if given:
        return Path(given)
    here = Path("examples")
    return (
        here if (here / "demo" / "scenario.yaml").is_file() else Path(__file__).resolve().parents[1] / "examples"
    )  # inside the package


def width_of(env: Mapping[str, str], stream: TextIO) -> int:
    """Columns to fit: $COLUMNS, else the terminal's width, else 80 (a pipe or a file)."""
    try:
        return max(40, int(env.get("COLUMNS", "")))
    except ValueError:
        pass
    if stream.isatty():
        return shutil.get_terminal_size().columns
    return 80


def _ledger(args: argparse.Namespace, env: Mapping[str, str]) -> LocalLedger:
    """The local ledger: the file named by --ledger or $VIBE_LEDGER, else the repository's own, which must stay
    inside the repository (a committed symlink must not send the gate's writes elsewhere)."""
    given = args.ledger or env.get(LEDGER_VARIABLE)
    raw = given or DEFAULT_LEDGER
    path = Path(args.workspace) / raw
    if not given and not path.resolve().is_relative_to(Path(args.workspace).resolve()):
        raise InputError(
            f"{raw} resolves outside the repository (a symlink); the gate does not read or write there — remove "
            "the link, or name the file with --ledger"
        )
    return LocalLedger(path, display=raw, now=datetime.now(timezone.utc))


def _request(args: argparse.Namespace, env: Mapping[str, str], workspace: Path) -> RunRequest:
    """What `run` evaluates, from the flags, the environment and git (one git process for sha and branch)."""
    sha = gitinfo.checked_sha(args.sha, "--sha") if args.sha else ""
    branch = gitinfo.checked_branch(args.branch, "--branch") if args.branch else ""
    if not (sha and branch):
        head, checked_out = gitinfo.head(workspace, need_branch=not branch)
        sha, branch = sha or head, branch or checked_out
    return RunRequest(
        workspace=workspace,
        config_path=args.config,
        sha=sha,
        branch=branch,
        now=datetime.now(timezone.utc),
        results=args.results,
        event=args.event,
        dry_run=args.dry_run,
        hook_url=args.build_hook_url or env.get(HOOK_URL_VARIABLE),
        environment=args.environment,
        access=cli_access(args, env),
        upload_dir=args.upload_dir,
        preview=args.preview,
    )


def _run(
    args: argparse.Namespace,
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    secrets: Secrets,
    session: requests.Session | None,
) -> int:
    workspace = Path(args.workspace)
    if args.decision_file:
        _writable_file(args.decision_file, "--decision-file")
    inputs = load_inputs(workspace, args.config, args.results)  # an input error comes before git's
    request = _request(args, env, workspace)
    ledger = _ledger(args, env)
    shown = printer(env)
    services = Services(
        ledger,
        session,
        secrets,
        progress=lambda text: shown(secrets.scrub(text), err),
        branches=None if session is None else _git_branches(workspace, args.remote),
        comparisons=partial(_comparisons_in_git, workspace),
    )
    try:
        decision = run_gate(request, services, inputs)
    except CannotBuildError as exc:  # the decision first: what would have been deployed, and why
        found = exc.decision
        shown(secrets.scrub(json.dumps(found.to_json(), indent=2) if args.json else report.text_report(found)), out)
        raise
    if not args.sha:  # judged under HEAD's sha: say so when the files judged are not HEAD's
        _warn_changed(decision, request, shown, err)
    return _show(args, env, out, err, secrets, shown, decision, ledger.warnings)


def _comparisons_in_git(workspace: Path, query: Comparisons) -> int | None:
    """The results-changing commits since the live version went live, from this repository's history."""
    since = query.went_live if query.rolled_back else None
    return gitinfo.results_commits(workspace, query.live, query.candidate, list(query.paths), since)


def _warn_changed(
    decision: Decision,
    request: RunRequest,
    shown: Callable[[str, TextIO], None],
    err: TextIO,
) -> None:
    files = sorted({row.file for row in decision.metrics if row.file} | {request.config_path})
    changed = gitinfo.changed_since_head(request.workspace, files)
    if changed:
        shown(
            f"warning: {', '.join(changed)} {'differs' if len(changed) == 1 else 'differ'} from HEAD "
            f"({request.sha[:7]}); the decision is recorded under HEAD's sha — commit "
            f"{'it' if len(changed) == 1 else 'them'} first, or pass --sha",
            err,
        )


def _show(
    args: argparse.Namespace,
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    secrets: Secrets,
    shown: Callable[[str, TextIO], None],
    decision: Decision,
    ledger_warnings: Sequence[str],
) -> int:
    """The warnings, the decision (text or --json) and the --decision-file; the exit code."""
    for warning in [*ledger_warnings, *decision.outcome.warnings]:
        shown(secrets.scrub(f"warning: {warning}"), err)
    unrecorded = report.unrecorded_notice(decision)
    if unrecorded:
        shown(secrets.scrub(f"error: {unrecorded}"), err)
    text = json.dumps(decision.to_json(), indent=2) if args.json else report.text_report(decision, width_of(env, out))
    shown(secrets.scrub(text), out)
    if args.decision_file:
        try:
            Path(args.decision_file).write_text(secrets.scrub(json.dumps(decision.to_json(), indent=2)) + "\n")
        except OSError as exc:  # checked before deciding; a disk that filled since must not hide the outcome
            shown(f"warning: --decision-file {args.decision_file}: not written ({exc.strerror or exc})", err)
    return exit_code(decision)


def _git_branches(workspace: Path, remote: str) -> BranchMaker:
    """Where the CLI creates lasting version branches (used only when versions.branch_prefix is set)."""
    from vibe_action.github.branches import GitPushBranches  # noqa: PLC0415 — loads PyGithub, only when sending

    return GitPushBranches(workspace, remote)


def printer(env: Mapping[str, str]) -> Callable[[str, TextIO], None]:
    """The one way the CLI prints: control characters shown as `?` (no escape sequence reaches a terminal), and
    inside GitHub Actions no line of untrusted text can turn into a workflow command."""
    if env.get("GITHUB_ACTIONS") == "true":
        return echo  # (echo shows control characters as `?` too)
    return lambda text, stream: print(terminal_safe(text), file=stream)


def _desk(
    args: argparse.Namespace,
    env: Mapping[str, str],
    secrets: Secrets,
    session: requests.Session | None = None,
    ledger: Ledger | None = None,
) -> operations.Desk:
    """What every command but `run` works with, from the flags and the environment."""

    shown = printer(env)
    services = Services(
        ledger or _ledger(args, env),
        session,
        secrets,
        progress=lambda text: shown(secrets.scrub(text), sys.stderr),
    )
    return operations.Desk(
        Path(args.workspace),
        args.config,
        services.ledger,
        services,
        cli_access(args, env),
        datetime.now(timezone.utc),
        getattr(args, "environment", None),
        getattr(args, "build_hook_url", None) or env.get(HOOK_URL_VARIABLE),
    )


def _snapshots(
    args: argparse.Namespace, env: Mapping[str, str], out: TextIO, secrets: Secrets, session: requests.Session
) -> int:
    desk = _desk(args, env, secrets, session)
    if args.command == "rollback":
        answer = operations.roll_back(desk, "previous" if args.previous else args.to, not args.no_lock)
    elif args.command == "unlock":
        answer = operations.release(desk)
    elif args.command == "prune":
        answer = operations.prune(desk, apply=args.apply, keep=args.keep)
    else:
        answer = operations.doctor(desk)
    _warn_ledger(desk.ledger, env, sys.stderr)
    text = json.dumps(answer.data, indent=2) if args.json else answer.text
    if not args.json and args.command in ("rollback", "unlock"):  # sentences, not tables: fit the terminal
        text = fitted(text, width_of(env, out))
    printer(env)(secrets.scrub(text), out)
    return 1 if answer.found else EXIT_OK


def fitted(text: str, width: int) -> str:
    """Each line wrapped to `width` (URLs and ids are never broken)."""

    return "\n".join(
        "\n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)) or line
        for line in text.splitlines()
    )


def _warn_ledger(ledger: Ledger, env: Mapping[str, str], err: TextIO) -> None:
    for warning in getattr(ledger, "warnings", ()):
        printer(env)(f"warning: {warning}", err)


def _check_workspace(workspace: str | None) -> None:
    """`--workspace` names the repository's folder: one that is missing is said as such, not as a missing
    config, an empty ledger or no results under it."""
    if workspace is None or Path(workspace).is_dir():
        return
    what = "is not a folder" if Path(workspace).exists() else "does not exist"
    raise InputError(
        f"--workspace {workspace} {what}; pass the repository's root folder (the default is the current directory)"
    )


def _validate(args: argparse.Namespace, env: Mapping[str, str], out: TextIO) -> int:
    shown = printer(env)  # file names and warnings come from the repository
    answer = operations.validate(Path(args.workspace), args.config, args.results)
    for warning in answer.warnings:
        shown(f"warning: {warning}", sys.stderr)
    shown(json.dumps(answer.data, indent=2) if args.json else answer.text, out)
    return EXIT_OK


def _history(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    shown = printer(env)  # every field of a ledger record is untrusted text
    desk = _desk(args, env, secrets)
    answer = operations.history(desk, args.limit, args.wide)
    _warn_ledger(desk.ledger, env, err)
    return _answered(answer, args, shown, out)


def _answered(
    answer: operations.Answer, args: argparse.Namespace, shown: Callable[[str, TextIO], None], out: TextIO
) -> int:
    """A listing as asked: JSON, markdown or the terminal's text."""
    if args.json:
        shown(json.dumps(answer.data, indent=2), out)
    else:
        shown(answer.markdown.rstrip("\n") if args.markdown else answer.text, out)
    return EXIT_OK


def _diff(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    from vibe_action.app.diff import diff  # noqa: PLC0415 — a command loads only its own code

    shown = printer(env)  # item ids come from results files and ledger records: untrusted text
    desk = _desk(args, env, secrets)
    answer = diff(desk, args.first, args.second)
    _warn_ledger(desk.ledger, env, err)
    return _answered(answer, args, shown, out)


def _page(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    """`vibe-gate page --out DIR`: the versions site, from the local ledger or from GitHub Deployments."""

    ledger = None
    if args.github_repo:
        config = operations.config_or_none(_desk(args, env, secrets))
        ledger = _github_ledger(args, env, environment_for(config, override=args.environment), err)
    desk = _desk(args, env, secrets, ledger=ledger)
    answer = operations.page(desk, Path(args.out), args.repo_url or publish.repository_url(env), args.title or "")
    _warn_ledger(desk.ledger, env, err)
    printer(env)(json.dumps(answer.data, indent=2) if args.json else fitted(answer.text, width_of(env, out)), out)
    return EXIT_OK


def _github_ledger(args: argparse.Namespace, env: Mapping[str, str], environment: str, err: TextIO) -> Ledger:
    """Every snapshot in GitHub Deployments; a token from $GITHUB_TOKEN, none needed for a public repository.

    Without a token GitHub allows 60 requests an hour per IP (and a build machine's IP is shared): then only the
    newest deployments' statuses are read, within that limit, and the page says how many were left unread."""
    from vibe_action.github.client import UNAUTHENTICATED_LIMIT, make_github  # noqa: PLC0415 — only this path
    from vibe_action.ledger.github_deployments import LISTING_REQUESTS, GitHubLedger  # noqa: PLC0415

    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", args.github_repo):
        raise InputError(f"--github-repo {args.github_repo[:80]!r}: give it as owner/name")
    token = env.get("GITHUB_TOKEN", "")
    github = make_github(token, env.get("GITHUB_API_URL") or "https://api.github.com")
    budget = None if token else UNAUTHENTICATED_LIMIT - LISTING_REQUESTS
    repo = github.get_repo(args.github_repo, lazy=True)
    ledger = GitHubLedger(repo, "", datetime.now(timezone.utc), budget, deploy_id_of)
    records = ledger.records(environment, None, live=ALL_SNAPSHOTS)
    if ledger.unread:
        printer(env)(
            f"note: without GITHUB_TOKEN GitHub allows {UNAUTHENTICATED_LIMIT} requests an hour: read the status "
            f"of the newest {budget} deployments; {ledger.unread} older one(s) show as 'unknown' — set GITHUB_TOKEN "
            "to a read-only token (fine-grained, Deployments: read) to read them all",
            err,
        )
    return ReadOnly(records)

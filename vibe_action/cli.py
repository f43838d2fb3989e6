"""`vibe-gate`: argument parsing, output and exit codes. The work is done in `gate`, `ledger`, `report`.

Exit codes: 0 deploy or skip, 1 blocked, 2 invalid input, 3 external failure (hook, API).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import requests

from vibe_action import __version__, interrupts, report
from vibe_action.decide.decision import exit_code
from vibe_action.decide.policy import KNOWN_EVENTS
from vibe_action.errors import EXIT_EXTERNAL_FAILURE, EXIT_OK, GateError, InputError
from vibe_action.gate import HOOK_URL_VARIABLE, RunRequest, Services, check_required, load_inputs, run_gate
from vibe_action.github.workflow import echo
from vibe_action.inputs import gitinfo
from vibe_action.inputs.config import load_config
from vibe_action.interrupts import Interrupted
from vibe_action.ledger.local import DEFAULT_LEDGER, LocalLedger
from vibe_action.netlify import snapshots
from vibe_action.netlify.api import API_URL_VARIABLE, NetlifyClient, make_netlify
from vibe_action.netlify.snapshot_report import snapshot_report
from vibe_action.redact import Secrets

COMMANDS = ("run", "validate", "history", "rollback", "prune", "doctor", "demo", "action")
LEDGER_VARIABLE = "VIBE_LEDGER"
EPILOG = """With no command, 'run' is assumed.

exit codes:
  0  deploy or skip (including report-only branches and dry runs)
  1  blocked by a floor, a guard, a missing metric or the quota (doctor: builds outside the gate found)
  2  invalid input: config, results, ledger or options (nothing deployed, nothing recorded)
  3  external failure: the build hook, Netlify or an API failed
  4  the build was triggered but the ledger could not record it (the record is printed to restore)
  130/143  interrupted by SIGINT/SIGTERM (a build already triggered is recorded as unconfirmed)
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", default=".", help="repository root (default: current directory)")
    common.add_argument("--config", default="config/deploy.yaml", help="deploy policy (default: config/deploy.yaml)")
    common.add_argument(
        "--results",
        action="append",
        metavar="GLOB",
        help="results glob; repeatable; overrides 'results:' in the config",
    )
    common.add_argument("--ledger", help=f"local ledger file (default: ${LEDGER_VARIABLE} or {DEFAULT_LEDGER})")
    common.add_argument("--environment", help="ledger environment (default: branch rule, config, or production)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    netlify = argparse.ArgumentParser(add_help=False)
    netlify.add_argument("--netlify-token", help="Netlify access token (default: $NETLIFY_AUTH_TOKEN); never printed")
    netlify.add_argument("--netlify-site-id", help="Netlify site id (default: $NETLIFY_SITE_ID)")

    parser = argparse.ArgumentParser(
        prog="vibe-gate",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Decide whether new benchmark results deserve a deploy, and fire the build hook if so.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        parents=[common, netlify],
        help="decide, and deploy when the policy says so",
        description="Validate, compare with the last deployed snapshot, decide, and start the build "
        "on a deploy verdict; with Netlify access, wait for the deploy and record its permalink.",
    )
    run.add_argument("--sha", help="commit being evaluated (default: git HEAD)")
    run.add_argument("--branch", help="branch being evaluated (default: the checked-out branch)")
    run.add_argument(
        "--event",
        default="push",
        type=_event,
        help=f"triggering event: {', '.join(sorted(KNOWN_EVENTS))}; pull_request only previews (default: push)",
    )
    run.add_argument("--build-hook-url", help=f"Netlify build hook (default: ${HOOK_URL_VARIABLE}); never printed")
    run.add_argument("--dry-run", action="store_true", help="decide and report; fire nothing, record nothing")
    run.add_argument("--decision-file", metavar="PATH", help="also write the decision as JSON to this file")
    sub.add_parser(
        "validate",
        parents=[common],
        help="check deploy.yaml and the results files",
        description="Validate the config and results against their schemas; errors are file:line:col. "
        "Exit 0 when valid, 2 otherwise.",
    )
    sub.add_parser(
        "history",
        parents=[common],
        help="list recorded snapshots, newest first",
        description="Show the ledger: every snapshot with its status, scores and deploy URL.",
    )
    rollback = sub.add_parser(
        "rollback",
        parents=[common, netlify],
        help="restore an earlier snapshot",
        description="Restore a snapshot's Netlify deploy, lock it, and record it in the ledger "
        "so the next decision compares with what is live. Needs Netlify API access.",
    )
    target = rollback.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", metavar="SHA", help="the commit whose snapshot to restore (7+ characters)")
    target.add_argument("--previous", action="store_true", help="the snapshot before the one live now")
    rollback.add_argument("--no-lock", action="store_true", help="do not lock it (the next auto-publish replaces it)")
    prune = sub.add_parser(
        "prune",
        parents=[common, netlify],
        help="delete deploys that are not worth keeping",
        description="Classify the site's deploys (published, locked, newest snapshots and recent "
        "ones are kept), print the plan, and delete only with --apply.",
    )
    prune.add_argument("--keep", type=int, help="ledger snapshots to keep (default: retention.keep, 10)")
    prune.add_argument("--apply", action="store_true", help="delete what the plan says (default: only print it)")
    sub.add_parser(
        "doctor",
        parents=[common, netlify],
        help="find production builds the gate did not start",
        description="List recent production deploys that did not come from the gate, and how to stop them.",
    )
    demo = sub.add_parser(
        "demo",
        help="run the gate on the bundled example history",
        description="Build a temporary git repository from the examples and run the real gate on "
        "each commit against a local build-hook receiver, a local Netlify API and a local ledger.",
    )
    demo.add_argument("--examples", help="examples folder (default: ./examples, else the one beside the package)")
    sub.add_parser(
        "action",
        help="run as the GitHub Action (what action.yml calls)",
        description="Read the inputs from INPUT_* variables and the event from GITHUB_* variables.",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    env = os.environ if env is None else env
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "run")
    args = build_parser().parse_args(args_list)
    secrets = Secrets()
    secrets.add_url(getattr(args, "build_hook_url", None) or env.get(HOOK_URL_VARIABLE))
    secrets.add(getattr(args, "netlify_token", None) or env.get("NETLIFY_AUTH_TOKEN"))
    with interrupts.raised():
        return _dispatch(args, env, out, err, secrets)


def _dispatch(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    try:
        if args.command == "action":
            from vibe_action.action import run_action  # noqa: PLC0415 — GitHub client code is not needed locally

            return run_action(env, out)
        if args.command == "demo":
            from vibe_action.demo import run_demo  # noqa: PLC0415 — the demo's server code is not needed otherwise

            return run_demo(_examples_folder(args.examples), out)
        if args.command == "validate":
            return _validate(args, out)
        if args.command == "history":
            return _history(args, env, out, err)
        with requests.Session() as session:
            if args.command in ("rollback", "prune", "doctor"):
                return _snapshots(args, env, out, secrets, session)
            return _run(args, env, out, err, secrets, session)
    except GateError as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        _printer(env)(secrets.scrub("\n".join(f"error: {line}" for line in lines)), err)
        return exc.exit_code
    except Interrupted as exc:
        print(f"interrupted by {exc.args[0]}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so without a traceback, unless asked for one
        if env.get("VIBE_DEBUG"):
            print(secrets.scrub(traceback.format_exc()), file=err)
        _printer(env)(
            secrets.scrub(
                f"internal error: {type(exc).__name__}: {exc} (set VIBE_DEBUG=1 for details; please report it)"
            ),
            err,
        )
        return EXIT_EXTERNAL_FAILURE


def _event(value: str) -> str:
    """Only the documented events: a typo (`pull-request`) must not be taken for a push that can deploy."""
    if value in KNOWN_EVENTS:
        return value
    close = difflib.get_close_matches(value.replace("-", "_"), sorted(KNOWN_EVENTS), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise argparse.ArgumentTypeError(f"unknown event {value[:60]!r} (one of {', '.join(sorted(KNOWN_EVENTS))}){hint}")


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
    """`./examples` when it exists, else the checkout's examples beside the package (editable installs)."""
    if given:
        return Path(given)
    here = Path("examples")
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "examples"


def _ledger(args: argparse.Namespace, env: Mapping[str, str]) -> LocalLedger:
    raw = args.ledger or env.get(LEDGER_VARIABLE) or DEFAULT_LEDGER
    return LocalLedger(Path(args.workspace) / raw, display=raw)


def _netlify(
    args: argparse.Namespace, env: Mapping[str, str], session: requests.Session, secrets: Secrets
) -> NetlifyClient | None:
    return make_netlify(
        session,
        args.netlify_token or env.get("NETLIFY_AUTH_TOKEN"),
        args.netlify_site_id or env.get("NETLIFY_SITE_ID"),
        secrets,
        env.get(API_URL_VARIABLE),
    )


def _run(
    args: argparse.Namespace,
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    secrets: Secrets,
    session: requests.Session,
) -> int:
    workspace = Path(args.workspace)
    if args.decision_file:
        _writable_file(args.decision_file, "--decision-file")
    sha = gitinfo.checked_sha(args.sha, "--sha") if args.sha else gitinfo.head_sha(workspace)
    branch = gitinfo.checked_branch(args.branch, "--branch") if args.branch else gitinfo.current_branch(workspace)
    request = RunRequest(
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
    )
    ledger = _ledger(args, env)
    decision = run_gate(request, Services(ledger, session, secrets, _netlify(args, env, session, secrets)))
    shown = _printer(env)
    for warning in [*ledger.warnings, *(decision.outcome.get("warnings") or ())]:
        shown(secrets.scrub(f"warning: {warning}"), err)
    unrecorded = report.unrecorded_notice(decision)
    if unrecorded:
        shown(secrets.scrub(f"error: {unrecorded}"), err)
    text = json.dumps(decision.to_json(), indent=2) if args.json else report.text_report(decision)
    shown(secrets.scrub(text), out)
    if args.decision_file:
        try:
            Path(args.decision_file).write_text(secrets.scrub(json.dumps(decision.to_json(), indent=2)) + "\n")
        except OSError as exc:  # checked before deciding; a disk that filled since must not hide the outcome
            shown(f"warning: --decision-file {args.decision_file}: not written ({exc.strerror or exc})", err)
    return exit_code(decision)


def _printer(env: Mapping[str, str]) -> Callable[[str, TextIO], None]:
    """Plain print; inside GitHub Actions, printing that no line of untrusted text can turn into a command."""
    if env.get("GITHUB_ACTIONS") == "true":
        return echo
    return lambda text, stream: print(text, file=stream)


def _snapshots(
    args: argparse.Namespace, env: Mapping[str, str], out: TextIO, secrets: Secrets, session: requests.Session
) -> int:
    config = load_config(Path(args.workspace) / args.config, display=args.config)
    environment = args.environment or config.environment or "production"
    ledger = _ledger(args, env)
    netlify = _netlify(args, env, session, secrets)
    now = datetime.now(timezone.utc)
    if args.command == "rollback":
        record = snapshots.rollback(
            ledger, netlify, environment, "previous" if args.previous else args.to, not args.no_lock, now
        )
        text = (
            json.dumps(record.to_json(), indent=2) if args.json else f"{record.reasons[-1]}\nlive: {record.deploy_url}"
        )
        print(secrets.scrub(text), file=out)
        return EXIT_OK
    text, found = snapshot_report(
        args.command,
        ledger,
        netlify,
        environment,
        config,
        apply=getattr(args, "apply", False),
        now=now,
        keep=getattr(args, "keep", None),
    )
    print(secrets.scrub(text), file=out)
    return 1 if found else EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    inputs = load_inputs(Path(args.workspace), args.config, args.results)
    check_required(inputs)
    summary = {
        "valid": True,
        "config": args.config,
        "metrics": list(inputs.config.metrics),
        "results": list(inputs.results.files),
        "benchmarks": inputs.results.scores(),
    }
    if args.json:
        print(json.dumps(summary, indent=2), file=out)
    else:
        print(
            f"ok: {args.config} ({len(inputs.config.metrics)} metrics, primary {inputs.config.primary}); "
            f"{len(inputs.results.files)} results file(s): {', '.join(inputs.results.files)} "
            f"({len(inputs.results.benchmarks)} benchmarks)",
            file=out,
        )
    return EXIT_OK


def _history(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    ledger = _ledger(args, env)
    records = ledger.records()
    for warning in ledger.warnings:
        print(f"warning: {warning}", file=err)
    if args.json:
        print(json.dumps([r.to_json() for r in records], indent=2), file=out)
    else:
        print(report.history_table(records), file=out)
    return EXIT_OK

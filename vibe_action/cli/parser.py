"""The command line's grammar: subcommands, their options, and help that says what each one exits with.

Each subcommand takes only the options it uses (history, rollback, prune and doctor read no results), and its
help ends with its exit codes and, where an option has a fixed set of values, the values.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import textwrap
from collections.abc import Callable

from vibe_action import __version__
from vibe_action.decide.policy import KNOWN_EVENTS

COMMANDS = (
    "run", "validate", "history", "diff", "page", "rollback", "unlock", "prune", "doctor", "init", "demo", "action",
)  # fmt: skip
LEDGER_VARIABLE = "VIBE_LEDGER"
DEFAULT_LEDGER = ".vibe-deploy-gate/ledger.jsonl"  # the local ledger, inside the repository
# --previous (and the action's `to: previous`), defined once; deploy/rollback.py chooses it so.
PREVIOUS = "the version that was live before the one live now (after a rollback: the version it replaced)"
HOOK_URL_VARIABLE = "VIBE_BUILD_HOOK_URL"  # the deploy hook URL when no flag gives it, for every target
EXIT_CODES = {
    0: "deploy or skip (including report-only branches and dry runs)",
    1: "blocked by a floor, a guard, a missing metric or the quota (doctor: builds outside the gate found)",
    2: "invalid input: config, results, ledger or options (nothing deployed, nothing recorded)",
    3: "external failure: the build hook, Netlify or an API failed",
    4: "the build was triggered but the ledger could not record it (the record is printed to restore)",
    130: "interrupted by SIGINT (143: SIGTERM); a build already triggered is recorded as unconfirmed",
    141: "stdout was closed (a pipe into head): nothing more is printed",
}
EPILOG = (
    "With no command, 'run' is assumed.\n\n"
    + "exit codes:\n"
    + "".join(f"  {code:<4} {text}\n" for code, text in EXIT_CODES.items())
)
COMMAND_EXITS = {
    "run": (0, 1, 2, 3, 4, 130, 141),
    "validate": (0, 2, 141),
    "history": (0, 2, 141),
    "diff": (0, 2, 141),
    "page": (0, 2, 3, 141),
    "rollback": (0, 2, 3, 141),
    "unlock": (0, 2, 3, 141),
    "prune": (0, 2, 3, 141),
    "doctor": (0, 1, 2, 3, 141),
    "init": (0, 2),
    "demo": (0, 1, 2),
}


def _epilog(command: str, extra: str = "") -> str:
    codes = "".join(f"  {code:<4} {EXIT_CODES[code]}\n" for code in COMMAND_EXITS[command])
    return (extra + "\n\n" if extra else "") + "exit codes:\n" + codes


def _event(value: str) -> str:
    """Only the documented events: a typo (`pull-request`) must not be taken for a push that can deploy."""
    if value in KNOWN_EVENTS:
        return value

    close = difflib.get_close_matches(value.replace("-", "_"), sorted(KNOWN_EVENTS), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise argparse.ArgumentTypeError(f"unknown event {value[:60]!r} (one of {', '.join(sorted(KNOWN_EVENTS))}){hint}")


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum` (a negative --keep would delete everything)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum} (got {value})")
        return value

    return parse


def _add_page(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    page = sub.add_parser(
        "page",
        parents=parents,
        formatter_class=RAW,
        help="write the versions page (a static site) from the ledger",
        description="Write index.html (every version newest first, the live one marked, a chart per benchmark) "
        "and one page per version (the decision that shipped it) into --out. Self-contained: no scripts, no "
        "requests. Reads the local ledger, or GitHub Deployments with --github-repo ($GITHUB_TOKEN if set; a "
        "public repository needs none).",
        epilog=_epilog("page"),
    )
    page.add_argument("--out", required=True, metavar="DIR", help="folder to write the pages into (created)")
    page.add_argument("--github-repo", metavar="OWNER/NAME", help="read GitHub Deployments instead of the ledger file")
    page.add_argument(
        "--repo-url",
        metavar="URL",
        help="web URL of the repository, for commit links (default: from GITHUB_* or Netlify's REPOSITORY_URL)",
    )
    page.add_argument("--title", help="the page's heading (default: the model's name)")


def _site_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    """A command that works on the Netlify site and the ledger (unlock, prune, doctor)."""
    return sub.add_parser(
        name,
        parents=parents,
        formatter_class=RAW,
        help=summary,
        description=description,
        epilog=_epilog(name),
    )


Sub = argparse._SubParsersAction  # the object add_subparsers returns


class Fitted(argparse.HelpFormatter):
    """Help fitted to the terminal ($COLUMNS): prose paragraphs are wrapped; indented lines (the exit-code
    table, examples) keep their layout, and a long one continues under its text column. Every parser uses it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(
            prog,
            indent_increment,
            max_help_position,
            shutil.get_terminal_size().columns - 2 if width is None else width,
        )

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        for paragraph in text.split("\n\n"):
            lines = paragraph.splitlines()
            if any(line[:1].isspace() for line in lines[1:]) or (lines and lines[0].endswith(":")):
                for line in lines:
                    column = len(line) - len(line.lstrip().split(" ", 1)[-1].lstrip()) if " " in line.strip() else 0
                    out += textwrap.wrap(line, width, subsequent_indent=" " * column, drop_whitespace=True) or [""]
            else:
                out.append(
                    textwrap.fill(" ".join(paragraph.split()), width, initial_indent=indent, subsequent_indent=indent)
                )
            out.append("")
        return "\n".join(out).rstrip("\n")


RAW = Fitted


class Groups:
    """Options several commands share, as argparse parent parsers (a plain class: `dataclasses` would cost
    `--help` a fifth of its start-up)."""

    __slots__ = ("base", "ledger", "netlify", "results")

    def __init__(
        self,
        base: argparse.ArgumentParser,
        ledger: argparse.ArgumentParser,
        results: argparse.ArgumentParser,
        netlify: argparse.ArgumentParser,
    ) -> None:
        self.base, self.ledger, self.results, self.netlify = base, ledger, results, netlify


def _groups() -> Groups:
    base = argparse.ArgumentParser(add_help=False, formatter_class=RAW)
    base.add_argument("--workspace", default=".", help="repository root (default: current directory)")
    base.add_argument("--config", default="config/deploy.yaml", help="deploy policy (default: config/deploy.yaml)")
    base.add_argument("--environment", help="ledger environment (default: branch rule, config, or production)")
    base.add_argument("--json", action="store_true", help="print machine-readable JSON instead of text")
    ledger = argparse.ArgumentParser(add_help=False, formatter_class=RAW)
    ledger.add_argument("--ledger", help=f"local ledger file (default: ${LEDGER_VARIABLE} or {DEFAULT_LEDGER})")
    results = argparse.ArgumentParser(add_help=False, formatter_class=RAW)
    results.add_argument(
        "--results",
        action="append",
        metavar="GLOB",
        help="results glob; repeatable; overrides 'results:' in the config",
    )
    netlify = argparse.ArgumentParser(add_help=False, formatter_class=RAW)
    netlify.add_argument("--netlify-token", help="Netlify access token (default: $NETLIFY_AUTH_TOKEN); never printed")
    netlify.add_argument("--netlify-site-id", help="Netlify site id (default: $NETLIFY_SITE_ID)")
    netlify.add_argument(
        "--cloudflare-api-token", help="Cloudflare API token (default: $CLOUDFLARE_API_TOKEN); never printed"
    )
    netlify.add_argument("--cloudflare-account-id", help="Cloudflare account id (default: $CLOUDFLARE_ACCOUNT_ID)")
    netlify.add_argument("--vercel-token", help="Vercel access token (default: $VERCEL_TOKEN); never printed")
    netlify.add_argument("--vercel-project-id", help="Vercel project id (default: $VERCEL_PROJECT_ID)")
    netlify.add_argument("--vercel-org-id", help="Vercel org or team id (default: $VERCEL_ORG_ID)")
    return Groups(base, ledger, results, netlify)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe-gate",
        epilog=EPILOG,
        formatter_class=RAW,
        description="Decide whether new benchmark results deserve a deploy, and fire the build hook if so.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups = _groups()
    _add_run(sub, groups)
    sub.add_parser(
        "validate",
        parents=[groups.base, groups.results],
        formatter_class=RAW,
        help="check deploy.yaml and the results files",
        description="Validate the config and results against their schemas, and that every required metric is "
        "in some results file; errors are file:line:col.",
        epilog=_epilog("validate"),
    )
    _add_history(sub, groups)
    _add_diff(sub, groups)
    _add_page(sub, [groups.base, groups.ledger])
    _add_rollback(sub, groups)
    _add_site_commands(sub, [groups.base, groups.ledger, groups.netlify])
    _add_local_commands(sub)
    return parser


def _add_run(sub: Sub[argparse.ArgumentParser], groups: Groups) -> None:
    run = sub.add_parser(
        "run",
        parents=[groups.base, groups.ledger, groups.results, groups.netlify],
        formatter_class=RAW,
        help="decide, and deploy when the policy says so",
        description="Validate, compare with the last deployed snapshot, decide, and start the build "
        "on a deploy verdict; with Netlify access, wait for the deploy and record its permalink.",
        epilog=_epilog("run", f"--event takes one of: {', '.join(sorted(KNOWN_EVENTS))}"),
    )
    run.add_argument("--sha", help="commit being evaluated: 7 to 64 hex digits (default: git HEAD)")
    run.add_argument("--branch", help="branch being evaluated (default: the checked-out branch)")
    run.add_argument(
        "--event",
        default="push",
        type=_event,
        metavar="EVENT",
        help="triggering event (default: push); pull_request only previews",
    )
    run.add_argument(
        "--build-hook-url",
        "--deploy-hook-url",
        dest="build_hook_url",
        help=f"the build (deploy) hook URL (default: ${HOOK_URL_VARIABLE}); never printed",
    )
    run.add_argument(
        "--upload-dir",
        metavar="DIR",
        help="upload this built folder through the host's API on a deploy verdict (overrides upload.dir; Netlify)",
    )
    run.add_argument(
        "--preview",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="on a pull request or a report-only branch, upload the candidate's build as a preview (overrides preview)",
    )
    run.add_argument("--dry-run", action="store_true", help="decide and report; fire nothing, record nothing")
    run.add_argument("--decision-file", metavar="PATH", help="also write the decision as JSON to this file")
    run.add_argument(
        "--remote", default="origin", help="git remote that gets the lasting version branches (default: origin)"
    )


def _add_history(sub: Sub[argparse.ArgumentParser], groups: Groups) -> None:
    history = sub.add_parser(
        "history",
        parents=[groups.base, groups.ledger],
        formatter_class=RAW,
        help="list recorded snapshots, newest first",
        description="Show the ledger: every snapshot with its status, primary score and deploy URL.",
        epilog=_epilog("history"),
    )
    history.add_argument("--wide", action="store_true", help="every column (branch, environment, all scores)")
    history.add_argument(
        "--limit",
        type=_at_least(0),
        default=20,
        metavar="N",
        help="the newest N snapshots (default: 20; 0: all of them)",
    )
    history.add_argument("--markdown", action="store_true", help="a markdown table (job summaries, release notes)")


def _add_diff(sub: Sub[argparse.ArgumentParser], groups: Groups) -> None:
    diff = sub.add_parser(
        "diff",
        parents=[groups.base, groups.ledger],
        formatter_class=RAW,
        help="what changed, problem by problem, between two versions",
        description="Compare two snapshots (v3, a deployed commit, live, previous) or a results folder, problem by "
        "problem: how many problems moved up and down, which, and whether beyond noise. With one side, the live "
        "version is compared with it.",
        epilog=_epilog("diff"),
    )
    diff.add_argument("first", metavar="A", help="a version (v3), a deployed commit, live, previous, or a folder")
    diff.add_argument("second", metavar="B", nargs="?", help="the same; left out: A is compared with live")
    diff.add_argument("--markdown", action="store_true", help="markdown (a PR comment, release notes)")


def _add_rollback(sub: Sub[argparse.ArgumentParser], groups: Groups) -> None:
    rollback = sub.add_parser(
        "rollback",
        parents=[groups.base, groups.ledger, groups.netlify],
        formatter_class=RAW,
        help="restore an earlier snapshot",
        description="Restore a version's Netlify deploy, lock it, and record it in the ledger so the next "
        "decision compares with what is live. When Netlify deleted the deploy (past its retention) or there is "
        "no token, rebuild the version's commit through the build hook instead (one build, counted in the "
        "quota; locked when a token is given).",
        epilog=_epilog("rollback"),
    )
    target = rollback.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--to", metavar="SHA|vN", help="the version (v12) or the commit (7+ characters) whose snapshot to restore"
    )
    target.add_argument("--previous", action="store_true", help=PREVIOUS)
    rollback.add_argument("--no-lock", action="store_true", help="do not lock it (the next auto-publish replaces it)")
    rollback.add_argument(
        "--build-hook-url",
        "--deploy-hook-url",
        dest="build_hook_url",
        help=f"rebuild the version through this hook when the host deleted its deploy (default: ${HOOK_URL_VARIABLE})",
    )


def _add_site_commands(sub: Sub[argparse.ArgumentParser], site: list[argparse.ArgumentParser]) -> None:
    _site_command(
        sub,
        site,
        "unlock",
        "release the lock a rollback put on production",
        "Unlock the published Netlify deploy (a rollback locks it, and while it is locked Netlify builds new "
        "deploys without publishing them, so the gate blocks) and record that in the ledger.",
    )
    prune = _site_command(
        sub,
        site,
        "prune",
        "delete deploys that are not worth keeping",
        "Classify the site's deploys (published, locked, version branches, each branch's newest, newest "
        "snapshots and recent ones are kept), print the plan, and delete only with --apply.",
    )
    prune.add_argument("--keep", type=_at_least(1), help="ledger snapshots to keep (default: retention.keep, 10)")
    prune.add_argument("--apply", action="store_true", help="delete what the plan says (default: only print it)")
    _site_command(
        sub,
        site,
        "doctor",
        "check the host's settings and find production builds the gate did not start",
        "Fail when the site's builds are stopped (the build hook would never build), and list recent ready "
        "production deploys that did not come from the gate, and how to stop them.",
    )


def _add_local_commands(sub: Sub[argparse.ArgumentParser]) -> None:
    """init, demo and action: commands of this machine's repository and of the runner."""
    init = sub.add_parser(
        "init",
        formatter_class=RAW,
        help="write config/deploy.yaml and a workflow for this repository",
        description="Look at the results files and branches in the repository and write a commented "
        "config/deploy.yaml and .github/workflows/deploy-gate.yml whose path filters cover the results.",
        epilog=_epilog("init"),
    )
    init.add_argument("--workspace", default=".", help="repository root (default: current directory)")
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    demo = sub.add_parser(
        "demo",
        formatter_class=RAW,
        help="run the gate on the bundled example history",
        description="Build a temporary git repository from the examples and run the real gate on "
        "each commit against a local build-hook receiver, a local Netlify API and a local ledger.",
        epilog=_epilog("demo"),
    )
    demo.add_argument("--examples", help="examples folder (default: ./examples, else the copy inside the package)")
    demo.add_argument(
        "--keep",
        metavar="DIR",
        help="leave the demo's ledger and config in DIR and write its versions page to DIR/versions",
    )
    sub.add_parser(
        "action",
        formatter_class=RAW,
        help="run as the GitHub Action (what action.yml calls)",
        description="Read the inputs from INPUT_* variables and the event from GITHUB_* variables.",
    )

"""`vibe-gate`: parse the arguments, run the command, turn what went wrong into a message and an exit code.

The commands themselves live in `commands.py`; what went wrong is caught here, in one place, and mapped to a
documented exit code (`errors.py`).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import TextIO

from vibe_action import interrupts
from vibe_action.cli.commands import printer, run_command
from vibe_action.cli.parser import COMMANDS, HOOK_URL_VARIABLE, build_parser
from vibe_action.errors import EXIT_BROKEN_PIPE, EXIT_EXTERNAL_FAILURE, GateError
from vibe_action.interrupts import Interrupted
from vibe_action.redact import Secrets


def console() -> int:
    """The process entry: the `vibe-gate` script, `python -m vibe_action` and entrypoint.py."""
    return main()


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
    secrets.add(getattr(args, "cloudflare_api_token", None) or env.get("CLOUDFLARE_API_TOKEN"))
    secrets.add(getattr(args, "vercel_token", None) or env.get("VERCEL_TOKEN"))
    with interrupts.raised():
        try:
            return _dispatch(args, env, out, err, secrets)
        except BrokenPipeError:  # `vibe-gate history --json | head`: the reader has gone, end quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain either
            return EXIT_BROKEN_PIPE


def _dispatch(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    try:
        return run_command(args, env, out, err, secrets)
    except GateError as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        printer(env)(secrets.scrub("\n".join(f"error: {line}" for line in lines)), err)
        return exc.exit_code
    except Interrupted as exc:
        print(f"interrupted by {exc.args[0]}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # a closed stdout is no bug: main() ends quietly
    except Exception as exc:  # a bug: say so without a traceback, unless asked for one
        if env.get("VIBE_DEBUG"):
            print(secrets.scrub(traceback.format_exc()), file=err)
        printer(env)(
            secrets.scrub(
                f"internal error: {type(exc).__name__}: {exc} (set VIBE_DEBUG=1 for details; please report it)"
            ),
            err,
        )
        return EXIT_EXTERNAL_FAILURE

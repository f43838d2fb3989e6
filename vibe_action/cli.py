"""`vibe-gate`: parse the arguments, run the command, turn what went wrong into a message and an exit code.

The commands themselves live in `commands.py` and are imported after parsing: `--help` loads only this
module and `arguments.py`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Mapping, Sequence

from vibe_action.arguments import COMMANDS, HOOK_URL_VARIABLE, build_parser

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: see vibe_action/__init__.py
if TYPE_CHECKING:
    from typing import TextIO

    from vibe_action.redact import Secrets


class _StartUp:
    """Whether `console()` paused the cyclic garbage collector for the start-up (a library caller's is left alone)."""

    paused = False


def console() -> int:
    """The process entry (`vibe-gate`, `python -m vibe_action`, entrypoint.py): `main()`, with the cyclic garbage
    collector paused while the modules load and their objects frozen at the end. Loading creates some 18,000
    objects that all live until exit; collecting them again and again as they load, and once more as the
    interpreter shuts down, cost a dry run ~10 ms of its ~95 (`make bench`). The collector is back on before the
    command does its work (a results file may be hundreds of MiB), so nothing a run allocates goes uncollected."""
    gc.disable()
    _StartUp.paused = True
    try:
        return main()
    finally:
        gc.freeze()  # the process ends here: the shutdown collection need not walk every module's objects again


def _loaded() -> None:
    """The command's modules are in: freeze what loading made (it lives until exit) and collect as usual."""
    if _StartUp.paused:
        _StartUp.paused = False
        gc.freeze()
        gc.enable()


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
    args = build_parser().parse_args(args_list)  # --help and a mistyped option end here, having loaded nothing more
    from vibe_action import interrupts  # noqa: PLC0415 — a command runs: what it needs, from here on
    from vibe_action.errors import EXIT_BROKEN_PIPE  # noqa: PLC0415
    from vibe_action.redact import Secrets  # noqa: PLC0415

    secrets = Secrets()
    secrets.add_url(getattr(args, "build_hook_url", None) or env.get(HOOK_URL_VARIABLE))
    secrets.add(getattr(args, "netlify_token", None) or env.get("NETLIFY_AUTH_TOKEN"))
    secrets.add(getattr(args, "cloudflare_api_token", None) or env.get("CLOUDFLARE_API_TOKEN"))
    with interrupts.raised():
        try:
            return _dispatch(args, env, out, err, secrets)
        except BrokenPipeError:  # `vibe-gate history --json | head`: the reader has gone, end quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain either
            return EXIT_BROKEN_PIPE


def _dispatch(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO, secrets: Secrets) -> int:
    from vibe_action.commands import printer, run_command  # noqa: PLC0415
    from vibe_action.errors import EXIT_EXTERNAL_FAILURE, GateError  # noqa: PLC0415
    from vibe_action.interrupts import Interrupted  # noqa: PLC0415

    _loaded()
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
            import traceback  # noqa: PLC0415 — for a bug only

            print(secrets.scrub(traceback.format_exc()), file=err)
        printer(env)(
            secrets.scrub(
                f"internal error: {type(exc).__name__}: {exc} (set VIBE_DEBUG=1 for details; please report it)"
            ),
            err,
        )
        return EXIT_EXTERNAL_FAILURE

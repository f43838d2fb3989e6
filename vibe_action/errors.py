"""Typed errors, caught in one place (the CLI), each mapped to a documented exit code.

Control flow by exception keeps the policy pure: parsing raises `InputError`, talking to the outside world
raises `ExternalError`, and `cli.main` turns both into a message for the person reading the check plus an
exit code. No traceback ever reaches that person.
"""

from __future__ import annotations

from dataclasses import dataclass

from vibe_action.render.escape import printable

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_INVALID_INPUT = 2
EXIT_EXTERNAL_FAILURE = 3
# The build was (or may have been) started, but its outcome could not be written to the ledger: the record is
# printed so it can be restored by hand (docs/troubleshooting.md, "When things fail").
EXIT_UNRECORDED = 4
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a pipe's reader that went away


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, at one place in it."""

    file: str
    line: int
    column: int
    message: str
    json_path: str = ""
    hint: str = ""

    def render(self) -> str:
        """`file:line:col: path: message (hint)` — the form editors and GitHub annotations understand."""
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.json_path}:" if self.json_path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{where}:{path} {self.message}{hint}")


class GateError(Exception):
    """Base class: every error the gate raises on purpose."""

    exit_code = EXIT_EXTERNAL_FAILURE


class InputError(GateError):
    """The user's files or options are wrong; nothing was deployed or recorded."""

    exit_code = EXIT_INVALID_INPUT

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            text = printable(problems)
        else:
            self.problems = list(problems)
            text = "\n".join(p.render() for p in self.problems)
        super().__init__(text)


class ExternalError(GateError):
    """A service (build hook, GitHub API) failed; the message is already free of secrets. `status`: the HTTP
    status when the service answered (a 404 on a deploy means Netlify deleted it)."""

    exit_code = EXIT_EXTERNAL_FAILURE

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

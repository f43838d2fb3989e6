"""Hostile text, and what a runner would obey in a log: what the output-encoding tests share."""

from __future__ import annotations

HOSTILE = "aime\x1b[2J\x1b]0;pwned\x07\x9b31m\u202ereversed\u200b\rover\x00"


def obeyed_commands(log: str) -> list[str]:
    """The workflow commands a runner would act on: `::…` lines outside `::stop-commands::T` … `::T::`."""
    obeyed, stopped_by = [], ""
    for line in log.splitlines():
        if stopped_by:
            stopped_by = "" if line == f"::{stopped_by}::" else stopped_by
        elif line.startswith("::stop-commands::"):
            stopped_by = line.removeprefix("::stop-commands::")
        elif line.startswith("::") or line.startswith("##["):
            obeyed.append(line)
    return obeyed

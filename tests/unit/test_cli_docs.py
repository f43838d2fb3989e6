"""docs/cli.md's option table is the parser's, both ways (issue 21): every option the parser takes is listed with
exactly the commands that take it, and every option listed is one the parser takes for those commands."""

from __future__ import annotations

import argparse
import re

from tests.conftest import ROOT
from vibe_action.cli.parser import build_parser

DOC = (ROOT / "docs" / "cli.md").read_text()
COMMANDS = ("run", "validate", "history", "diff", "page", "rollback", "unlock", "prune", "doctor", "init", "demo")


def parser_options() -> dict[str, set[str]]:
    """Every long option (aliases included) → the commands that take it."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, set[str]] = {}
    for name in COMMANDS:
        for action in sub.choices[name]._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    found.setdefault(option, set()).add(name)
    return found


def documented_options() -> dict[str, set[str]]:
    """The option table of docs/cli.md: `--name ARG` (`--alias`) | commands | default | meaning."""
    table = DOC.split("| option | commands | default | meaning |", 1)[1].split("\n\n", 1)[0]
    found: dict[str, set[str]] = {}
    for row in table.strip().splitlines()[1:]:
        first, commands = (cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip("|"))[:2])  # `\|`: a pipe
        names = re.findall(r"`(--[a-z][a-z-]*)", first)
        assert names, row
        for name in names:
            found[name] = {c.strip() for c in commands.split(",")}
    return found


def test_the_documented_options_are_the_parsers_both_ways() -> None:
    documented, parsed = documented_options(), parser_options()
    assert set(documented) == set(parsed), set(documented) ^ set(parsed)
    for option, commands in parsed.items():
        assert documented[option] == commands, option


def test_the_synopsis_names_every_command() -> None:
    synopsis = DOC.split("## CLI reference", 1)[1].split("```", 2)[1]
    for command in COMMANDS:
        assert re.search(rf"^vibe-gate (\[)?{command}\b", synopsis, re.MULTILINE), command


def test_the_guard_itself_sees_a_difference() -> None:
    """Guard the guard: an option missing from the table, or listed for one command too many, is seen."""
    parsed = parser_options()
    assert "--force" in parsed
    assert parsed["--force"] == {"init"}
    assert "validate" not in parsed["--ledger"]  # the docs said it did, once
    assert "history" not in parsed["--results"]

"""GitHub Actions' file and stdout protocols: workflow commands, step outputs, the job summary, masks.

These work with any token, even a fork's read-only one, which is why the report always goes through them too.
Values are escaped as the runner expects (`%`, CR, LF; in properties also `:` and `,`), so a file name or a
message cannot end a command early or inject another.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from vibe_action.render.escape import terminal_safe
from vibe_action.render.report import Annotation

SUMMARY_LIMIT = 1024 * 1024  # GITHUB_STEP_SUMMARY: 1 MiB per step


def _unguessable() -> str:
    """128 random bits in hex, as `secrets.token_hex(16)` makes them (os.urandom; secrets would load random, hmac
    and base64 for every command)."""
    return os.urandom(16).hex()


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """`::name key=value,…::message`, escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def echo(text: str, out: TextIO) -> None:
    """Print text that may carry untrusted content (names from results files, branch names, reasons, paths).

    The runner reads every stdout/stderr line for workflow commands (`::set-output …`, `::add-mask::…`, and
    the older `##[…]`). Such text is wrapped in `::stop-commands::<token>` … `::<token>::`, with a random
    token that does not occur in it, so no line of it can act as a command.
    """
    text = terminal_safe(text)  # no escape sequence either: the log is shown in a terminal-like view
    if "::" not in text and "##[" not in text:
        print(text, file=out)
        return
    token = _unguessable()
    while token in text:
        token = _unguessable()
    print(f"::stop-commands::{token}", file=out)
    print(text, file=out)
    print(f"::{token}::", file=out)


class Workflow:
    """Writes to the runner: commands on stdout, outputs and summary to the files it names."""

    def __init__(self, env: Mapping[str, str], out: TextIO) -> None:
        self.out = out
        self.output_path = env.get("GITHUB_OUTPUT")
        self.summary_path = env.get("GITHUB_STEP_SUMMARY")

    def mask(self, value: str | None) -> None:
        if value:
            for line in value.splitlines():
                if line.strip():
                    print(f"::add-mask::{escape_data(line)}", file=self.out)

    def annotate(self, annotation: Annotation) -> None:
        name = {"failure": "error", "warning": "warning"}.get(annotation.level, "notice")
        print(
            command(
                name,
                annotation.message,
                file=annotation.path,
                line=annotation.line,
                col=annotation.column,
                title=annotation.title or None,
            ),
            file=self.out,
        )

    def echo(self, text: str) -> None:
        """Every line that can contain untrusted text goes through here (see `echo`)."""
        echo(text, self.out)

    def message(self, level: str, text: str) -> None:
        print(command(level, text), file=self.out)

    def set_output(self, name: str, value: str) -> None:
        """Multi-line-safe `name<<DELIMITER` syntax, with a delimiter that cannot occur in the value."""
        if not self.output_path:
            return
        delimiter = f"ghadelimiter_{_unguessable()}"
        while delimiter in value:
            delimiter = f"ghadelimiter_{_unguessable()}"
        with Path(self.output_path).open("a", encoding="utf-8") as handle:
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")

    def append_summary(self, markdown: str) -> None:
        if not self.summary_path:
            return
        path = Path(self.summary_path)
        used = path.stat().st_size if path.exists() else 0
        room = SUMMARY_LIMIT - used - 200
        data = markdown.encode("utf-8")
        if len(data) > room:
            markdown = truncate_utf8(markdown, max(room, 0), "\n\n… (summary cut at GitHub's 1 MiB limit)\n")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(markdown)


def truncate_utf8(text: str, limit: int, note: str = "\n\n… (cut to fit GitHub's size limit)\n") -> str:
    """At most `limit` bytes of UTF-8, never splitting a character, ending with `note` when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    keep = max(limit - len(note.encode("utf-8")), 0)
    return data[:keep].decode("utf-8", errors="ignore") + note

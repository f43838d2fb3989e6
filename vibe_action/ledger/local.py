"""The local ledger: a JSON-lines file, for runs outside GitHub Actions (the CLI, the demo).

Durability: each record is one `write()` of a complete line on a descriptor opened with O_APPEND, under an
exclusive `flock`, followed by `fsync`. The newline is the commit marker: a line without its newline at the end
of the file is a write that a crash interrupted, so it is reported and cut off before the next append; it never
takes earlier records with it. A complete line that does not parse is corruption and stops the gate with the
line number — it is never skipped silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import replace
from pathlib import Path

from vibe_action.errors import InputError, Problem
from vibe_action.ledger.records import Outcome, Record, finished

DEFAULT_LEDGER = ".vibe-deploy-gate/ledger.jsonl"


class LocalLedger:
    """A JSON-lines file, safe against crashes mid-write and against concurrent appends."""

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.path = path
        self.display = display or str(path)
        self.warnings: list[str] = []

    def records(
        self,
        environment: str | None = None,  # noqa: ARG002 — a hint for ledgers that cannot read everything
        sha: str | None = None,  # noqa: ARG002
        live: int = 1,  # noqa: ARG002
    ) -> list[Record]:
        """Every record (a local file is cheap to read whole); the hints are not needed."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise InputError(f"{self.display}: cannot read the ledger: {exc.strerror}") from None
        return self._parse(data)

    def _parse(self, data: bytes) -> list[Record]:
        lines = data.split(b"\n")
        torn = lines.pop()  # after the last newline: empty, or a write that never finished
        if torn.strip():
            self.warnings.append(
                f"{self.display}:{len(lines) + 1}: ignoring an incomplete last record "
                "(a write was interrupted); it will be cut off at the next append"
            )
        latest: dict[str, Record] = {}  # a later line for the same id is a newer state of that record
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = Record.from_json(json.loads(raw))
                latest[record.id or f"line-{number}"] = record
            except (ValueError, TypeError) as exc:
                raise InputError(
                    [
                        Problem(
                            self.display,
                            number,
                            1,
                            f"corrupt ledger record: {exc}",
                            hint="repair or delete this line by hand; the gate never skips a record silently",
                        )
                    ]
                ) from None
        return list(latest.values())

    def start(self, record: Record) -> Record:
        started = replace(record, id=record.id or uuid.uuid4().hex[:16], status="in_progress")
        self.append(started)
        return started

    def finish(self, started: Record, outcome: Outcome) -> Record:
        final = finished(started, outcome)
        self.append(final)
        return final

    def append(self, record: Record) -> None:
        """Write one line: a new record, or a newer state of one with the same id."""
        line = json.dumps(record.to_json(), sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._cut_torn_tail(fd)
            written = os.write(fd, line)
            if written != len(line):  # disk full: undo the partial line so the file stays parseable
                os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_END) - written)
                raise OSError("short write to the ledger")
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def _cut_torn_tail(self, fd: int) -> None:
        """Remove an unterminated last line left by an interrupted write, so the new record starts clean."""
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
            return
        chunk = 4096
        end = size
        while end > 0:
            start = max(0, end - chunk)
            block = os.pread(fd, end - start, start)
            newline = block.rfind(b"\n")
            if newline >= 0:
                os.ftruncate(fd, start + newline + 1)
                return
            end = start
        os.ftruncate(fd, 0)

"""The local ledger: a JSON-lines file, for runs outside GitHub Actions (the CLI, the demo).

Durability: each record is one `write()` of a complete line on a descriptor opened with O_APPEND, under an
exclusive `flock`, followed by `fsync`. The newline is the commit marker: a line without its newline at the end
of the file is a write that a crash interrupted, so it is reported and cut off before the next append; it never
takes earlier records with it. A complete line that does not parse is corruption and stops the gate with the
line number — it is never skipped silently.
"""

from __future__ import annotations

import errno
import fcntl
import json
import mmap
import os
import stat
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from vibe_action.errors import InputError, Problem
from vibe_action.ledger.records import Outcome, Record, finished, future_dated
from vibe_action.ledger.tail import OtherCommitError, read_back
from vibe_action.render.escape import printable

MAX_LINE_BYTES = 4 * 1024 * 1024  # a record with 500 benchmarks' per-item digests stays far below


class LocalLedger:
    """A JSON-lines file, safe against crashes mid-write and against concurrent appends."""

    def __init__(self, path: Path, display: str | None = None, now: datetime | None = None) -> None:
        self.path = path
        self.display = display or str(path)
        self.warnings: list[str] = []
        self.now = now  # with it, a decision's read stops as soon as it has what it needs (ledger/tail.py)

    def records(self, environment: str | None = None, sha: str | None = None, live: int = 1) -> list[Record]:
        """With an environment (a decision), the records it needs, read from the end; else every record. Records
        dated in the future are warned about (once per ledger object)."""
        found = self._records(environment, sha, live)
        warning = future_dated(found, self.now or datetime.now(timezone.utc), self.display)
        if warning and warning not in self.warnings:
            self.warnings.append(warning)
        return found

    def _records(self, environment: str | None, sha: str | None, live: int) -> list[Record]:
        self._regular_file()
        try:
            with self.path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    return []
                if environment is None or self.now is None:
                    return self._parse(handle.read())
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                    return read_back(
                        data,
                        self._end(data, size),
                        self._parse_line,
                        environment=environment,
                        sha=sha,
                        live=live,
                        month=self.now.strftime("%Y-%m"),
                    )
        except OtherCommitError as exc:
            raise self._corrupt(self._line_at(exc.offset), str(exc)) from None
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise InputError(f"{self.display}: cannot read the ledger: {exc.strerror}") from None

    def _end(self, data: mmap.mmap, size: int) -> int:
        """Where the readable records end: before a torn last line (warned about), after a whole one."""
        if data[size - 1 : size] == b"\n":
            return size
        start = data.rfind(b"\n") + 1
        if _complete(bytes(data[start:size])):
            return size
        line = data[:start].count(b"\n") + 1
        self.warnings.append(
            f"{self.display}:{line}: ignoring an incomplete last record "
            "(a write was interrupted); it will be cut off at the next append"
        )
        return start

    def _parse_line(self, raw: bytes, offset: int) -> Record:
        if len(raw) > MAX_LINE_BYTES:
            raise self._corrupt(
                self._line_at(offset), f"a line of {len(raw):,} bytes (the limit is {MAX_LINE_BYTES:,})"
            )
        try:
            return Record.from_json(json.loads(raw))
        except (ValueError, TypeError, RecursionError) as exc:
            raise self._corrupt(self._line_at(offset), str(exc)) from None

    def _line_at(self, offset: int) -> int:
        with self.path.open("rb") as handle:
            return handle.read(offset).count(b"\n") + 1

    def _regular_file(self) -> None:
        """A FIFO would hang every read, a device or a folder is no ledger: refuse them before opening."""
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise InputError(f"{self.display}: cannot read the ledger: {exc.strerror}") from None
        if not stat.S_ISREG(mode):
            raise InputError(f"{self.display}: the ledger is not a regular file; point --ledger at a file")

    def _parse(self, data: bytes) -> list[Record]:
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last newline: empty, a complete record without its newline, or torn
        if tail.strip():
            if _complete(tail):
                lines.append(tail)  # an editor dropped the final newline: the record is whole, keep it
            else:
                self.warnings.append(
                    f"{self.display}:{len(lines) + 1}: ignoring an incomplete last record "
                    "(a write was interrupted); it will be cut off at the next append"
                )
        latest: dict[str, Record] = {}  # a later line for the same id is a newer state of that record
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE_BYTES:
                raise self._corrupt(number, f"a line of {len(raw):,} bytes (the limit is {MAX_LINE_BYTES:,})")
            try:
                record = Record.from_json(json.loads(raw))
            except (ValueError, TypeError, RecursionError) as exc:
                raise self._corrupt(number, str(exc)) from None
            key = record.id or f"line-{number}"
            if key in latest and latest[key].sha != record.sha:
                raise self._corrupt(
                    number,
                    f"record {key} is of commit {latest[key].sha[:12]}, but this line gives it {record.sha[:12]}",
                )
            latest[key] = record
        return list(latest.values())

    def _corrupt(self, number: int, what: str) -> InputError:
        return InputError(
            [
                Problem(
                    self.display,
                    number,
                    1,
                    printable(f"corrupt ledger record: {what}"),
                    hint="repair or delete this line by hand; the gate never skips a record silently",
                )
            ]
        )

    def start(self, record: Record) -> Record:
        started = replace(record, id=record.id or uuid.uuid4().hex[:16], status="in_progress")
        self.append(started)
        return started

    def finish(self, started: Record, outcome: Outcome) -> Record:
        final = finished(started, outcome)
        self.append(final)
        return final

    def append(self, record: Record) -> None:
        """Write one line: a new record, or a newer state of one with the same id. Any failure (read-only
        file or folder, full disk) leaves the file as it was and raises `InputError` naming the ledger."""
        self._regular_file()
        line = json.dumps(record.to_json(), sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._mend_tail(fd)
            before = os.lseek(fd, 0, os.SEEK_END)
            try:
                _write_all_or_nothing(fd, line)
            except OSError:
                os.ftruncate(fd, before)  # undo a partial line so the file stays parseable
                raise
        except OSError as exc:
            raise self._unwritable(exc) from None
        finally:
            os.close(fd)  # closing releases the lock

    def _unwritable(self, exc: OSError) -> InputError:
        return InputError(
            f"{self.display}: cannot write the ledger ({exc.strerror or exc}); make the file and its folder "
            "writable, free disk space, or pass --ledger / VIBE_LEDGER"
        )

    def _mend_tail(self, fd: int) -> None:
        """Before appending: end a complete last record that lacks its newline; cut off a torn one."""
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
                self._end_or_cut(fd, start + newline + 1, size)
                return
            end = start
        self._end_or_cut(fd, 0, size)

    @staticmethod
    def _end_or_cut(fd: int, tail_start: int, size: int) -> None:
        if size - tail_start <= MAX_LINE_BYTES and _complete(os.pread(fd, size - tail_start, tail_start)):
            os.write(fd, b"\n")
        else:
            os.ftruncate(fd, tail_start)


def _write_all_or_nothing(fd: int, line: bytes) -> None:
    written = os.write(fd, line)
    if written != len(line):
        raise OSError(errno.ENOSPC, "short write (disk full?)")
    os.fsync(fd)


def _complete(raw: bytes) -> bool:
    """A whole JSON record: what a crash cannot leave (it cuts a line short, and a cut object never parses)."""
    try:
        Record.from_json(json.loads(raw))
    except (ValueError, TypeError, RecursionError):
        return False
    return True

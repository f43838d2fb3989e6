"""The ledger: which snapshots were deployed, with their scores. The baseline of every decision comes from it.

`Ledger` is the interface; `LocalLedger` keeps one JSON object per line in a file (outside Actions), and the
GitHub Deployments ledger (`github_ledger.py`) implements the same three methods. A deploy is recorded in two
steps: `start` writes an `in_progress` record before the hook fires (it is what a concurrent run sees, so the
same commit is never fired twice), `finish` gives it its outcome. The helper functions below are pure and work
on any list of records.

Durability of the local file: each record is one `write()` of a complete line on a descriptor opened with
O_APPEND, under an exclusive `flock`, followed by `fsync`. The newline is the commit marker: a line without
its newline at the end of the file is a write that a crash interrupted, so it is reported and cut off before
the next append; it never takes earlier records with it. A complete line that does not parse is corruption and
stops the gate with the line number — it is never skipped silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from .errors import InputError, Problem

DEFAULT_LEDGER = ".vibe-deploy-gate/ledger.jsonl"
# Statuses that mean "a build was (or may have been) started": they count against the quota and the same
# commit is not fired again. `superseded` is a success that a newer deploy replaced (GitHub: inactive).
SPENT_STATUSES = frozenset({"success", "unconfirmed", "in_progress", "superseded", "pruned"})


@dataclass(frozen=True)
class Record:
    """One snapshot: what was deployed (or attempted), from which commit, with which scores."""

    sha: str
    branch: str
    time: str
    status: str
    scores: Mapping[str, float]
    id: str = ""
    environment: str = "production"
    decision: str = "deploy"
    reasons: tuple[str, ...] = ()
    results_digest: str = ""
    config_digest: str = ""
    deploy_id: str | None = None
    deploy_url: str | None = None
    model: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scores"] = dict(self.scores)
        data["reasons"] = list(self.reasons)
        data["model"] = None if self.model is None else dict(self.model)
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        missing = [name for name in ("sha", "branch", "time", "status", "scores") if name not in known]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        if not isinstance(known["scores"], dict):
            raise TypeError("scores is not an object")
        known["reasons"] = tuple(known.get("reasons", ()))
        return cls(**known)

    @property
    def month(self) -> str:
        return self.time[:7]


class Ledger(Protocol):
    """Where snapshots are remembered. Implementations: `LocalLedger`, the GitHub Deployments ledger."""

    def records(self, environment: str | None = None, sha: str | None = None, live: int = 1) -> list[Record]:
        """The records a decision needs, oldest first, each in its latest state.

        `environment` and `sha` are hints for ledgers that cannot afford to read everything (GitHub):
        they must return at least the environment's `live` newest live snapshots, this month's deploys, and any
        record of `sha`.
        """
        ...

    def start(self, record: Record) -> Record:
        """Durably record a deploy that is about to start (status `in_progress`); returns it with its id."""
        ...

    def finish(
        self,
        started: Record,
        status: str,
        message: str,
        deploy_url: str | None = None,
        deploy_id: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Record:
        """Give a started deploy its outcome; returns the final record."""
        ...


def finished(
    started: Record,
    status: str,
    message: str,
    deploy_url: str | None,
    deploy_id: str | None,
    extra: Mapping[str, Any] | None = None,
) -> Record:
    """The final form of a started record (shared by the ledgers)."""
    return replace(
        started,
        status=status,
        reasons=(*started.reasons, message),
        deploy_url=deploy_url or started.deploy_url,
        deploy_id=deploy_id or started.deploy_id,
        extra={**started.extra, **(extra or {})},
    )


# A snapshot that went live. `superseded` counts too: GitHub marks a live deployment inactive when any newer
# deployment in the environment succeeds, including one made by another tool.
LIVE_STATUSES = frozenset({"success", "superseded"})


def baseline(records: Iterable[Record], environment: str) -> Record | None:
    """The newest snapshot that went live in the environment: what a new result must beat."""
    live = [r for r in records if r.status in LIVE_STATUSES and r.environment == environment]
    return live[-1] if live else None


# Each deploy record carries the month's count made before it, so counting can stop at the newest such record:
# a ledger that reads statuses one request at a time (GitHub) then needs only the records newer than it.
COUNT_KEY = "month_spent_before"


def deploys_in_month(records: Iterable[Record], now: datetime) -> int:
    """Builds started in the calendar month (UTC) of `now`, for the quota; unconfirmed ones count too.

    A rollback restores an existing deploy: no build, no credits. Records are read newest first until one of
    this month that carries the count made before it (`extra[COUNT_KEY]`); that count covers the older ones.
    """
    month = now.strftime("%Y-%m")
    total = 0
    for record in reversed(list(records)):
        if record.month != month:
            continue
        if record.status in SPENT_STATUSES and record.decision != "rollback":
            total += 1
        before = record.extra.get(COUNT_KEY)
        if record.extra.get("month") == month and isinstance(before, int):
            return total + before
    return total


def deployed_shas(records: Iterable[Record], environment: str) -> frozenset[str]:
    return frozenset(r.sha for r in records if r.status in SPENT_STATUSES and r.environment == environment)


class LocalLedger:
    """A JSON-lines file, safe against crashes mid-write and against concurrent appends."""

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.path = path
        self.display = display or str(path)
        self.warnings: list[str] = []

    def records(self, environment: str | None = None, sha: str | None = None, live: int = 1) -> list[Record]:
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

    def finish(
        self,
        started: Record,
        status: str,
        message: str,
        deploy_url: str | None = None,
        deploy_id: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Record:
        final = finished(started, status, message, deploy_url, deploy_id, extra)
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

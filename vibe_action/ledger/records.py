"""Ledger records and the questions a decision asks of them; the `Ledger` protocol every ledger implements.

`LocalLedger` (`ledger/local.py`) keeps one JSON object per line in a file, outside Actions; the GitHub
Deployments ledger (`github/deployments.py`) implements the same three methods. A deploy is recorded in two
steps: `start` writes an `in_progress` record before the hook fires (it is what a concurrent run sees, so the
same commit is never fired twice), `finish` gives it its `Outcome`. The helper functions below are pure and work
on any list of records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from vibe_action.ledger.extra import RecordExtra

_TEXT_FIELDS = ("sha", "branch", "time", "status", "id", "environment", "decision", "results_digest", "config_digest")
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")  # as the gate writes it
_SHA = re.compile(r"[0-9a-f]{7,64}")  # what git prints (64 in SHA-256 repositories), as --sha takes it
LATEST_YEAR = 9000  # a year past this cannot be a record's: date arithmetic on it would overflow
FUTURE_SKEW = timedelta(minutes=10)  # clocks of two runners may disagree; beyond this a record is in the future


def record_time(text: str) -> datetime | None:
    """A record's time (`2026-03-01T12:00:00Z`, UTC) as an aware datetime; None unless it is a calendar time (no
    month 13, no minute 99) in a year date arithmetic can handle. ASCII digits only, exactly as the gate writes
    them (`strptime` would also take full-width digits)."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        parsed = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None
    return parsed if 1970 <= parsed.year <= LATEST_YEAR else None


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
    extra: RecordExtra = field(default_factory=RecordExtra)

    def to_json(self) -> dict[str, Any]:
        data = {spec.name: getattr(self, spec.name) for spec in fields(self)}
        data["scores"] = dict(self.scores)
        data["reasons"] = list(self.reasons)
        data["model"] = None if self.model is None else dict(self.model)
        data["extra"] = self.extra.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any) -> Record:
        """A record as stored; every field is type-checked, because a record decides what is fired next
        (a `sha` that is a number once fired the hook before crashing)."""
        if not isinstance(data, dict):
            raise TypeError("a record is a JSON object")
        known = {spec.name: data[spec.name] for spec in fields(cls) if spec.name in data}
        missing = [name for name in ("sha", "branch", "time", "status", "scores") if name not in known]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        for name in _TEXT_FIELDS:
            if name in known and not isinstance(known[name], str):
                raise TypeError(f"{name} is not text")
        for name in ("deploy_id", "deploy_url"):
            if known.get(name) is not None and not isinstance(known[name], str):
                raise TypeError(f"{name} is not text or null")
        if record_time(known["time"]) is None:
            raise ValueError("time is not a real UTC time as YYYY-MM-DDTHH:MM:SSZ")
        if not _SHA.fullmatch(known["sha"]):
            raise ValueError("sha is not a commit id (7 to 64 hex digits)")
        scores = known["scores"]
        if not isinstance(scores, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in scores.values()
        ):
            raise TypeError("scores is not an object of finite numbers")
        reasons = known.get("reasons", [])
        if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            raise TypeError("reasons is not a list of text")
        if known.get("model") is not None and not isinstance(known["model"], dict):
            raise TypeError("model is not an object")
        known["reasons"] = tuple(reasons)
        known["extra"] = RecordExtra.from_json(known.get("extra"))
        return cls(**known)

    @property
    def month(self) -> str:
        return self.time[:7]

    @property
    def started(self) -> datetime:
        """When the run that wrote this record fired (or meant to fire): records are checked as they are read,
        so only one made in code with a malformed time raises."""
        started = record_time(self.time)
        if started is None:
            raise ValueError(f"record time {self.time!r} is not YYYY-MM-DDTHH:MM:SSZ")
        return started


ALL_SNAPSHOTS = 1_000_000  # the `live` hint that asks for every snapshot listed, each with its status


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

    def finish(self, started: Record, outcome: Outcome) -> Record:
        """Give a started deploy its outcome; returns the final record."""
        ...


@dataclass(frozen=True)
class ReadOnly:
    """Records read once (from a ledger a command only reads), offered as a ledger that cannot be written."""

    found: list[Record]

    def records(self, environment: str | None = None, sha: str | None = None, live: int = 1) -> list[Record]:  # noqa: ARG002
        return [r for r in self.found if environment is None or r.environment == environment]

    def start(self, record: Record) -> Record:  # noqa: ARG002
        raise RuntimeError("a read-only ledger records nothing")

    def finish(self, started: Record, outcome: Outcome) -> Record:  # noqa: ARG002
        raise RuntimeError("a read-only ledger records nothing")


@dataclass(frozen=True)
class Outcome:
    """How a started deploy ended: the ledger status, the message, and what Netlify told (one shape for all)."""

    status: str
    message: str
    deploy_url: str | None = None
    deploy_id: str | None = None
    extra: RecordExtra = field(default_factory=RecordExtra)


def finished(started: Record, outcome: Outcome) -> Record:
    """The final form of a started record (shared by the ledgers)."""
    return replace(
        started,
        status=outcome.status,
        reasons=(*started.reasons, outcome.message),
        deploy_url=outcome.deploy_url or started.deploy_url,
        deploy_id=outcome.deploy_id or started.deploy_id,
        extra=started.extra.merged(outcome.extra),
    )


# A snapshot that went live. `superseded` counts too: GitHub marks a live deployment inactive when any newer
# deployment in the environment succeeds, including one made by another tool.
LIVE_STATUSES = frozenset({"success", "superseded"})
NUMBERED_STATUSES = frozenset({*LIVE_STATUSES, "pruned"})  # went live at some point


def baseline(records: Iterable[Record], environment: str) -> Record | None:
    """The newest snapshot that went live in the environment: what a new result must beat."""
    live = [r for r in records if r.status in LIVE_STATUSES and r.environment == environment]
    return live[-1] if live else None


# Each deploy record carries the month's count made before it (`extra.month_spent_before`), so counting can stop
# at the newest such record: a ledger that reads statuses one request at a time (GitHub) then needs only the
# records newer than it.


def deploys_in_month(records: Iterable[Record], now: datetime) -> int:
    """Builds started in the calendar month (UTC) of `now`, for the quota; unconfirmed ones count too.

    A rollback that restores an existing deploy builds nothing and costs nothing; one that rebuilt a deleted
    version (`extra.rebuilt`) is a build like any other. Records are read newest first until one of
    this month that carries the count made before it (`extra.month_spent_before`); that count covers the older
    ones.
    """
    month = now.strftime("%Y-%m")
    total = 0
    for record in reversed(list(records)):
        if record.month != month:
            continue
        if record.status in SPENT_STATUSES and (record.decision != "rollback" or record.extra.rebuilt):
            total += 1
        before = record.extra.month_spent_before
        trusted = record.status in SPENT_STATUSES or record.status == "failure"  # a cancelled run's may be stale
        if trusted and record.extra.month == month and before is not None:
            return total + before
    return total


def version_builds_in_month(records: Iterable[Record], month: str) -> int:
    """Lasting branch builds started in `month` (YYYY-MM): versions of that month that went live with a
    branch whose build did not fail (GitHub's ledger tells a failed one by its status description). Like the
    deploy count, read newest first until a record that carries the month's count before it (ledgers read
    from the end return only that far)."""
    total = 0
    for record in reversed(list(records)):
        if record.month != month or record.decision == "rollback":
            continue
        built = record.extra.version_branch is not None and record.extra.version_build != "failed"
        total += record.status in NUMBERED_STATUSES and built
        before = record.extra.month_version_builds_before
        if record.extra.month == month and before is not None:
            return total + before
    return total


def future_dated(records: Iterable[Record], now: datetime, where: str) -> str | None:
    """A warning when records are dated later than `now` beyond clock skew: a runner's clock is off (or a line
    was edited), and the quota month, the order of versions and "stale" in-progress records all read times."""
    limit = (now + FUTURE_SKEW).strftime("%Y-%m-%dT%H:%M:%SZ")
    ahead = [r for r in records if r.time > limit]
    if not ahead:
        return None
    return (
        f"{where}: {len(ahead)} record(s) dated after now (the newest: {max(r.time for r in ahead)}, record "
        f"{ahead[-1].id or '?'}); check the clock of the machine that wrote them"
    )


def deployed_shas(records: Iterable[Record], environment: str) -> frozenset[str]:
    return frozenset(r.sha for r in records if r.status in SPENT_STATUSES and r.environment == environment)

"""The ledger seen as versions: what went live, in which order, where each one can still be opened, and why.

A *version* is a production deploy the gate started: numbered v1, v2, … when it went live, unnumbered when it
failed or its outcome is unknown. Blocked and skipped candidates never reach the ledger, so they are not
versions; cancelled runs and rollbacks are kept as *events*. Pure: the clock comes in as `now`, so the history
page, `vibe-gate history` and the job summary show the same statuses and URLs for the same ledger.

Why each version has two URLs: a host may delete a production deploy's permalink after its retention (Netlify:
30 days, 90 on paid plans) unless it is published or the newest production deploy; the lasting URL (`<prefix>vN`
branch, see `Versions`) is the newest deploy of its branch and is kept. How long the host keeps a deploy and
how it names a branch's URL are the host's (`Links`, given by `hosts.links_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from vibe_action.inputs.sections import DEFAULT_NETLIFY_DAYS
from vibe_action.ledger.records import LIVE_STATUSES, NUMBERED_STATUSES, Record

ATTEMPT_LABELS = {"failure": "failed", "unconfirmed": "unconfirmed", "in_progress": "deploying", "unknown": "unknown"}
FAILED_PREFIX = "lasting version failed: "  # starts the ledger message then, so GitHub's status tells it too


def _no_lasting(branch: str, records: Sequence[Record]) -> str | None:  # noqa: ARG001 — a Links.lasting
    return None


@dataclass(frozen=True)
class Links:
    """How the host names and keeps a version's URLs: how many days it keeps a deploy nothing keeps (None: until
    deleted), and the lasting URL of a version branch whose record did not store one (from the branch and the
    environment's records)."""

    retention_days: int | None = DEFAULT_NETLIFY_DAYS
    lasting: Callable[[str, Sequence[Record]], str | None] = _no_lasting


DEFAULT_LINKS = Links()  # Netlify's retention and no lasting branch URL: what a caller that names no host gets


@dataclass(frozen=True)
class Link:
    """A URL to show, and how long it lasts: `expires` (YYYY-MM-DD) or `expired`, or neither when kept."""

    url: str
    kind: str  # lasting | permalink
    expires: str = ""
    expired: bool = False
    why_kept: str = ""

    @property
    def note(self) -> str:
        if self.expired:
            return "expired"
        if self.expires:
            return f"expires {self.expires}"
        return self.why_kept


@dataclass(frozen=True)
class Version:
    """One deploy attempt in the environment, with what a reader needs to pick it or to understand it."""

    index: int  # position among the versions, oldest first (0-based)
    number: int | None  # vN; None for attempts that never went live
    record: Record
    status: str  # live | superseded | rolled back to | failed | unconfirmed | deploying | unknown
    link: Link | None
    deltas: Mapping[str, float] = field(default_factory=dict)  # against the previous numbered version
    previous: int | None = None  # number of the version it was compared with
    rolled_back_at: tuple[str, ...] = ()  # times a rollback made it live again
    live_via_rollback: bool = False

    @property
    def name(self) -> str:
        return f"v{self.number}" if self.number is not None else "—"

    @property
    def live(self) -> bool:
        return self.status == "live"


@dataclass(frozen=True)
class History:
    """Every version of one environment, oldest first, plus the events that are not versions."""

    environment: str
    versions: tuple[Version, ...]
    events: tuple[Record, ...]  # rollbacks and cancelled runs, oldest first

    @property
    def live(self) -> Version | None:
        return next((v for v in self.versions if v.live), None)

    def numbered(self) -> list[Version]:
        return [v for v in self.versions if v.number is not None]

    def find(self, number: int) -> Version | None:
        return next((v for v in self.versions if v.number == number), None)

    def benchmarks(self) -> list[str]:
        """Every benchmark any numbered version has a score for, in first-seen order."""
        seen: dict[str, None] = {}
        for version in self.numbered():
            seen.update(dict.fromkeys(version.record.scores))
        return list(seen)


def stored_number(record: Record) -> int | None:
    return record.extra.version_number


def next_number(records: Iterable[Record], environment: str) -> int:
    """The number the next version of the environment gets: one more than the highest so far. A record whose
    status the ledger did not read (`unknown`, GitHub reads only what a decision needs) counts with the number
    its run stored: a number is never given twice, at worst one is skipped."""
    listed = list(records)
    derived = max((v.number or 0 for v in build_history(listed, environment, ANY_TIME).versions), default=0)
    stored = (
        stored_number(r)
        for r in listed
        if r.environment == environment and r.decision != "rollback" and r.status in {*NUMBERED_STATUSES, "unknown"}
    )
    return max([derived, *(n for n in stored if n is not None)]) + 1


def build_history(
    records: Iterable[Record],
    environment: str,
    now: datetime,
    links: Links = DEFAULT_LINKS,
) -> History:
    """The versions of `environment` from ledger records (any order of arrival; ledger order is kept)."""
    mine = [r for r in records if r.environment == environment]
    attempts = [r for r in mine if r.decision != "rollback" and r.status != "cancelled"]
    attempt_ids = {id(r) for r in attempts}
    events = tuple(r for r in mine if id(r) not in attempt_ids)
    live_record = next((r for r in reversed(mine) if r.status in LIVE_STATUSES), None)
    numbers = _numbers(attempts)
    newest_numbered = max((i for i, r in enumerate(attempts) if i in numbers), default=None)
    rollbacks = [r for r in events if r.decision == "rollback" and r.status in LIVE_STATUSES]
    versions: list[Version] = []
    previous: Version | None = None
    for index, record in enumerate(attempts):
        number = numbers.get(index)
        targets = [r for r in rollbacks if number is not None and _rolled_back_to(r, record, number, attempts, numbers)]
        is_live = live_record is not None and (live_record is record or any(t is live_record for t in targets))
        status = _status(record, number, is_live, bool(targets))
        deltas: dict[str, float] = {}
        if number is not None and previous is not None:
            deltas = {k: v - previous.record.scores[k] for k, v in record.scores.items() if k in previous.record.scores}
        link = _link(record, targets, number, is_live, index == newest_numbered, now, links, mine)
        version = Version(
            index=index,
            number=number,
            record=record,
            status=status,
            link=link,
            deltas=deltas,
            previous=previous.number if previous and number is not None else None,
            rolled_back_at=tuple(r.time for r in targets),
            live_via_rollback=is_live and live_record is not record,
        )
        versions.append(version)
        if number is not None:
            previous = version
    return History(environment, tuple(versions), events)


ANY_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)  # for questions whose answer does not depend on the clock


def _numbers(attempts: Sequence[Record]) -> dict[int, int]:
    """attempt index → version number: the number the run stored, else one more than the last one."""
    numbers: dict[int, int] = {}
    last = 0
    for index, record in enumerate(attempts):
        if record.status not in NUMBERED_STATUSES:
            continue
        stored = stored_number(record)  # the branch vN was named with it: it wins over the count
        numbers[index] = stored if stored is not None else last + 1
        last = max(last, numbers[index])
    return numbers


def _rolled_back_to(
    rollback: Record, record: Record, number: int, attempts: Sequence[Record], numbers: Mapping[int, int]
) -> bool:
    """Whether `rollback` brought back this version: by the number it recorded, else by commit (the newest
    version of that commit, when one was deployed twice)."""
    target = rollback.extra.version_number
    if target is not None:
        return target == number
    return rollback.sha == record.sha and _newest_of_sha(attempts, numbers, record)


def _newest_of_sha(attempts: Sequence[Record], numbers: Mapping[int, int], record: Record) -> bool:
    """A rollback by sha makes the newest numbered version of that commit live (a commit deployed twice)."""
    same = [i for i, r in enumerate(attempts) if i in numbers and r.sha == record.sha]
    return bool(same) and attempts[same[-1]] is record


def _status(record: Record, number: int | None, is_live: bool, rolled_back_to: bool) -> str:
    if number is None:
        return ATTEMPT_LABELS.get(record.status, record.status)
    if is_live:
        return "live"
    return "rolled back to" if rolled_back_to else "superseded"


def _link(
    record: Record,
    rollbacks: Sequence[Record],
    number: int | None,
    is_live: bool,
    newest: bool,
    now: datetime,
    links: Links,
    mine: Sequence[Record],
) -> Link | None:
    """The lasting URL when the version has one, else the newest permalink with its expiry."""
    if number is None:
        if not record.deploy_url:
            return None
        return Link(record.deploy_url, "permalink", *_expiry(record, now, links.retention_days))
    lasting = _lasting(record, links, mine)
    if lasting:
        return Link(lasting, "lasting", why_kept="lasting")
    source = next((r for r in reversed(rollbacks) if r.deploy_url and r.extra.rebuilt), record)
    url = source.deploy_url
    if not url:
        return None
    if record.status == "pruned":
        return Link(url, "permalink", expired=True)
    if is_live:
        return Link(url, "permalink", why_kept="kept while published")
    if newest:
        return Link(url, "permalink", why_kept="kept as the newest production deploy")
    return Link(url, "permalink", *_expiry(source, now, links.retention_days))


def _lasting(record: Record, links: Links, mine: Sequence[Record]) -> str | None:
    if record.extra.version_build == "failed":
        return None
    if record.extra.version_url:
        return record.extra.version_url
    branch = record.extra.version_branch
    return links.lasting(branch, mine) if branch else None


def _expiry(record: Record, now: datetime, retention_days: int | None) -> tuple[str, bool]:
    """(the day the host deletes the deploy, whether that day has passed), from the record's time; ('', False)
    when the host keeps deploys until they are deleted."""
    if retention_days is None:
        return "", False
    created = record.started
    ends = created + timedelta(days=retention_days)
    return ends.strftime("%Y-%m-%d"), now >= ends

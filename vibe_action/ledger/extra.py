"""What a ledger record keeps beyond its columns, as typed fields: parsed strictly in one place, written in one.

Every later decision reads these — the quota count a run made before it, the per-item digests the paired test
needs, the version number and branch of a lasting URL, whether a rollback rebuilt and locked — so a field of the
wrong type is an error at load (with the ledger's file:line), never a crash three modules later. Unknown keys are
ignored (a newer gate may add some); a known key must have the type the gate writes. In JSON a field appears only
when it is not its default, so lines stay short and older lines read the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from vibe_action.decide.noise import Deployed, Digest

BuildState = Literal["started", "failed"]


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MAX_COUNT = 1_000_000  # builds in a month, versions: far past any real quota
MAX_BYTES = 1 << 40  # an upload's size: far past any host's limit
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ReportRow:
    """One row of the decision's table as the run kept it for the versions page."""

    name: str
    baseline: float | None
    current: float | None
    delta: float | None
    rules: tuple[str, ...] = ()
    passed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "baseline": self.baseline,
            "current": self.current,
            "delta": self.delta,
            "rules": list(self.rules),
            "passed": self.passed,
        }

    @classmethod
    def from_json(cls, data: object) -> ReportRow:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise TypeError("extra.report: a row is an object with a name")
        rules = data.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise ValueError("extra.report: rules is a list of text")
        return cls(
            data["name"],
            _number(data.get("baseline"), "report baseline"),
            _number(data.get("current"), "report current"),
            _number(data.get("delta"), "report delta"),
            tuple(rules),
            _flag(data.get("passed", False), "report passed"),
        )


@dataclass(frozen=True)
class RecordExtra:
    """The typed rest of a record. Defaults mean "not known" (older lines, other ledgers)."""

    month: str = ""  # YYYY-MM of the counts below
    title: str = ""  # the build's title on Netlify: how a later run finds a build this one never recorded
    month_spent_before: int | None = None  # builds of `month` before this record (the quota stops reading here)
    month_version_builds_before: int | None = None  # lasting-branch builds of `month` before it
    benchmarks: Mapping[str, Deployed] = field(default_factory=dict)  # what a later paired test needs
    report: tuple[ReportRow, ...] = ()  # the PR comment's table, for the versions page
    rebuilt: bool = False  # a rollback that rebuilt a deleted deploy (a counted build)
    locked: bool = False  # a rollback that locked what it restored (production stays there until unlocked)
    rollback_of: str | None = None  # a rollback: the commit that was live before it
    version_number: int | None = None
    version_branch: str | None = None
    version_url: str | None = None
    version_build: BuildState | None = None  # the lasting branch's build
    netlify_deploy_id: str | None = None  # what confirmation saw
    netlify_state: str | None = None
    commit_ref: str | None = None
    commit_mismatch: bool = False  # Netlify built another commit than the one evaluated
    upload_digest: str | None = None  # an upload: the SHA-256 of the sent folder's manifest (which files shipped)
    upload_files: int | None = None  # an upload: files in the folder
    upload_bytes: int | None = None  # an upload: their size in all
    github_deployment_id: int | None = None  # GitHub ledger only; never written into a payload

    def to_json(self) -> dict[str, Any]:
        """The fields that are not their default, as plain JSON."""
        data: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if _unset(value):
                continue
            if spec.name == "benchmarks":
                value = {name: deployed.to_json() for name, deployed in value.items()}
            elif spec.name == "report":
                value = [row.to_json() for row in value]
            data[spec.name] = value
        return data

    def merged(self, update: RecordExtra) -> RecordExtra:
        """This, with every field `update` sets (not its default) taken from it: an outcome adds to a start."""
        return replace(self, **{k: v for k, v in vars(update).items() if not _unset(v)})

    @classmethod
    def from_json(cls, data: object) -> RecordExtra:
        """The fields of a stored `extra`, each checked; a TypeError or ValueError names the first that is wrong."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise TypeError("extra is not an object")
        month = _text(data.get("month", ""), "month")
        if month and not _MONTH.fullmatch(month):
            raise ValueError("extra.month is not YYYY-MM")
        build = data.get("version_build")
        if build not in (None, "started", "failed"):
            raise ValueError("extra.version_build is not 'started' or 'failed'")
        return cls(
            month=month,
            title=_text(data.get("title", ""), "title"),
            month_spent_before=_count(data.get("month_spent_before"), "month_spent_before", minimum=0),
            month_version_builds_before=_count(
                data.get("month_version_builds_before"), "month_version_builds_before", minimum=0
            ),
            benchmarks=_benchmarks(data.get("benchmarks")),
            report=_report(data.get("report")),
            rebuilt=_flag(data.get("rebuilt", False), "rebuilt"),
            locked=_flag(data.get("locked", False), "locked"),
            rollback_of=_optional_text(data.get("rollback_of"), "rollback_of"),
            version_number=_count(data.get("version_number"), "version_number", minimum=1),
            version_branch=_optional_text(data.get("version_branch"), "version_branch"),
            version_url=_optional_text(data.get("version_url"), "version_url"),
            version_build=build,
            netlify_deploy_id=_optional_text(data.get("netlify_deploy_id"), "netlify_deploy_id"),
            netlify_state=_optional_text(data.get("netlify_state"), "netlify_state"),
            commit_ref=_optional_text(data.get("commit_ref"), "commit_ref"),
            commit_mismatch=_flag(data.get("commit_mismatch", False), "commit_mismatch"),
            upload_digest=_digest(data.get("upload_digest")),
            upload_files=_count(data.get("upload_files"), "upload_files", minimum=1),
            upload_bytes=_size(data.get("upload_bytes")),
        )

    @classmethod
    def lenient(cls, data: object) -> RecordExtra:
        """The fields of `data` that are right, the others at their default: for a ledger whose entries the user
        cannot edit (a GitHub deployment's payload is fixed once written)."""
        if not isinstance(data, dict):
            return cls()
        kept: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data:
                continue
            try:
                kept[spec.name] = getattr(cls.from_json({spec.name: data[spec.name]}), spec.name)
            except (TypeError, ValueError):
                continue
        return cls(**kept)


def _unset(value: object) -> bool:
    """A field at its default (0 is a count, not unset)."""
    return value is None or value is False or (isinstance(value, (str, tuple, dict)) and not value)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"extra.{name} is not text")
    return value


def _optional_text(value: object, name: str) -> str | None:
    return None if value is None else _text(value, name)


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"extra.{name} is not true or false")
    return value


def _count(value: object, name: str, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_COUNT:
        raise ValueError(f"extra.{name} is not a whole number from {minimum} to {MAX_COUNT:,}")
    return value


def _digest(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValueError("extra.upload_digest is not a SHA-256 in hex")
    return value


def _size(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_BYTES:
        raise ValueError(f"extra.upload_bytes is not a whole number from 0 to {MAX_BYTES:,}")
    return value


def _number(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1e12:
        raise ValueError(f"extra.{name} is not a finite number")
    return float(value)


def _report(value: object) -> tuple[ReportRow, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TypeError("extra.report is not a list")
    return tuple(ReportRow.from_json(row) for row in value)


def _benchmarks(value: object) -> Mapping[str, Deployed]:
    """Per-benchmark details; a digest must be of the documented shape (base64 that decodes to n counts)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("extra.benchmarks is not an object of objects")
    kept: dict[str, Deployed] = {}
    for name, data in value.items():
        items = data.get("items")
        if items is not None and (not isinstance(items, dict) or Digest.from_json(items) is None):
            raise ValueError(f"extra.benchmarks.{name}.items is not a per-item digest (ids, n, k, base64 c)")
        for key in ("n", "samples"):
            number = data.get(key)
            if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
                raise ValueError(f"extra.benchmarks.{name}.{key} is not a positive whole number")
        if not isinstance(data.get("settings", {}), dict):
            raise TypeError(f"extra.benchmarks.{name}.settings is not an object")
        stderr = data.get("stderr")
        if stderr is not None and _number(stderr, f"benchmarks.{name}.stderr") is not None and stderr < 0:
            raise ValueError(f"extra.benchmarks.{name}.stderr is negative")
        kept[str(name)] = Deployed.from_json(data)
    return kept

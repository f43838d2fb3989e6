"""A virtual clock shared by the gate and a fake service: sleeping advances it, so a 30 s listing lag or a
10-minute confirmation budget is tested in milliseconds, and nothing depends on the machine's speed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class VirtualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
        self.elapsed = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.elapsed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.elapsed += max(seconds, 0.0)

"""Waiting for a deployment a host is building, the same way for every host: read it, stop once it is finished
or the budget is spent, else wait a little longer each time (1.5 times, at most MAX_INTERVAL) — with a hard bound
on reads whatever the budget. A read that fails is tried again within the budget; the clock and the sleeper
are passed in (tests never wait)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from vibe_action.errors import ExternalError

T = TypeVar("T")
MAX_POLLS = 200
MAX_INTERVAL = 30.0


@dataclass(frozen=True)
class Pacing:
    """How long to wait in all, how long first, and the run's clock, sleeper and progress line."""

    budget: float
    interval: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    progress: Callable[[str], None]


@dataclass(frozen=True)
class Watch(Generic[T]):
    """One deployment to wait for: how to read it, whether it is finished, and how to say where it is."""

    read: Callable[[], T]
    finished: Callable[[T], bool]
    where: Callable[[T | None], str]


def wait_until_finished(watch: Watch[T], pacing: Pacing) -> T | None:
    """The deployment once finished, or as last read when the budget ran out; None when it was never read."""
    deadline = pacing.clock() + pacing.budget
    interval = pacing.interval
    found: T | None = None
    for _ in range(MAX_POLLS):
        try:
            found = watch.read()
        except ExternalError:
            if found is None and pacing.clock() + interval > deadline:
                return None
        if (found is not None and watch.finished(found)) or pacing.clock() + interval > deadline:
            return found
        pacing.progress(watch.where(found))
        pacing.sleep(interval)
        interval = min(interval * 1.5, MAX_INTERVAL)
    return found

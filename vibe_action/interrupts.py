"""SIGINT and SIGTERM as exceptions, so a cancelled job still records what it may have started.

GitHub cancels a job with SIGINT, then SIGTERM, then SIGKILL a few seconds later. Python turns SIGINT into
`KeyboardInterrupt` but SIGTERM kills the process outright — after a build hook POST that would leave the
ledger's `in_progress` record behind. `raised()` makes both raise `Interrupted`; `deferred()` holds further
signals back while the outcome is written, so the second signal cannot cut the record short.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The process was asked to stop; `exit_code` follows the shell's 128 + signal convention."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def raised() -> Iterator[None]:
    """While inside: SIGINT and SIGTERM raise `Interrupted`; the previous handlers come back afterwards.
    Only the main thread can set handlers; elsewhere (an embedding program's thread) nothing changes."""
    try:
        previous = {signum: signal.signal(signum, _raise) for signum in HANDLED}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Block SIGINT and SIGTERM for the duration; one that arrives meanwhile is delivered afterwards."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)

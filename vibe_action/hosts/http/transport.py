"""Bounded HTTP for every request to Netlify: one wall-clock deadline per attempt, and bodies read with a cap.

A socket timeout bounds each *read*, not the request: a server that sends one byte a second never trips a
2 s read timeout and can hold a run for as long as it likes (issue 19: `hook.timeout: 2` kept `run` alive
24.5 s). And `response.content` reads whatever arrives (a 2 GiB answer is 4 GB of memory). So each attempt
gets a deadline — connect + send + answer, body included — kept by a timer that shuts the connection's socket
down when it passes: the blocked read returns at once and requests raises its usual connection error, which
callers already classify by type (sent or not). Bodies are read in chunks and refused past a cap.

The timer lives on the connection (urllib3's `HTTPConnection`, subclassed per adapter): it starts when an
attempt starts on that connection and is cancelled when the caller is done (`DeadlineAdapter.watching`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CHUNK = 64 * 1024
# requests' errors raised before any byte of the request is written (an SSLError is a failed handshake).
NOTHING_SENT = (
    requests.exceptions.ConnectTimeout,
    requests.exceptions.SSLError,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidHeader,
)
NOT_CONNECTED = (
    urllib3_exceptions.NewConnectionError,
    urllib3_exceptions.ConnectTimeoutError,
    urllib3_exceptions.SSLError,
)


def nothing_sent(exc: requests.exceptions.RequestException) -> bool:
    """Whether no byte of the request can have reached the server, told by the exception's type (never its
    text): refused, unresolvable, a connect timeout, a failed TLS handshake, a request that could not be built."""
    if isinstance(exc, NOTHING_SENT):
        return True
    inner = exc.args[0] if exc.args else None
    return isinstance(getattr(inner, "reason", inner), NOT_CONNECTED)


class BodyTooLargeError(Exception):
    """An answer's body passed the cap; nothing of it is used."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer was larger than {limit // 1024} KiB")
        self.limit = limit


class Deadline:
    """The timers of one adapter's connections; `expired` tells a caller that a failure was the deadline's."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        # Set when a request starts to be written on one of the adapter's connections (after an HTTPS
        # connection's handshake): before it, whatever broke — a reset in the TLS handshake included, which
        # urllib3 reports as the same "Connection aborted" as a reset after sending — sent nothing.
        self.request_started = threading.Event()
        self._lock = threading.Lock()
        self._timers: dict[int, threading.Timer] = {}

    def begin(self, connection: HTTPConnection) -> None:
        """An attempt starts on `connection`: its clock restarts."""
        timer = threading.Timer(self.seconds, lambda: self._expire(connection, timer))
        timer.daemon = True
        with self._lock:
            previous = self._timers.pop(id(connection), None)
            self._timers[id(connection)] = timer
        if previous is not None:
            previous.cancel()
        timer.start()

    def end(self, connection: HTTPConnection) -> None:
        with self._lock:
            timer = self._timers.pop(id(connection), None)
        if timer is not None:
            timer.cancel()

    def cancel_all(self) -> None:
        with self._lock:
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()

    def _expire(self, connection: HTTPConnection, timer: threading.Timer) -> None:
        """Past the deadline: shut the socket down so the read blocked on it returns now."""
        with self._lock:
            if self._timers.get(id(connection)) is not timer:
                return  # cancelled, or a newer attempt's clock has replaced this one
            del self._timers[id(connection)]
        self.expired.set()
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _watched_connection(base: type[HTTPConnection], deadline: Deadline) -> type[HTTPConnection]:
    """`base` whose attempts run against `deadline`. `request()` starts each attempt; an HTTPS connection is
    opened (TLS handshake included) before it, so `connect()` starts the clock too."""

    class Watched(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            deadline.begin(self)
            super().connect()

        def request(self, *args: Any, **kwargs: Any) -> None:
            deadline.begin(self)
            deadline.request_started.set()
            super().request(*args, **kwargs)

        def close(self) -> None:
            deadline.end(self)
            super().close()

    Watched.__name__ = f"Watched{base.__name__}"
    return Watched


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections keep `seconds` per attempt (retries each get their own)."""

    def __init__(self, seconds: float, **kwargs: Any) -> None:
        self.deadline = Deadline(seconds)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes()

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = self._pool_classes()
        return manager

    def _pool_classes(self) -> dict[str, type[HTTPConnectionPool]]:
        plain = type(
            "WatchedPool", (HTTPConnectionPool,), {"ConnectionCls": _watched_connection(HTTPConnection, self.deadline)}
        )
        secure = type(
            "WatchedTLSPool",
            (HTTPSConnectionPool,),
            {"ConnectionCls": _watched_connection(HTTPSConnection, self.deadline)},
        )
        return {"http": plain, "https": secure}

    @contextlib.contextmanager
    def watching(self) -> Iterator[Deadline]:
        """One call (its retries included): `expired` starts clear, and no timer outlives the call."""
        self.deadline.expired.clear()
        self.deadline.request_started.clear()
        try:
            yield self.deadline
        finally:
            self.deadline.cancel_all()


def read_capped(response: requests.Response, limit: int) -> bytes:
    """The (decoded) body, read in chunks; BodyTooLargeError once it passes `limit` bytes — a decompression bomb is
    stopped the same way, since the cap counts decoded bytes."""
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit:
                raise BodyTooLargeError(limit)
            parts.append(chunk)
    finally:
        response.close()
    return b"".join(parts)

"""Keep secrets out of every message: the build-hook URL is a credential (anyone holding it can deploy).

Every text that leaves the process — stdout, stderr, reports, ledger records — goes through `Secrets.scrub`.
A URL is registered with the forms libraries quote it in: urllib3 puts only the path in its exceptions, and
logs may show the URL without its query string, so the path and the hook id are secrets too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

MASK = "***"
# A last path segment shorter than this is a word, not an identifier worth hiding.
MIN_SECRET_PART = 8


class Secrets:
    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, value: str | None) -> None:
        if value and len(value) >= 4:
            self._values.add(value)

    def add_url(self, url: str | None) -> None:
        """Register a secret URL and the parts of it that identify it on their own."""
        if not url:
            return

        self.add(url)
        parts = urlsplit(url)
        self.add(url.split("?", 1)[0])
        if parts.path and parts.path != "/":
            self.add(parts.path)
            self.add(unquote(parts.path))
            last = parts.path.rstrip("/").rsplit("/", 1)[-1]
            if len(last) >= MIN_SECRET_PART:  # the hook id: enough on its own to trigger builds
                self.add(last)
        if parts.password:
            self.add(parts.password)

    def scrub(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):  # longest first: no partial leftovers
            text = text.replace(value, MASK)
        return text

    def scrub_data(self, value: Any) -> Any:
        """`scrub` applied to every string inside JSON-like data (dicts, lists, tuples): what a ledger keeps."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub(str(k)) if isinstance(k, str) else k: self.scrub_data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.scrub_data(v) for v in value)
        return value

    def values(self) -> frozenset[str]:
        return frozenset(self._values)

"""What the Netlify code is given for a run: its I/O (`NetlifyServices`) and how builds start (`Trigger`).

Apart from `deploy.py`, which starts and confirms builds, so that building a target for a run that only decides
(a dry run asks when a record is stale and whether production is locked) loads none of the build code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from vibe_action.hosts.netlify.models import READ_TIMEOUT
from vibe_action.hosts.protocol import BranchMaker
from vibe_action.ledger.records import Ledger
from vibe_action.redact import Secrets

if TYPE_CHECKING:  # the clients are passed in; importing them would load requests for a dry run
    import requests

    from vibe_action.hosts.netlify.client import NetlifyClient


@dataclass(frozen=True)
class NetlifyServices:
    """The run's I/O (`hosting.Services`) with the Netlify API client (None: no token), as the Netlify code
    reads them; `hosts.py` builds it."""

    ledger: Ledger
    session: requests.Session | None
    secrets: Secrets
    netlify: NetlifyClient | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    progress: Callable[[str], None] = field(default=lambda _text: None)  # a line while waiting (CLI: stderr)
    branches: BranchMaker | None = None  # where lasting version branches are created (GitHub, or git)


@dataclass(frozen=True)
class Trigger:
    """How to start the build: the hook (URL) or the API (`netlify.trigger: api`)."""

    kind: str
    title: str
    branch: str | None
    body: dict[str, Any]
    hook_url: str | None
    confirm_timeout: float
    poll_interval: float
    read_timeout: float = READ_TIMEOUT

"""Writing the versions site to disk, and finding the repository's web URL for its commit links.

The only module of the page package that touches the file system: the pages themselves are rendered by
`site.py` as text, so both front ends (the CLI's `page` command, the action's `command: page`) write them the
same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from vibe_action.errors import InputError
from vibe_action.inputs.config import Config
from vibe_action.ledger.records import Record
from vibe_action.ledger.versions import DEFAULT_LINKS, History, Links, build_history
from vibe_action.render.page.site import PageOptions, render_site


def repository_url(env: Mapping[str, str]) -> str | None:
    """The repository's web URL from the CI's variables: GitHub Actions', else Netlify's REPOSITORY_URL."""
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY"):
        return f"{env['GITHUB_SERVER_URL'].rstrip('/')}/{env['GITHUB_REPOSITORY']}"
    netlify = env.get("REPOSITORY_URL", "")
    if netlify.startswith("git@") and ":" in netlify:  # git@github.com:owner/name
        host, path = netlify[4:].split(":", 1)
        return f"https://{host}/{path.removesuffix('.git')}"
    return netlify.removesuffix(".git") if netlify.startswith("https://") else None


def write_site(out: Path, files: Mapping[str, str]) -> int:
    """Write each page through a temporary file of its own and a rename: a reader (or a second run writing
    the same folder) never sees half a page."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out, prefix=f".{name}.", delete=False) as tmp:
                tmp.write(text)
            Path(tmp.name).replace(out / name)
    except OSError as exc:
        raise InputError(f"{out}: cannot write the pages there ({exc.strerror or exc})") from None
    return len(files)


def build_site(
    records: Sequence[Record],
    config: Config | None,
    environment: str,
    now: datetime,
    repo_url: str | None = None,
    title: str = "",
    links: Links = DEFAULT_LINKS,
) -> tuple[History, dict[str, str]]:
    """The environment's history and its pages, with the config's floors and the host's URL rules (`links`)."""
    history = build_history(records, environment, now, links)
    options = PageOptions(
        generated=now,
        primary=config.primary if config else None,
        floors={n: r.minimum for n, r in config.metrics.items() if r.minimum is not None} if config else {},
        repo_url=repo_url,
        title=title,
    )
    return history, render_site(history, options)

"""Netlify's URL formats: a deploy's permalink is `https://<deploy_id>--<site>.netlify.app`, a branch's newest
deploy is served at `https://<branch subdomain>--<site>.netlify.app` (Netlify docs, "Deploy URLs"; a branch
`versions/v3` gets the subdomain `versions-v3`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from vibe_action.ledger.records import Record

SUFFIX = ".netlify.app"


def _host(url: str | None) -> str:
    return (url or "").split("://", 1)[-1].split("/", 1)[0]


def deploy_id_from_permalink(url: str | None) -> str | None:
    """`https://<deploy_id>--<site>.netlify.app` → the deploy id, else None."""
    host = _host(url)
    return host.split("--", 1)[0] if "--" in host else None


def site_of(url: str | None) -> str | None:
    """`https://<id>--<site>.netlify.app/…` → `<site>`; None for other URLs."""
    host = _host(url)
    if "--" not in host or not host.endswith(SUFFIX):
        return None
    return host.split("--", 1)[1].removesuffix(SUFFIX) or None


def branch_subdomain(branch: str) -> str:
    """Netlify's branch subdomain: `versions/v3` is served at `versions-v3--<site>.netlify.app`."""
    return re.sub(r"[^a-z0-9-]+", "-", branch.lower()).strip("-")


def lasting_url(branch: str, site: str) -> str:
    return f"https://{branch_subdomain(branch)}--{site}{SUFFIX}"


def lasting_of(branch: str, site: str | None, records: Sequence[Record]) -> str | None:
    """A version branch's lasting URL, with the site named in deploy.yaml or read from a permalink recorded."""
    site = site or next((s for s in (site_of(r.deploy_url) for r in reversed(records)) if s), None)
    return lasting_url(branch, site) if site else None

"""What the Netlify code shares without any network library: the fields of a deploy, the names of the
settings as the interface in use spells them, the hook URL's rules, and the timeouts.

Everything here loads without requests or urllib3, so a dry run, `validate` or `--help` never import them.
"""

from __future__ import annotations

import ipaddress
import socket
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vibe_action.errors import ExternalError, InputError

HOOK_URL_VARIABLE = "VIBE_BUILD_HOOK_URL"
DEFAULT_API_URL = "https://api.netlify.com/api/v1"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0


@dataclass(frozen=True)
class Deploy:
    """The fields of a Netlify deploy the gate reads."""

    id: str
    state: str
    title: str
    commit_ref: str
    branch: str
    context: str
    created_at: str
    published_at: str
    locked: bool
    url: str  # the permalink: https://<deploy_id>--<site>.netlify.app
    error_message: str

    @classmethod
    def from_json(cls, data: Any) -> Deploy:
        """A deploy from Netlify's JSON; an answer that is not an object is an error, not a crash."""
        if not isinstance(data, dict):
            raise ExternalError("Netlify API answered with something other than a deploy")
        return cls(
            id=str(data.get("id", "")),
            state=str(data.get("state") or ""),
            title=str(data.get("title") or ""),
            commit_ref=str(data.get("commit_ref") or ""),
            branch=str(data.get("branch") or ""),
            context=str(data.get("context") or ""),
            created_at=str(data.get("created_at") or ""),
            published_at=str(data.get("published_at") or ""),
            locked=bool(data.get("locked")),
            url=str(data.get("deploy_ssl_url") or data.get("deploy_url") or ""),
            error_message=str(data.get("error_message") or ""),
        )


API_URL_VARIABLE = "VIBE_NETLIFY_API_URL"  # another API base, e.g. a local test server or a proxy


@dataclass(frozen=True)
class AccessNames:
    """How the interface in use spells the Netlify settings, so errors name what the user can set."""

    token: str
    site: str
    hook: str


CLI_NAMES = AccessNames(
    "--netlify-token (or NETLIFY_AUTH_TOKEN)",
    "--netlify-site-id (or NETLIFY_SITE_ID)",
    "--build-hook-url (or VIBE_BUILD_HOOK_URL)",
)
ACTION_NAMES = AccessNames("the netlify-token input", "the netlify-site-id input", "the build-hook-url input")
# Set once by the front end (the action sets ACTION_NAMES); read where an error names a setting.
ACCESS_NAMES: ContextVar[AccessNames] = ContextVar("ACCESS_NAMES", default=CLI_NAMES)


def check_hook_url(raw: str, where: str) -> str:
    """The hook URL, stripped of the whitespace a pasted secret brings, or `InputError`: it must be https
    (plain http only on loopback, for local tests) and must not point at a private, link-local or reserved
    address — a hook URL of 169.254.169.254 would POST the evaluated scores to the cloud metadata service."""
    url = raw.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        raise InputError(f"{where}: the build hook URL is malformed") from None
    if not host or any(ch.isspace() for ch in url):
        raise InputError(f"{where}: the build hook URL has no host or contains spaces")
    loopback = _is_loopback(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise InputError(
            f"{where}: the build hook URL must start with https:// (Netlify's hooks are "
            "https://api.netlify.com/build_hooks/<id>); plain http is accepted only for a local test server"
        )
    address = _literal_address(host)
    if address is not None and not loopback and _internal(address):
        raise InputError(
            f"{where}: the build hook URL points at a private or link-local address; refusing to POST there"
        )
    return url


def resolves_internal(url: str) -> bool:
    """True when the hook's host name resolves to a private, link-local or reserved address (checked just
    before the POST; a name that does not resolve is left to the request, which reports it unreachable)."""
    host = urlsplit(url).hostname or ""
    if _is_loopback(host) or _literal_address(host) is not None:
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return any(_internal(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])) for info in infos)


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _literal_address(host)
    return host == "localhost" or (address is not None and address.is_loopback)


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address sits in the last 32 bits


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Anything but a global unicast address, including the IPv4 address an IPv6 one embeds: IPv4-mapped
    (::ffff:a.b.c.d), 6to4 (2002:aabb:ccdd::), Teredo's client (2001:0::/32) and NAT64 (64:ff9b::/96)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(inner is not None and _internal(inner) for inner in embedded):
            return True
    return not address.is_global or address.is_multicast

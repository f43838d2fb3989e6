"""The rules of a deploy hook URL, for any host: https (plain http only on loopback, for local tests), and never
a private, link-local or reserved address — checked on the literal address, on what an IPv6 address embeds,
and on what the host name resolves to just before the POST. Loads no network library."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from vibe_action.errors import InputError


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
            f"{where}: the build hook URL must start with https:// (copy it whole from the host's build or deploy "
            "hook settings); plain http is accepted only for a local test server"
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


def required_hook_url(url: str | None, setting: str, where_hooks_live: str = "") -> str:
    """The deploy hook URL a deploy verdict needs, checked; else InputError naming the setting (before anything
    is recorded)."""
    if not url:
        where = f" (the hook is in {where_hooks_live})" if where_hooks_live else ""
        raise InputError(
            f"no deploy hook URL is set: set {setting} from a secret{where}; a dry run decides without one"
        )
    return check_hook_url(url, "deploy hook URL")

"""The address a request comes from: the peer's, or the one a trusted reverse proxy forwarded.

Why only trusted proxies? ``X-Forwarded-For`` is whatever the client wrote: believed from anyone, an
attacker would give each guess a new address and never be throttled. From a proxy listed in
``JIKIMI_REVIEW_TRUSTED_PROXIES``, the header's addresses are read from the right (the one the nearest
proxy added) and the first that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

from config.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> tuple[Network, ...]:
    """``JIKIMI_REVIEW_TRUSTED_PROXIES`` (comma-separated addresses or networks) as networks."""
    networks = []
    for part in (p.strip() for p in setting.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                f"config: JIKIMI_REVIEW_TRUSTED_PROXIES holds {part!r}, not an address or network (e.g. 127.0.0.1)",
                setting="review_trusted_proxies",
            ) from None
    return tuple(networks)


def _within(address: str, networks: Sequence[Network]) -> bool | None:
    """Whether ``address`` is in ``networks``; ``None`` when it is not an IP address at all."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return any(ip in network for network in networks)


def client_address(request: web.Request, trusted: Sequence[Network]) -> str:
    peer = request.remote or ""
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [hop.strip() for value in request.headers.getall("X-Forwarded-For", []) for hop in value.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        inside = _within(hop, trusted)
        if inside is None:  # garbage in the header: the last trusted hop is all we know
            return peer
        if not inside:
            return hop
    return peer

"""Where a source's requests may go: its own origins and domains, and never a private address unless it says so.

jikimi is pointed at sites run by the people whose material it documents. Such a site can link, redirect,
embed or script requests towards anything the crawling machine can reach — ``127.0.0.1``, the LAN, a cloud
metadata address — so every fetch a source causes (crawled pages, media, the evidence screenshot) is
checked here twice:

1. **scope** — pages (and, for the screenshot, every request) stay on the source's origins: an *origin*
   is scheme + host + port, so a link to the same host on another port is another site. ``allowed_domains``
   admit a domain and its subdomains on the scheme's default port (or the port an entry names,
   ``host:port``).
2. **address** — the host's addresses, *after* name resolution, must be public: loopback, private,
   link-local, shared (CGNAT), multicast and reserved ranges are refused, so a hostile DNS name pointing
   at ``127.0.0.1`` is refused like the literal. Only a source that sets ``allow_private_addresses: true``
   in the watchlist (the demo, a deliberately watched intranet) may reach them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
PRIVATE_HINT = "a source that is meant to be local says allow_private_addresses: true in the watchlist"


class RefusedAddress(Exception):
    """A request was refused before it was sent: outside the scope, or to a private address."""


class UnresolvableHost(RefusedAddress):
    """The host's name has no address at all (nothing to connect to, nothing private either)."""


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url`` with the port always written (``http://a/x`` → ``http://a:80``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:  # a port out of range: an origin no scope can hold
        port = -1
    return f"{scheme}://{_bracketed(host)}:{port}"


def without_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part, so a recorded location never carries a watchlist secret."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def address_refusal(address: str) -> str | None:
    """Why ``address`` (an IP literal) may not be fetched without ``allow_private_addresses``, or ``None``."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kinds = (
        ("loopback", ip.is_loopback), ("unspecified", ip.is_unspecified), ("link-local", ip.is_link_local),
        ("private", ip.is_private), ("multicast", ip.is_multicast), ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )  # fmt: skip
    kind = next((name for name, matches in kinds if matches), None)
    return None if kind is None else f"{ip} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address"


@dataclass(frozen=True, slots=True)
class FetchScope:
    """The origins and domains a source's pages may be on, and whether private addresses are allowed.

    ``origins`` are exact (``scheme://host:port``); ``domains`` admit a host and its subdomains on the default
    port of http/https, or exactly the port written (``"127.0.0.1:8765"``). Kept on each ``Capture`` so the
    evidence screenshot, rendered later and elsewhere, is held to the scope the crawl was held to.
    """

    origins: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    allow_private_addresses: bool = False

    @classmethod
    def of(cls, urls: Iterable[str], domains: Iterable[str] = (), allow_private: bool = False) -> FetchScope:
        return cls(tuple(dict.fromkeys(origin_of(u) for u in urls)), tuple(d.lower() for d in domains), allow_private)

    def with_origins(self, *urls: str) -> FetchScope:
        """This scope plus the origins of ``urls`` (e.g. the media host the crawler already fetched)."""
        added = tuple(origin_of(url) for url in urls if urlsplit(url).scheme in DEFAULT_PORTS)
        return FetchScope(tuple(dict.fromkeys(self.origins + added)), self.domains, self.allow_private_addresses)

    def allows(self, url: str) -> bool:
        """Whether a page at ``url`` is within the scope (by origin or domain, not by address)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            return False
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return False
        return origin_of(url) in self.origins or self.allows_host(parts.hostname, port, scheme)

    def allows_host(self, host: str, port: int, scheme: str | None = None) -> bool:
        """Whether ``host:port`` is within the scope; ``scheme`` ``None`` (a CONNECT tunnel) matches either."""
        host = host.lower().strip("[]")
        schemes = (scheme,) if scheme else tuple(DEFAULT_PORTS)
        if any(f"{s}://{_bracketed(host)}:{port}" in self.origins for s in schemes):
            return True
        for domain in self.domains:
            name, _, written_port = domain.partition(":") if domain.count(":") == 1 else (domain, "", "")
            ports = {int(written_port)} if written_port.isdigit() else {DEFAULT_PORTS[s] for s in schemes}
            if (host == name or host.endswith("." + name)) and port in ports:
                return True
        return False

    def refusal(self, url: str, *, page: bool) -> str | None:
        """Why a request to ``url`` is refused before any name is resolved, or ``None``.

        ``page``: a page must be in scope; media may be on any public host (sites keep pictures on CDNs).
        """
        parts = urlsplit(url)
        if page and not self.allows(url):
            return f"{origin_of(url)} is outside the source's scope"
        literal = address_refusal(parts.hostname or "")
        if literal is not None and not self.allow_private_addresses:
            return f"{literal}; {PRIVATE_HINT}"
        if (parts.hostname or "").lower().rstrip(".").endswith("localhost") and not self.allow_private_addresses:
            return f"{parts.hostname} names this machine; {PRIVATE_HINT}"
        return None


async def resolve_allowed(host: str, port: int, allow_private: bool) -> str:
    """One address of ``host`` that may be connected to; ``RefusedAddress`` when it resolves only to private ones.

    The caller connects to the address returned, never to the name again, so a name that resolves to a
    public address once and to ``127.0.0.1`` the next time (DNS rebinding) cannot slip between check and use.
    """
    import asyncio  # here, not at the top: ``crawlers.sighting`` imports this module and must stay light
    import socket

    loop = asyncio.get_running_loop()
    try:
        answers = await loop.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnresolvableHost(f"{host} could not be resolved ({exc})") from None
    reasons = []
    for *_, sockaddr in answers:
        address = str(sockaddr[0])
        reason = address_refusal(address)
        if reason is None or allow_private:
            return address
        reasons.append(reason)
    raise RefusedAddress(
        f"{host} resolves only to non-public addresses: {', '.join(dict.fromkeys(reasons))}; {PRIVATE_HINT}"
    )

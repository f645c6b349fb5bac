"""One HTTP GET whose body is read up to a cap: what re-fetching and removal re-checks ask of a page or media.

Why a cap? The answer is compared with media jikimi preserved (at most ``MAX_BYTES``); a bigger body cannot be
that media, and a hostile server must not make the monitor read without end.

Why redirects are followed here, one hop at a time? A hostile site may later redirect a stored URL to the
machine's own network; with ``allow_private=False`` every hop is checked (``crawlers/fetch_scope.py``): an
IP literal before it is sent (aiohttp does not resolve literals), a name by ``PublicAddressResolver``,
which is the resolution aiohttp connects with (so a name cannot be checked once and resolve elsewhere).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from crawlers.fetch_scope import FetchScope, RefusedAddress, address_refusal

MAX_BYTES = 200 * 2**20
MAX_REDIRECTS = 10
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class CappedAnswer:
    """The status, headers and body; ``complete`` is false when the body went past the cap (and was cut)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    complete: bool


class PublicAddressResolver(aiohttp.ThreadedResolver):
    """aiohttp's resolver, keeping only public addresses: a name resolving only to private ones fails."""

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
        kept = [found for found in await super().resolve(host, port, family) if address_refusal(found["host"]) is None]
        if not kept:
            raise OSError(f"{host} resolves only to non-public addresses")
        return kept


def http_session(timeout: float, headers: dict[str, str], allow_private: bool) -> aiohttp.ClientSession:
    """A session for ``get_capped``; without ``allow_private`` its names resolve to public addresses only."""
    connector = None if allow_private else aiohttp.TCPConnector(resolver=PublicAddressResolver())
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), headers=headers, connector=connector)


async def get_capped(
    http: aiohttp.ClientSession, url: str, max_bytes: int = MAX_BYTES, allow_private: bool = True
) -> CappedAnswer:
    """GET ``url`` (following redirects); ``aiohttp.ClientError`` or ``TimeoutError`` when it cannot be had,
    ``RefusedAddress`` when a hop is a private address and ``allow_private`` is off."""
    check = FetchScope(allow_private_addresses=allow_private)
    for _ in range(MAX_REDIRECTS + 1):
        reason = check.refusal(url, page=False)
        if reason is not None:
            raise RefusedAddress(f"refused {url}: {reason}")
        async with http.get(url, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status in REDIRECTS and location:
                url = str(response.url.join(URL(location)))
                continue
            body = bytearray()
            async for chunk in response.content.iter_chunked(1 << 16):
                body += chunk
                if len(body) > max_bytes:
                    return CappedAnswer(response.status, tuple(response.headers.items()), bytes(body), complete=False)
            return CappedAnswer(response.status, tuple(response.headers.items()), bytes(body), complete=True)
    raise aiohttp.ClientError(f"{url}: more than {MAX_REDIRECTS} redirects")

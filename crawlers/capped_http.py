"""One HTTP GET whose body is read up to a cap: what re-fetching and removal re-checks ask of a page or media.

Why a cap? The answer is compared with media jikimi preserved (at most ``MAX_BYTES``); a bigger body cannot be
that media, and a hostile server must not make the monitor read without end.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

MAX_BYTES = 200 * 2**20


@dataclass(frozen=True, slots=True)
class CappedAnswer:
    """The status, headers and body; ``complete`` is false when the body went past the cap (and was cut)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    complete: bool


async def get_capped(http: aiohttp.ClientSession, url: str, max_bytes: int = MAX_BYTES) -> CappedAnswer:
    """GET ``url`` (following redirects); ``aiohttp.ClientError`` or ``TimeoutError`` when it cannot be had."""
    async with http.get(url, allow_redirects=True) as response:
        body = bytearray()
        async for chunk in response.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) > max_bytes:
                return CappedAnswer(response.status, tuple(response.headers.items()), bytes(body), complete=False)
        return CappedAnswer(response.status, tuple(response.headers.items()), bytes(body), complete=True)

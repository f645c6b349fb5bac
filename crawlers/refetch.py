"""Fetch a matched post's page and media again over HTTP, to preserve evidence of something seen earlier.

``RecapturesPosts`` for websites and ``t.me/s`` previews: the media of an old sighting was not kept (only its
fingerprints), so when it turns out to match, the page and the media are downloaded again. It is evidence
only if the media is still there and byte-identical (same SHA-256); otherwise the post is reported as
offline or changed. (Telegram API sightings need the telethon crawler's session: its next crawl preserves
them.)
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import aiohttp

from crawlers.sighting import Capture, Sighting, utc_now
from crawlers.version import CRAWLER_VERSION

MAX_BYTES = 200 * 2**20


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
    try:
        async with session.get(url) as response:
            body = bytearray()
            async for chunk in response.content.iter_chunked(1 << 16):
                body += chunk
                if len(body) > MAX_BYTES:
                    return None  # over the cap: not fetched whole, so not evidence
            return response.status, list(response.headers.items()), bytes(body)
    except (aiohttp.ClientError, TimeoutError):
        return None


async def refetch_sighting(sighting: Sighting, workdir: Path, timeout: float = 30.0) -> Sighting | None:
    """The sighting with fresh page and media files, or ``None`` when it is offline, changed or not HTTP."""
    if sighting.fingerprints is None or not sighting.media.url.startswith(("http://", "https://")):
        return None
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(
        timeout=client_timeout, headers={"User-Agent": f"jikimi/{CRAWLER_VERSION}"}
    ) as http:
        page = await _get(http, sighting.location)
        media = await _get(http, sighting.media.url)
    if page is None or media is None or page[0] >= 400 or media[0] >= 400:
        return None
    if len(media[2]) > MAX_BYTES or hashlib.sha256(media[2]).hexdigest() != sighting.fingerprints.sha256:
        return None  # gone, or no longer the same bytes: nothing to preserve as this sighting
    name = sighting.id
    media_path, page_path = workdir / f"{name}.media", workdir / f"{name}.html"
    media_path.write_bytes(media[2])
    page_path.write_bytes(page[2])
    capture = Capture(
        utc_now(), "refetch", CRAWLER_VERSION, page[0], tuple(page[1]), sighting.location, page_path, "text/html"
    )
    return dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=media_path), capture=capture)

"""Fetch a matched post's page and media again over HTTP, to preserve evidence of something seen earlier.

``RecapturesPosts`` for websites and ``t.me/s`` previews: the media of an old sighting was not kept (only its
fingerprints), so when it turns out to match, the page and the media are downloaded again. It is evidence
only if the media is still there and byte-identical (same SHA-256); otherwise the post is reported as
offline or changed. (Telegram API sightings need the telethon crawler's session: its next crawl preserves
them.) The fetches are held to the crawl's scope: no private address, at any redirect hop or through any
name, unless the source allowed them (``Capture.scope``; a capture without one allows none).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import aiohttp

from crawlers.capped_http import CappedAnswer, get_capped, http_session
from crawlers.fetch_scope import RefusedAddress
from crawlers.sighting import Capture, Sighting, utc_now
from crawlers.temp_files import TempFiles
from crawlers.version import CRAWLER_VERSION


async def _get(http: aiohttp.ClientSession, url: str, allow_private: bool) -> CappedAnswer | None:
    """The whole answer, or ``None`` when it failed, was refused or went past the cap (not whole: not evidence)."""
    try:
        answer = await get_capped(http, url, allow_private=allow_private)
    except (aiohttp.ClientError, TimeoutError, RefusedAddress):
        return None
    return answer if answer.complete else None


async def refetch_sighting(
    sighting: Sighting, workdir: Path, files: TempFiles, timeout: float = 30.0
) -> Sighting | None:
    """The sighting with fresh page and media files (written through ``files``), or ``None`` when it is
    offline, changed or not HTTP."""
    if sighting.fingerprints is None or not sighting.media.url.startswith(("http://", "https://")):
        return None
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    scope = sighting.capture.scope if sighting.capture else None  # the crawl's scope holds here and for its screenshot
    allow_private = scope is not None and scope.allow_private_addresses
    async with http_session(timeout, {"User-Agent": f"jikimi/{CRAWLER_VERSION}"}, allow_private) as http:
        page = await _get(http, sighting.location, allow_private)
        media = await _get(http, sighting.media.url, allow_private)
    if page is None or media is None or page.status >= 400 or media.status >= 400:
        return None
    if hashlib.sha256(media.body).hexdigest() != sighting.fingerprints.sha256:
        return None  # gone, or no longer the same bytes: nothing to preserve as this sighting
    name = sighting.id
    media_path, page_path = workdir / f"{name}.media", workdir / f"{name}.html"
    files.write(media_path, media.body)
    files.write(page_path, page.body)
    capture = Capture(
        utc_now(), "refetch", CRAWLER_VERSION, page.status, page.headers, sighting.location, page_path, "text/html",
        scope=scope,
    )  # fmt: skip
    return dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=media_path), capture=capture)

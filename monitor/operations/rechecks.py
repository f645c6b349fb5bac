"""Removal re-checks: is confirmed material still up? Each check is a custody event; removal latency follows.

Deleted-post detection, exact for each platform:
- web page: HTTP 404 or 410 for the page, or the page no longer contains the media's URL, or the media URL
  answers 404/410 → gone. The media answering with other bytes is "changed" (gone as this evidence).
  Any other failure (5xx, timeout) is "unreachable": not counted as removed, checked again next time.
- ``t.me/s`` preview: the channel page just after the message (``?before=<id+1>``) no longer lists
  ``data-post="<channel>/<id>"`` while it lists older posts → deleted; a channel page that is gone → deleted.
- Telegram API: ``get_messages(ids=…)`` answering ``None`` or ``MessageEmpty`` → deleted (see
  ``TelegramCrawler.messages_still_posted``).

Each location is checked every ``JIKIMI_RECHECK_INTERVAL`` until it is gone; the last result is what
``takedown.csv`` and ``jikimi status --removals`` report.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawlers.version import CRAWLER_VERSION
from evidence.canonical_json import utc_z
from evidence.custody import CustodyEvent
from monitor.packets.custody_log import append_event
from monitor.records import CONFIRMED, HitRecord
from monitor.store.base import Store

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger("jikimi.rechecks")
GONE_STATUSES = (404, 410)
MAX_BYTES = 200 * 2**20
TelegramCheck = Callable[[Sequence[HitRecord]], Awaitable[dict[str, bool | None]]]


@dataclass(frozen=True, slots=True)
class CheckResult:
    online: bool | None  # None: could not tell this time (unreachable)
    result: str
    http_status: int | None = None


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    """Status and body (at most ``MAX_BYTES``: a bigger answer is not the media we preserved)."""
    async with http.get(url, allow_redirects=True) as response:
        body = bytearray()
        async for chunk in response.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) > MAX_BYTES:
                break
        return response.status, bytes(body)


async def check_web(http: aiohttp.ClientSession, hit: HitRecord) -> CheckResult:
    import aiohttp  # here, not at the top: `jikimi status` imports this module for removal_stats

    try:
        status, page = await _get(http, hit.location)
        if status in GONE_STATUSES:
            return CheckResult(False, f"page gone (HTTP {status})", status)
        if status >= 400:
            return CheckResult(None, f"page unreachable (HTTP {status})", status)
        media_path = urlsplit(hit.media_url).path
        if hit.media_url.encode() not in page and media_path.encode() not in page:
            return CheckResult(False, "page no longer shows the media", status)
        media_status, media = await _get(http, hit.media_url)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return CheckResult(None, f"unreachable ({type(exc).__name__})")
    if media_status in GONE_STATUSES:
        return CheckResult(False, f"media gone (HTTP {media_status})", media_status)
    if media_status >= 400:
        return CheckResult(None, f"media unreachable (HTTP {media_status})", media_status)
    if hashlib.sha256(media).hexdigest() != hit.media_sha256:
        return CheckResult(False, "media replaced by other bytes", media_status)
    return CheckResult(True, "still online (same bytes)", media_status)


async def check_tme_preview(http: aiohttp.ClientSession, hit: HitRecord) -> CheckResult:
    import aiohttp

    from crawlers.tme_markup import UnrecognisedMarkup, parse_tme_page  # parsel and lxml

    parts = urlsplit(hit.location)
    channel, _, message = parts.path.strip("/").rpartition("/")
    base = f"{parts.scheme}://{parts.netloc}"
    try:
        status, body = await _get(http, f"{base}/s/{channel}?before={int(message) + 1}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        return CheckResult(None, f"unreachable ({type(exc).__name__})")
    except ValueError:
        return CheckResult(None, f"not a t.me post link: {hit.location}")
    if status in GONE_STATUSES:
        return CheckResult(False, f"channel gone (HTTP {status})", status)
    if status >= 400:
        return CheckResult(None, f"preview unreachable (HTTP {status})", status)
    try:
        posts = {post.message_id for post in parse_tme_page(body.decode("utf-8", "replace"), base).posts}
    except UnrecognisedMarkup as exc:
        return CheckResult(None, f"preview markup not recognised: {exc}", status)
    if int(message) in posts:
        return CheckResult(True, "still in the channel preview", status)
    if posts:
        return CheckResult(False, "message deleted (absent from the channel preview)", status)
    return CheckResult(False, "channel preview shows no posts (channel emptied or hidden)", status)


def _due(events: Sequence[CustodyEvent], now: datetime, interval: timedelta) -> bool:
    checks = [e for e in events if e.kind == "rechecked"]
    if not checks:
        return True
    last = checks[-1]
    return bool(last.details.get("online") is not False and now - last.at >= interval)


async def recheck_confirmed(
    store: Store, interval: timedelta, actor: str = "jikimi", telegram: TelegramCheck | None = None,
    now: datetime | None = None, timeout: float = 30.0,
) -> dict[str, int]:  # fmt: skip
    """Check each confirmed hit's location that is due; record each check. Returns counts by outcome."""
    import aiohttp

    now = now or datetime.now(UTC)
    hits = [h for h in await store.hits() if h.status == CONFIRMED]
    due: dict[str, HitRecord] = {}  # one check per location, on the chain of its first hit
    for hit in hits:
        if hit.location not in due and _due(await store.custody_events(hit.custody_chain), now, interval):
            due[hit.location] = hit
    results: dict[str, CheckResult] = {}
    api_hits = [h for h in due.values() if h.source_kind == "telegram"]
    if api_hits and telegram is not None:
        for location, online in (await telegram(api_hits)).items():
            text = {True: "message still posted", False: "message deleted (Telegram returned no message)"}
            results[location] = CheckResult(online, "could not ask Telegram" if online is None else text[online])
    headers = {"User-Agent": f"jikimi/{CRAWLER_VERSION} (removal re-check)"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), headers=headers) as http:
        for hit in due.values():
            if hit.source_kind == "telegram":
                continue
            check = check_tme_preview if hit.source_kind == "telegram_web" else check_web
            results[hit.location] = await check(http, hit)
    counts: dict[str, int] = {"online": 0, "gone": 0, "unknown": 0}
    for location, result in results.items():
        details = {"location": location, "online": result.online, "result": result.result,
                   "http_status": result.http_status, "checked_at": utc_z(now)}  # fmt: skip
        await append_event(store, due[location].custody_chain, "rechecked", actor, details)
        counts[{True: "online", False: "gone", None: "unknown"}[result.online]] += 1
        log.info("re-check %s: %s", location, result.result, extra={"online": result.online})
    return counts


@dataclass(frozen=True, slots=True)
class RemovalStats:
    platform: str
    confirmed: int
    removed: int
    still_online: int
    median_hours: float | None


async def removal_stats(store: Store) -> list[RemovalStats]:
    """Per platform (Telegram, or the web host): how many confirmed locations are gone, and how fast."""
    by_platform: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for hit in await store.hits():
        if hit.status != CONFIRMED or hit.location in seen:
            continue
        seen.add(hit.location)
        row = by_platform.setdefault(hit.platform, {"confirmed": 0, "online": 0, "latencies": []})
        row["confirmed"] += 1
        checks = [e for e in await store.custody_events(hit.custody_chain) if e.kind == "rechecked"]
        gone = next((e for e in checks if e.details.get("online") is False), None)
        if gone is not None:
            row["latencies"].append((gone.at - hit.seen_at).total_seconds() / 3600)
        elif checks and checks[-1].details.get("online"):
            row["online"] += 1
    return [
        RemovalStats(
            platform,
            row["confirmed"],
            len(row["latencies"]),
            row["online"],
            statistics.median(row["latencies"]) if row["latencies"] else None,
        )  # fmt: skip
        for platform, row in sorted(by_platform.items())
    ]

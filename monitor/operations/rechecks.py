"""Removal re-checks: is confirmed material still up? Each check is a custody event; removal latency follows.

How a post is checked is its crawler's business (``crawlers.base.ChecksRemoval``: the web page and its
media bytes, the ``t.me/s`` preview, or Telegram's API), so nothing here knows a platform. Each location is
checked every ``JIKIMI_RECHECK_INTERVAL`` until it is gone; an answer of "unknown" (a 5xx, a timeout) is
checked again. The last result is what ``takedown.csv`` and ``jikimi status --removals`` report.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.settings import Settings
from crawlers.base import ChecksRemoval, PostToCheck, RemovalCheck, SourceState
from crawlers.errors import UnknownSourceKind
from crawlers.registry import UNRECORDED_KIND, crawler_for
from evidence.canonical_json import utc_z
from evidence.custody import CustodyEvent, CustodyKind
from monitor.packets.custody_log import append_event
from monitor.records import HitRecord, HitStatus
from monitor.store.base import CustodyStore, HitStore, SourceStateStore
from monitor.store.queries import HitQuery

log = logging.getLogger("jikimi.rechecks")
RemovalCheckers = Callable[[str], ChecksRemoval | None]
"""Source kind → what checks its posts (``None``: the kind cannot)."""


class RecheckStore(HitStore, CustodyStore, SourceStateStore, Protocol):
    """Re-checks read confirmed hits and their sources' state, and append custody events."""


def checkers_from(settings: Settings) -> RemovalCheckers:
    """Each kind's crawler, built from the settings, when it can check removal."""

    def checker(kind: str) -> ChecksRemoval | None:
        try:
            crawler = crawler_for(kind).from_settings(settings)
        except UnknownSourceKind:
            return None
        return crawler if isinstance(crawler, ChecksRemoval) else None

    return checker


async def confirmed_locations(store: HitStore) -> dict[str, HitRecord]:
    """One confirmed hit per location (the newest): its chain holds the location's checks."""
    found: dict[str, HitRecord] = {}
    for hit in (await store.find_hits(HitQuery(statuses=(HitStatus.CONFIRMED,), limit=None))).hits:
        found.setdefault(hit.location, hit)
    return found


def _due(last: CustodyEvent | None, now: datetime, interval: timedelta) -> bool:
    return last is None or (last.details.get("online") is not False and now - last.at >= interval)


async def recheck_confirmed(
    store: RecheckStore, interval: timedelta, checkers: RemovalCheckers, actor: str = "jikimi",
    now: datetime | None = None, *, signer: Ed25519PrivateKey | None,
) -> dict[str, int]:  # fmt: skip
    """Check each confirmed location that is due; record each check. Returns counts by outcome."""
    now = now or datetime.now(UTC)
    locations = await confirmed_locations(store)
    last = await store.last_custody_events([hit.custody_chain for hit in locations.values()], CustodyKind.RECHECKED)
    due = [hit for hit in locations.values() if _due(last.get(hit.custody_chain), now, interval)]
    results: dict[str, RemovalCheck] = {}
    states: dict[str, SourceState] = {}
    for kind in sorted({hit.source_kind or UNRECORDED_KIND for hit in due}):
        of_kind = [hit for hit in due if (hit.source_kind or UNRECORDED_KIND) == kind]
        checker = checkers(kind)
        if checker is None:
            results |= {hit.location: RemovalCheck(None, f"{kind} sources cannot check removal") for hit in of_kind}
            continue
        posts = []
        for hit in of_kind:
            if hit.source_id not in states:
                states[hit.source_id] = await store.get_source_state(hit.source_id)
            posts.append(PostToCheck(hit.location, hit.media_url, hit.media_sha256, states[hit.source_id]))
        results |= await checker.check_removal(posts)
    counts: dict[str, int] = {"online": 0, "gone": 0, "unknown": 0}
    unanswered = [hit.location for hit in due if hit.location not in results]
    if unanswered:  # e.g. a Telegram post whose channel was never resolved: asked again next time
        log.warning("re-check: %d location(s) could not be asked", len(unanswered), extra={"first": unanswered[0]})
    for hit in due:
        result = results.get(hit.location)
        if result is None:
            continue
        details = {"location": hit.location, "online": result.online, "result": result.result,
                   "http_status": result.http_status, "checked_at": utc_z(now)}  # fmt: skip
        await append_event(store, hit.custody_chain, CustodyKind.RECHECKED, actor, details, signer=signer)
        counts[{True: "online", False: "gone", None: "unknown"}[result.online]] += 1
        log.info("re-check %s: %s", hit.location, result.result, extra={"online": result.online})
    return counts


@dataclass(frozen=True, slots=True)
class RemovalStats:
    platform: str
    confirmed: int
    removed: int
    still_online: int
    median_hours: float | None


async def removal_stats(store: RecheckStore) -> list[RemovalStats]:
    """Per platform (Telegram, or the web host): how many confirmed locations are gone, and how fast.

    A location found gone is not checked again, so its last check is the one that found it gone."""
    locations = await confirmed_locations(store)
    last = await store.last_custody_events([hit.custody_chain for hit in locations.values()], CustodyKind.RECHECKED)
    confirmed: dict[str, int] = {}
    online: dict[str, int] = {}
    latencies: dict[str, list[float]] = {}
    for hit in locations.values():
        platform = hit.platform
        confirmed[platform] = confirmed.get(platform, 0) + 1
        check = last.get(hit.custody_chain)
        if check is not None and check.details.get("online") is False:
            latencies.setdefault(platform, []).append((check.at - hit.seen_at).total_seconds() / 3600)
        elif check is not None and check.details.get("online"):
            online[platform] = online.get(platform, 0) + 1
    return [
        RemovalStats(
            platform,
            count,
            len(latencies.get(platform, [])),
            online.get(platform, 0),
            statistics.median(latencies[platform]) if latencies.get(platform) else None,
        )  # fmt: skip
        for platform, count in sorted(confirmed.items())
    ]

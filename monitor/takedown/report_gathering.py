"""Read the report's timelines from the store: confirmed locations, their removal re-checks, their notices.

1. Every confirmed hit, a page at a time (``HitQuery`` with the confirmed status), grouped by location: the
   location's first seen is its earliest hit's, its card and platform that hit's.
2. The newest ``rechecked`` custody event over all of a location's chains (``store.last_custody_events``,
   ``monitor/operations/rechecks.py``): found gone → ``removed_at`` and the outcome from the checker's words.
3. The notices from a ``NoticeHistorySource`` (``NoNoticesSent`` until the outbox answers).

**Outcomes from the checkers' words** (``outcome_of``). The checkers write a ``result`` sentence and an
``http_status`` (``crawlers/removal_checks.py``, ``crawlers/telegram.py``); the report keeps apart what they
tell apart and says "gone (reason unknown)" where they do not. Telegram's API check says "channel
unavailable (…)" for a channel gone private, banned or deleted; a message it no longer returns may be deleted
or only hidden from this account, so that stays "reason unknown".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from evidence.custody import CustodyEvent, CustodyKind
from monitor.cards import card_id
from monitor.records import HitRecord, HitStatus
from monitor.store.base import CustodyStore, HitStore
from monitor.store.queries import HitQuery
from monitor.takedown.report_records import NoticeHistorySource, RemovalOutcome, RemovalTimeline

PAGE = 500

OUTCOME_WORDS: tuple[tuple[str, RemovalOutcome], ...] = (
    ("media replaced", RemovalOutcome.MEDIA_REPLACED),  # web: the media URL answers with other bytes
    ("page gone", RemovalOutcome.PAGE_GONE),  # web: the page answers 404 or 410
    ("page no longer shows the media", RemovalOutcome.POST_DELETED),  # web: the page stays, the post does not
    ("media gone", RemovalOutcome.POST_DELETED),  # web: the media file itself answers 404 or 410
    ("message deleted (absent from the channel preview)", RemovalOutcome.POST_DELETED),  # t.me/s: the post only
    ("channel gone", RemovalOutcome.CHANNEL_GONE),  # t.me/s: the channel's page answers 404 or 410
    ("channel unavailable", RemovalOutcome.CHANNEL_GONE),  # Telegram's API: private, banned or gone
    ("channel preview shows no posts", RemovalOutcome.CHANNEL_GONE),  # t.me/s: emptied, hidden or blocked
)
"""How a checker's ``result`` begins → the outcome it tells (the first that matches)."""


class ReportSourceStore(HitStore, CustodyStore, Protocol):
    """What gathering reads: confirmed hits and their custody events."""


def outcome_of(check: CustodyEvent | None, platform: str) -> RemovalOutcome:
    """The outcome the newest re-check of a location tells (``None``: never checked)."""
    if check is None or check.details.get("online") is None:
        return RemovalOutcome.UNCHECKED
    if check.details.get("online") is not False:
        return RemovalOutcome.ONLINE
    result = str(check.details.get("result") or "")
    for words, outcome in OUTCOME_WORDS:
        if result.startswith(words):
            return outcome
    if check.details.get("http_status") in (404, 410) and platform != "telegram":
        return RemovalOutcome.PAGE_GONE  # older or other checkers: a web page that answers "gone"
    return RemovalOutcome.GONE_UNKNOWN


async def confirmed_by_location(store: HitStore, page: int = PAGE) -> dict[str, list[HitRecord]]:
    """Every confirmed hit, grouped by location, read a page at a time."""
    found: dict[str, list[HitRecord]] = {}
    offset = 0
    while True:
        result = await store.find_hits(HitQuery(statuses=(HitStatus.CONFIRMED,), offset=offset, limit=page))
        for hit in result.hits:
            found.setdefault(hit.location, []).append(hit)
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            return found


async def newest_checks(
    store: CustodyStore, by_location: Mapping[str, Sequence[HitRecord]], page: int = PAGE
) -> dict[str, CustodyEvent]:
    """Per location, its newest re-check over all its hits' chains."""
    chain_location = {hit.custody_chain: location for location, hits in by_location.items() for hit in hits}
    chains = sorted(chain_location)
    newest: dict[str, CustodyEvent] = {}
    for start in range(0, len(chains), page):
        events = await store.last_custody_events(chains[start : start + page], CustodyKind.RECHECKED)
        for chain, event in events.items():
            location = chain_location[chain]
            if location not in newest or (event.at, event.seq) > (newest[location].at, newest[location].seq):
                newest[location] = event
    return newest


async def removal_timelines(store: ReportSourceStore, notices: NoticeHistorySource) -> list[RemovalTimeline]:
    """One timeline per confirmed location (steps in the module docstring)."""
    by_location = await confirmed_by_location(store)
    checks = await newest_checks(store, by_location)
    sent = await notices.notices_by_location(sorted(by_location))
    timelines = []
    for location, hits in by_location.items():
        earliest = min(hits, key=lambda hit: (hit.seen_at, hit.id))
        check = checks.get(location)
        outcome = outcome_of(check, earliest.platform)
        notice = sent.get(location)
        timelines.append(
            RemovalTimeline(
                platform=earliest.platform,
                recipient=notice.recipient if notice else "",
                location=location,
                card_id=card_id(earliest.media_sha256, earliest.item_id),
                first_seen=earliest.seen_at,
                first_notice_at=notice.first_notice_at if notice else None,
                notices_sent=notice.notices_sent if notice else 0,
                removed_at=check.at if check is not None and outcome.removed else None,
                outcome=outcome,
            )
        )
    return timelines

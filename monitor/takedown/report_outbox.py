"""The notices the outbox holds, as the accountability report reads them: per location, who was asked first,
when, and how many notices and re-sends named it (``report_records.NoticeHistorySource``).

A notice counts from its first acceptance by the server or submission by a person (``NoticeRecord.sent``):
a queued, failed or unconfirmed notice asked nobody yet, so it starts no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from monitor.store.notice_records import NoticeRecord, NoticeState
from monitor.takedown.report_records import LocationNotices


class OutboxReader(Protocol):
    async def notices(self, states: Sequence[NoticeState] | None = None) -> list[NoticeRecord]: ...


class OutboxHistory:
    """``NoticeHistorySource`` from the store's outbox."""

    def __init__(self, store: OutboxReader) -> None:
        self.store = store

    async def notices_by_location(self, locations: Sequence[str]) -> Mapping[str, LocationNotices]:
        wanted = set(locations)
        found: dict[str, LocationNotices] = {}
        for notice in await self.store.notices():
            if not notice.sent:
                continue
            first_sent = min(notice.sent)
            for url in {place.url for place in notice.places} & wanted:
                earlier = found.get(url)
                if earlier is None:
                    found[url] = LocationNotices(notice.recipient, first_sent, len(notice.sent))
                    continue
                recipient, first = (
                    (notice.recipient, first_sent)
                    if first_sent < earlier.first_notice_at
                    else (earlier.recipient, earlier.first_notice_at)
                )
                found[url] = LocationNotices(recipient, first, earlier.notices_sent + len(notice.sent))
        return found

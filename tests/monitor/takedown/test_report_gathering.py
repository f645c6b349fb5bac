"""Timelines read from the store: one per confirmed location, its earliest sighting, its newest re-check over
every chain at that place, and what a ``NoticeHistorySource`` says was sent about it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence.custody import CustodyKind, next_event
from monitor.records import BlocklistEntry, HitStatus
from monitor.store.sqlite import SqliteStore
from monitor.takedown.report_gathering import removal_timelines
from monitor.takedown.report_records import LocationNotices, NoNoticesSent, RemovalOutcome
from tests.monitor.cli.test_notices_plan import ENTRY, hit, media, sighting

PAGE = "https://forum.example/thread/1"
OTHER = "https://forum.example/thread/2"
SECOND = BlocklistEntry("sha256", "11" * 32, "case-2", "label 2", item_id="2e" * 16)
NOTICED = datetime(2026, 11, 2, tzinfo=UTC)


class OneNotice:
    """A history in which one notice and two re-sends named ``PAGE``."""

    async def notices_by_location(self, locations: Sequence[str]) -> Mapping[str, LocationNotices]:
        return {PAGE: LocationNotices("host-abuse", NOTICED, 3)} if PAGE in locations else {}


CHECKED = datetime(2026, 11, 5, tzinfo=UTC)


async def recheck(store: SqliteStore, chain: str, details: dict[str, object], at: datetime) -> None:
    """A re-check recorded at ``at`` (not "now": two checks a millisecond apart must still be ordered)."""
    previous = await store.last_custody_event(chain)
    assert await store.append_custody(next_event(previous, chain, CustodyKind.RECHECKED, "jikimi", details, at))


async def filled_store(tmp_path: Path) -> SqliteStore:
    """``PAGE`` matched twice (two pictures, two chains: the later one found it gone), ``OTHER`` never checked,
    and a rejected hit that no report counts."""
    store = SqliteStore(tmp_path / "jikimi.sqlite3")
    await store.open()
    await store.add_blocklist_entries([ENTRY, SECOND])
    first = hit(sighting(PAGE, media(1)), HitStatus.CONFIRMED)
    later_seen = replace(sighting(PAGE, media(2)), seen_at=first.seen_at + timedelta(days=1))
    second = replace(hit(later_seen, HitStatus.CONFIRMED), entry_id=SECOND.id, item_id=SECOND.item_id,
                     seen_at=later_seen.seen_at, packet_id="packet-second")  # fmt: skip
    other = hit(sighting(OTHER, media(3)), HitStatus.CONFIRMED)
    rejected = hit(sighting("https://forum.example/thread/3", media(4)), HitStatus.REJECTED)
    for record in (first, second, other, rejected):
        await store.put_hit(record)
    online = {"location": PAGE, "online": True, "result": "still online (same bytes)", "http_status": 200}
    await recheck(store, first.custody_chain, online, CHECKED)
    gone = {"location": PAGE, "online": False, "result": "media replaced by other bytes", "http_status": 200}
    await recheck(store, second.custody_chain, gone, CHECKED + timedelta(hours=1))  # the later check
    return store


async def test_one_timeline_per_confirmed_location_with_its_newest_check_over_every_chain(tmp_path: Path) -> None:
    store = await filled_store(tmp_path)
    try:
        timelines = {t.location: t for t in await removal_timelines(store, NoNoticesSent())}
    finally:
        await store.close()
    assert set(timelines) == {PAGE, OTHER}
    page = timelines[PAGE]
    assert page.outcome is RemovalOutcome.MEDIA_REPLACED and page.removed_at is not None
    assert page.first_seen == hit(sighting(PAGE, media(1)), HitStatus.CONFIRMED).seen_at  # the earlier sighting's
    assert page.card_id == f"{media(1)}.{ENTRY.item_id}" and page.platform == "forum.example"
    assert (page.recipient, page.first_notice_at, page.notices_sent) == ("", None, 0)
    assert timelines[OTHER].outcome is RemovalOutcome.UNCHECKED and timelines[OTHER].removed_at is None


async def test_the_notice_history_fills_in_recipient_first_notice_and_count(tmp_path: Path) -> None:
    store = await filled_store(tmp_path)
    try:
        timelines = {t.location: t for t in await removal_timelines(store, OneNotice())}
    finally:
        await store.close()
    assert (timelines[PAGE].recipient, timelines[PAGE].first_notice_at, timelines[PAGE].notices_sent) == (
        "host-abuse", NOTICED, 3)  # fmt: skip
    assert timelines[OTHER].recipient == "" and timelines[OTHER].notices_sent == 0

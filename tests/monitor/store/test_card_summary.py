"""The cards' summary of an SQLite store from before it (schema version 4), and the channel a hit records."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawlers.sighting import Distributor, Fingerprints, Media, Sighting
from monitor.records import BlocklistEntry, HitRecord, HitStatus, channel_of
from monitor.store import SqliteStore
from monitor.store.queries import CardQuery, HitQuery

T0 = datetime(2026, 11, 1, tzinfo=UTC)
STATUSES = (HitStatus.PENDING, HitStatus.CONFIRMED, HitStatus.ESCALATED, HitStatus.REJECTED)


def test_a_telegram_channel_is_named_by_its_username_then_its_id_then_its_title() -> None:
    post = "https://t.me/leaks/5"
    assert (
        channel_of(Distributor(channel_id="-1001", channel_username="leaks", channel_title="L"), post, "") == "@leaks"
    )
    assert channel_of(Distributor(channel_id="-1001", channel_title="Leaks"), post, "telegram") == "-1001"
    assert channel_of(Distributor(channel_title="Leaks"), post, "telegram_web") == "Leaks"
    assert channel_of(Distributor(page_title="a forum"), "https://forum.example/t/9", "web") == "forum.example"
    assert channel_of(Distributor(), "https://t.me/s/leaks/5", "telegram_web") == "@leaks"  # its sighting unknown
    assert channel_of(Distributor(), "https://t.me/c/1234/5", "telegram") == "1234"


def sighting(number: int) -> Sighting:
    """Even numbers in Telegram channels (by username, or by id alone for every fourth), odd ones on web pages."""
    media = f"{number % 7:064x}"
    if number % 2:
        where = {"source_kind": "web", "location": f"https://site-{number % 3}.example/t/{number}"}
    else:
        username = None if number % 4 == 0 else f"chan{number % 3}"
        link = f"c/{number % 3}" if username is None else username
        where = {"source_kind": "telegram", "location": f"https://t.me/{link}/{number}",
                 "distributor": Distributor(channel_id=f"-100{number % 3}", channel_username=username)}  # fmt: skip
    return Sighting(
        source_id=f"src-{number % 2}", seen_at=T0 + timedelta(minutes=number), media=Media(f"https://cdn/{number}"),
        fingerprints=Fingerprints({"sha256": media}), **where,  # type: ignore[arg-type]
    )  # fmt: skip


def hit_of(seen: Sighting, entry: BlocklistEntry, number: int) -> HitRecord:
    assert seen.fingerprints is not None
    return HitRecord(
        sighting_id=seen.id, entry_id=entry.id, hash_type=entry.hash_type, case=entry.case, label=entry.label,
        distance=number % 5, matched_value=entry.value, source_id=seen.source_id, location=seen.location,
        media_url=seen.media.url, media_sha256=seen.fingerprints.sha256, posted_at=None, seen_at=seen.seen_at,
        status=STATUSES[number % 4], created_at=seen.seen_at, source_kind=seen.source_kind, item_id=entry.item_id,
        entry_value=entry.value,
    )  # fmt: skip


async def test_a_store_from_before_the_card_summary_keeps_every_card_and_gets_channels(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    store = SqliteStore(path)
    await store.open()
    entries = [
        BlocklistEntry("pdq", f"{n:064x}", f"case-{n % 2}", f"picture {n}", item_id=f"item-{n}") for n in range(3)
    ]
    await store.add_blocklist_entries(entries)
    sightings = [sighting(number) for number in range(40)]
    await store.put_sightings(sightings[:-4])  # the last four hits' sightings are not stored: channel from location
    hits = [hit_of(seen, entries[number % 3], number) for number, seen in enumerate(sightings)]
    await store.put_hits(hits)
    before = await store.find_cards(CardQuery(limit=None))
    counts = await store.card_counts(CardQuery())
    await store.close()
    with sqlite3.connect(path) as db:  # as version 4 left it: no summary, no channel anywhere
        db.execute("DROP TABLE cards")
        db.execute("DROP TABLE card_places")
        db.execute("DROP INDEX hits_channel")
        db.execute("ALTER TABLE hits DROP COLUMN channel")
        db.execute("UPDATE hits SET body = json_remove(body, '$.channel')")
        db.execute("PRAGMA user_version = 4")
    reopened = SqliteStore(path)
    await reopened.open()
    try:
        after = await reopened.find_cards(CardQuery(limit=None))
        assert after.total == before.total == 21 and after.cards == before.cards
        assert await reopened.card_counts(CardQuery()) == counts
        stored = {hit.id: hit.channel for hit in await reopened.hits()}
        known = sightings[:-4] + [dataclasses.replace(seen, distributor=Distributor()) for seen in sightings[-4:]]
        expected = zip(hits, known, strict=True)
        assert stored == {hit.id: channel_of(s.distributor, s.location, s.source_kind) for hit, s in expected}
        assert [stored[hit.id] for hit in hits[-4:]] == ["0", "site-1.example", "@chan2", "site-0.example"]
        assert (await reopened.find_hits(HitQuery(channel="@chan2", limit=None))).total == 4  # 2, 14, 26, 38
        assert "@chan1" in (await reopened.hit_facets()).channels
        assert (await reopened.find_cards(CardQuery(channel="-1000"))).total > 0
    finally:
        await reopened.close()


async def test_the_queue_page_reads_the_summary_by_index_without_sorting(tmp_path: Path) -> None:
    from monitor.store.sqlite_cards import card_conditions, card_order

    store = SqliteStore(tmp_path / "plan.sqlite3")
    await store.open()
    await store.close()
    pending = CardQuery(statuses=(HitStatus.PENDING,), order="priority")
    with sqlite3.connect(tmp_path / "plan.sqlite3") as db:
        for query in (pending, CardQuery(), CardQuery(order="priority"), CardQuery(statuses=(HitStatus.PENDING,))):
            where, params = card_conditions(query)
            sql = f"EXPLAIN QUERY PLAN SELECT media_sha256 FROM cards{where}{card_order(query)} LIMIT 50"
            plan = repr(db.execute(sql, params).fetchall())
            assert "TEMP B-TREE" not in plan and "INDEX cards_" in plan, (query, plan)


async def test_a_mongodb_database_from_before_the_card_summary_gets_it_and_its_channels_when_opened() -> None:
    """On the in-memory stand-in (``test_stores.py`` says what it is and is not)."""
    from pymongo_async_mock import AsyncMongoMockClient

    from monitor.store import MongoStore
    from monitor.store.serialise import to_document

    client = AsyncMongoMockClient(tz_aware=True)
    entries = [BlocklistEntry("pdq", f"{n:064x}", "case-0", f"picture {n}", item_id=f"item-{n}") for n in range(3)]
    sightings = [sighting(number) for number in range(12)]
    hits = [hit_of(seen, entries[number % 3], number) for number, seen in enumerate(sightings)]
    database = client["jikimi_old"]
    for seen in sightings:  # as the version before the summary wrote them: no cards, no channel
        await database["sightings"].insert_one({"_id": seen.id, **to_document(seen)})
    for hit in hits:
        document = {k: v for k, v in to_document(hit).items() if k != "channel"}
        await database["hits"].insert_one({"_id": hit.id, **document, "platform": hit.platform})
    store = MongoStore(client, "jikimi_old")
    await store.open()
    page = await store.find_cards(CardQuery(limit=None))
    assert page.total == len({(hit.media_sha256, hit.item_id) for hit in hits}) == len(page.cards)
    assert sorted(hit_id for card in page.cards for hit_id in card.hit_ids) == sorted(hit.id for hit in hits)
    assert {hit.id: hit.channel for hit in await store.hits()} == {
        hit.id: channel_of(seen.distributor, seen.location, seen.source_kind)
        for hit, seen in zip(hits, sightings, strict=True)
    }
    assert sum((await store.card_counts(CardQuery())).values()) == page.total

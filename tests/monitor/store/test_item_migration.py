"""A data directory made before blocklist items opens without loss: every entry gets an item, every hit its
entry's item and hash (``monitor/store/legacy_items.py`` says how old entries are grouped, and why)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from monitor.records import BlocklistEntry, HitRecord, own_item_id, picture_item_id
from monitor.store import MongoStore, SqliteStore
from monitor.store.base import Store
from monitor.store.queries import HitQuery
from monitor.store.serialise import to_document

CASE = "case-5"
S1, S2, S3A, S3B, S4 = ("1a" * 32, "2b" * 32, "3c" * 32, "3d" * 32, "4e" * 32)
CROP = "c0" * 32
SEEN = datetime(2026, 11, 1, tzinfo=UTC)


def intake(label: str, hash_type: str, value: str, variant: str = "") -> BlocklistEntry:
    return BlocklistEntry(hash_type, value, CASE, label, "victim intake", variant=variant)


OLD_ENTRIES = [
    # one add-images call: picture 1 and picture 2, each one entry per (signal, crop)
    intake("picture 1", "sha256", S1), intake("picture 1", "md5", "11" * 16), intake("picture 1", "pdq", "a1" * 32),
    intake("picture 1", "pdq", CROP, "centre crop 5%"),
    intake("picture 2", "sha256", S2), intake("picture 2", "md5", "22" * 16),
    # two calls that both had a "picture 3": two pictures under one label, which nothing can tell apart
    intake("picture 3", "sha256", S3A), intake("picture 3", "sha256", S3B), intake("picture 3", "md5", "33" * 16),
    # an imported row: a list never said which rows go together
    BlocklistEntry("sha256", S4, CASE, "picture 1", "import"),
]  # fmt: skip


def old_hit(entry_id: str, matched: str) -> HitRecord:
    return HitRecord("s-1", entry_id, "pdq", CASE, "picture 1", 6, matched, "src", "http://x/1", "http://x/a.jpg",
                     "ee" * 32, None, SEEN)  # fmt: skip


def old_document(record: object, *dropped: str) -> dict[str, object]:
    """The record as a jikimi before items stored it."""
    return {key: value for key, value in to_document(record).items() if key not in dropped}


CROP_HIT = old_hit(OLD_ENTRIES[3].id, "c1" * 32)  # matched the crop, through a probe one bit away
ORPHAN_HIT = old_hit("e-gone", "ab" * 32)  # its entry is not in the store


async def assert_migrated(store: Store) -> None:
    picture_1, picture_2 = picture_item_id(CASE, S1), picture_item_id(CASE, S2)
    item_of = {entry.id: entry.item_id for entry in await store.blocklist_entries()}
    assert len(item_of) == len(OLD_ENTRIES)  # nothing lost
    assert [item_of[e.id] for e in OLD_ENTRIES[:6]] == [picture_1] * 4 + [picture_2] * 2
    assert [item_of[e.id] for e in OLD_ENTRIES[6:]] == [own_item_id(e.id) for e in OLD_ENTRIES[6:]]
    items = {item.id: item for item in await store.blocklist_items()}
    assert set(items) == set(item_of.values()) and len(items) == 6
    assert (items[picture_1].label, items[picture_1].origin) == ("picture 1", "victim intake")
    (crop_hit,) = (await store.find_hits(HitQuery(item_id=picture_1))).hits
    assert (crop_hit.id, crop_hit.entry_value, crop_hit.matched_value) == (CROP_HIT.id, CROP, "c1" * 32)
    (orphan,) = (await store.find_hits(HitQuery(item_id=own_item_id("e-gone")))).hits
    assert orphan.id == ORPHAN_HIT.id and orphan.entry_value == ""
    again = [BlocklistEntry(e.hash_type, e.value, CASE, "picture 1", "victim intake", variant=e.variant,
                            item_id=picture_1) for e in OLD_ENTRIES[:4]]  # fmt: skip
    assert await store.add_blocklist_entries(again) == 0  # add-images of picture 1 again: the same item
    assert len(await store.blocklist_items()) == 6


def make_old_sqlite_store(path: Path, entries: Sequence[BlocklistEntry], hits: Sequence[HitRecord]) -> None:
    """An SQLite data directory at schema version 2, the last one before items: no ``blocklist_items``
    table, no ``item_id`` columns, documents without ``item_id`` or ``entry_value``."""
    from monitor.store.sqlite import SCHEMA
    from monitor.store.sqlite_migrations import INDEXES, QUERY_COLUMNS

    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.execute("DROP TABLE blocklist_items")
        for table, columns in QUERY_COLUMNS.items():
            for declaration in columns:
                if not declaration.startswith("item_id"):
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {declaration}")
        for statement in INDEXES:
            if "item" not in statement:
                db.execute(statement)
        for e in entries:
            db.execute("INSERT INTO blocklist (id, hash_type, value, case_ref, body) VALUES (?, ?, ?, ?, ?)",
                       (e.id, e.hash_type, e.value, e.case, json.dumps(old_document(e, "item_id"))))  # fmt: skip
        for h in hits:
            db.execute(
                "INSERT INTO hits (id, sighting_id, entry_id, status, created_at, uid, source_id, case_ref, platform, "
                "media_sha256, body) VALUES (?, ?, ?, 'pending', ?, ?, 'src', ?, 'web', ?, ?)",
                (h.id, h.sighting_id, h.entry_id, SEEN.isoformat(), h.uid, CASE, h.media_sha256,
                 json.dumps(old_document(h, "item_id", "entry_value"))),
            )  # fmt: skip
        db.execute("PRAGMA user_version = 2")


async def test_an_sqlite_store_from_before_items_is_upgraded_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    make_old_sqlite_store(path, OLD_ENTRIES, [CROP_HIT, ORPHAN_HIT])
    for _ in range(2):  # and a second open changes nothing
        store = SqliteStore(path)
        await store.open()
        try:
            await assert_migrated(store)
        finally:
            await store.close()


async def test_a_mongodb_store_from_before_items_is_upgraded_without_loss() -> None:
    """On the in-memory stand-in (pymongo-async-mock), as the store contract."""
    from pymongo_async_mock import AsyncMongoMockClient

    client = AsyncMongoMockClient(tz_aware=True)
    db = client["jikimi_old"]
    await db["blocklist"].insert_many([{"_id": e.id, **old_document(e, "item_id")} for e in OLD_ENTRIES])
    await db["hits"].insert_many(
        [{"_id": h.id, "platform": "web", **old_document(h, "item_id", "entry_value")} for h in (CROP_HIT, ORPHAN_HIT)]
    )
    store = MongoStore(client, "jikimi_old")
    await store.open()
    await store.open()  # a second open changes nothing
    try:
        await assert_migrated(store)
    finally:
        await store.close()

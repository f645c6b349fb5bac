"""A store from before "suspected minor first" (SQLite schema 6, MongoDB summary version 1) opens with the cards
its reviewers flagged first in the queue, read by index as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from crawlers.sighting import Sighting
from monitor.records import HitStatus
from monitor.store import MongoStore, SqliteStore
from monitor.store.base import Store
from monitor.store.queries import CardQuery
from monitor.store.sqlite_cards import card_conditions, card_order
from monitor.store.sqlite_migrations import SCHEMA_VERSION
from tests.contracts.minor_first_contract import NEWEST, PRIORITY, five_cards, flag, order

VERSION_6_INDEXES = (
    "CREATE INDEX cards_newest ON cards (newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_priority ON cards (priority, newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_status ON cards (status_rank, priority, newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_case ON cards (case_ref, status_rank, priority, newest DESC)",
)


async def flagged_store(store: Store, make_sighting: Callable[..., Sighting]) -> None:
    await five_cards(store, make_sighting)
    await flag(store, "item-0")  # the oldest card, confirmed: last in every order but for its flag
    await flag(store, "item-2", suspected_minor=False)  # flags saved, but no suspected minor


def as_version_6_left_it(path: Path) -> None:
    """The summary without ``minor`` and its indexes as version 6 made them; the card facts as they were."""
    with sqlite3.connect(path) as db:
        for name in ("cards_newest", "cards_priority", "cards_status", "cards_case"):
            db.execute(f"DROP INDEX {name}")
        db.execute("ALTER TABLE cards DROP COLUMN minor")
        for statement in VERSION_6_INDEXES:
            db.execute(statement)
        db.execute("PRAGMA user_version = 6")


async def test_a_version_6_store_opens_as_version_7_with_its_flagged_card_first(
    tmp_path: Path, make_sighting: Callable[..., Sighting]
) -> None:
    path = tmp_path / "v6.sqlite3"
    store = SqliteStore(path)
    await store.open()
    await flagged_store(store, make_sighting)
    await store.close()
    as_version_6_left_it(path)
    reopened = SqliteStore(path)
    await reopened.open()
    try:
        assert await order(reopened, order="priority") == ["item-0", *PRIORITY[:-1]]
        assert await order(reopened) == ["item-0", *NEWEST[:-1]]
        assert await order(reopened, statuses=(HitStatus.CONFIRMED,)) == ["item-0", "item-1"]
        assert (await reopened.card_flags(["x"])) == {}
    finally:
        await reopened.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        for query in (CardQuery(), CardQuery(order="priority"), CardQuery(statuses=(HitStatus.PENDING,))):
            where, params = card_conditions(query)
            sql = f"EXPLAIN QUERY PLAN SELECT media_sha256 FROM cards{where}{card_order(query)} LIMIT 50"
            plan = repr(db.execute(sql, params).fetchall())
            assert "TEMP B-TREE" not in plan and "INDEX cards_" in plan, (query, plan)  # still read, not sorted


async def test_a_mongodb_summary_of_version_1_is_made_again_with_its_flagged_card_first(
    make_sighting: Callable[..., Sighting],
) -> None:
    """On the in-memory stand-in (``test_stores.py`` says what it is and is not)."""
    from pymongo_async_mock import AsyncMongoMockClient

    client = AsyncMongoMockClient(tz_aware=True)
    store = MongoStore(client, "jikimi_v1")
    await store.open()
    await flagged_store(store, make_sighting)
    cards = client["jikimi_v1"]["cards"]
    await cards.update_many({}, {"$unset": {"minor": ""}})  # as summary version 1 wrote them
    await cards.create_index([("newest", -1), ("media_sha256", 1), ("item_id", 1)])  # and its index
    await client["jikimi_v1"]["meta"].replace_one({"_id": "cards"}, {"version": 1})
    reopened = MongoStore(client, "jikimi_v1")
    await reopened.open()
    assert await order(reopened, order="priority") == ["item-0", *PRIORITY[:-1]]
    assert await order(reopened) == ["item-0", *NEWEST[:-1]]
    assert "newest_-1_media_sha256_1_item_id_1" not in await cards.index_information()

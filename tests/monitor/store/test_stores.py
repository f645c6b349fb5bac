"""Every Store implementation against the one contract (tests/contracts/store_contract.py).

- SQLite: always.
- ``inmemory-mongo-standin``: PyMongo's async surface emulated in memory by pymongo-async-mock (over
  mongomock). It is a stand-in that checks our query and index shapes, not MongoDB itself.
- A real MongoDB server: when ``JIKIMI_TEST_MONGODB_URL`` is set (no server can be installed here).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.records import HitRecord
from monitor.store import MongoStore, SqliteStore
from monitor.store.base import Store
from tests.contracts.batch_write_contract import BatchWriteContract
from tests.contracts.blocklist_items_contract import BlocklistItemContract
from tests.contracts.blocklist_rows_contract import BlocklistRowsContract
from tests.contracts.card_contract import CardContract
from tests.contracts.login_failure_contract import LoginFailureContract
from tests.contracts.minor_first_contract import MinorFirstContract
from tests.contracts.notice_store_contract import NoticeStoreContract
from tests.contracts.review_session_contract import ReviewSessionContract
from tests.contracts.store_contract import StoreContract
from tests.contracts.store_queries_contract import StoreQueryContract

REAL_MONGODB_URL = os.environ.get("JIKIMI_TEST_MONGODB_URL")
CONTRACTS = (
    StoreContract, StoreQueryContract, BlocklistItemContract, CardContract, ReviewSessionContract,
    LoginFailureContract, BatchWriteContract, NoticeStoreContract, MinorFirstContract, BlocklistRowsContract,
)  # fmt: skip
"""What every store back end must do: each test class below runs all of it against one back end."""


class TestSqliteStore(*CONTRACTS):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
        store = SqliteStore(tmp_path / "store.sqlite3")
        await store.open()
        yield store
        await store.close()

    async def test_the_database_is_in_wal_mode_and_survives_reopening(self, tmp_path: Path) -> None:
        import sqlite3

        from monitor.records import PacketRecord

        path = tmp_path / "again.sqlite3"
        first = SqliteStore(path)
        await first.open()
        await first.put_packet(PacketRecord("p", "s", "evidence/p", "00"))
        await first.close()
        second = SqliteStore(path)
        await second.open()
        assert len(await second.packets()) == 1
        await second.close()
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


class TestInMemoryMongoStandIn(*CONTRACTS):
    """pymongo-async-mock: a stand-in for query shapes, not a MongoDB server."""

    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        from pymongo_async_mock import AsyncMongoMockClient

        store = MongoStore(AsyncMongoMockClient(tz_aware=True), "jikimi_test")
        await store.open()
        yield store
        await store.close()


@pytest.mark.skipif(REAL_MONGODB_URL is None, reason="set JIKIMI_TEST_MONGODB_URL to run against a real MongoDB")
class TestRealMongoStore(*CONTRACTS):
    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        assert REAL_MONGODB_URL is not None
        database = f"jikimi_test_{uuid.uuid4().hex[:8]}"
        store = MongoStore.from_url(REAL_MONGODB_URL, database)
        await store.open()
        yield store
        await store.client.drop_database(database)
        await store.close()


async def store_with_one_hit(path: Path, case: str) -> HitRecord:
    """An SQLite store at ``path`` holding one hit of ``case``, closed again."""
    store = SqliteStore(path)
    await store.open()
    hit = HitRecord("s-1", "e-1", "md5", case, "", 0, "ab" * 16, "src", "http://x/1", "http://x/a.jpg", "cd" * 32,
                    None, datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    await store.put_hit(hit)
    await store.close()
    return hit


async def test_hits_stored_before_the_review_ui_get_a_uid_once_and_keep_it(tmp_path: Path) -> None:
    import json
    import sqlite3

    path = tmp_path / "old.sqlite3"
    hit = await store_with_one_hit(path, "case")
    with sqlite3.connect(path) as db:  # as an older jikimi left it: no uid anywhere
        body = json.loads(db.execute("SELECT body FROM hits").fetchone()[0])
        del body["uid"]
        db.execute("UPDATE hits SET uid = NULL, body = ?", (json.dumps(body),))
        db.execute("PRAGMA user_version = 0")
    uids = []
    for _ in range(2):
        reopened = SqliteStore(path)
        await reopened.open()
        (stored,) = await reopened.hits()
        assert await reopened.get_hit(stored.uid) == stored
        uids.append(stored.uid)
        await reopened.close()
    assert uids[0] == uids[1] and uids[0] != hit.uid


async def test_a_store_made_before_the_query_columns_is_upgraded_without_loss(tmp_path: Path) -> None:
    """An older data directory: hits, custody, runs and packets hold only their JSON documents. Opening it
    fills the new query columns from them, so the queries see every old record."""
    import dataclasses
    import sqlite3

    from crawlers.sighting import utc_now
    from evidence.custody import CustodyKind, next_event
    from monitor.records import HitRecord, HitStatus, PacketRecord, RunRecord, RunStatus
    from monitor.store.queries import HitQuery
    from monitor.store.serialise import to_json
    from monitor.store.sqlite import SCHEMA

    path = tmp_path / "old.sqlite3"
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    post = "https://t.me/chan/5"
    hit = HitRecord("s-1", "e-1", "md5", "case-9", "", 0, "ab" * 16, "src", post, f"{post}?single", "cd" * 32, None,
                    seen, packet_id="p-1", status=HitStatus.CONFIRMED, source_kind="telegram")  # fmt: skip
    event = next_event(None, "p-1", CustodyKind.REVEALED, "ae", {}, utc_now())
    run = RunRecord("r-1", "src", seen, seen, RunStatus.OK, {"errors": 4})
    with sqlite3.connect(path) as db:  # the tables as an older jikimi made them
        db.executescript(SCHEMA)
        db.execute("ALTER TABLE hits ADD COLUMN uid TEXT")
        columns = "id, sighting_id, entry_id, status, created_at, uid, body"
        db.execute(f"INSERT INTO hits ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (hit.id, hit.sighting_id, hit.entry_id, "confirmed", seen.isoformat(), hit.uid,
                    to_json(hit)))  # fmt: skip
        db.execute("INSERT INTO custody (chain, seq, body) VALUES (?, ?, ?)", ("p-1", 0, to_json(event)))
        db.execute("INSERT INTO runs (id, source_id, started_at, body) VALUES (?, ?, ?, ?)",
                   ("r-1", "src", seen.isoformat(), to_json(run)))  # fmt: skip
        packet = PacketRecord("p-1", "s-1", "evidence/p-1", "00", created_at=seen)
        db.execute("INSERT INTO packets (id, sighting_id, body) VALUES (?, ?, ?)", ("p-1", "s-1", to_json(packet)))
    store = SqliteStore(path)
    await store.open()
    try:
        found = await store.find_hits(HitQuery(case="case-9", platform="telegram", statuses=(HitStatus.CONFIRMED,)))
        assert found.hits == [dataclasses.replace(hit, channel="@chan")]  # its channel, read from its location
        assert (await store.hit_facets()).platforms == ["telegram"]
        assert await store.count_custody("ae", CustodyKind.REVEALED, seen) == 1
        assert (await store.run_totals()).errors == {"src": 4}
        assert (await store.source_runs("src")).last_success == seen
        assert [p.id for p in await store.packets_since(seen)] == ["p-1"]
    finally:
        await store.close()


async def test_an_upgrade_interrupted_after_adding_a_column_is_completed_at_the_next_open(tmp_path: Path) -> None:
    """A column already there but still empty (a crash mid-upgrade, at version 0) is filled from the documents."""
    import sqlite3

    from monitor.store.queries import HitQuery

    path = tmp_path / "half.sqlite3"
    hit = await store_with_one_hit(path, "case-3")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE hits SET case_ref = NULL, source_id = NULL")
        db.execute("PRAGMA user_version = 0")
    reopened = SqliteStore(path)
    await reopened.open()
    try:
        assert (await reopened.find_hits(HitQuery(case="case-3", source_id="src"))).hits == [hit]
    finally:
        await reopened.close()


async def test_a_store_from_before_cards_gets_the_card_index_and_lists_its_hits_as_cards(tmp_path: Path) -> None:
    import sqlite3

    from monitor.store.queries import CardQuery

    path = tmp_path / "old.sqlite3"
    hit = await store_with_one_hit(path, "case")
    with sqlite3.connect(path) as db:  # as the version before cards left it
        db.execute("DROP INDEX hits_card")
        db.execute("PRAGMA user_version = 3")
    store = SqliteStore(path)
    await store.open()
    page = await store.find_cards(CardQuery())
    await store.close()
    assert [card.hit_ids for card in page.cards] == [(hit.id,)] and page.total == 1
    with sqlite3.connect(path) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT media_sha256, item_id, MAX(created_at) FROM hits GROUP BY media_sha256, item_id"
        ).fetchall()
    assert "COVERING INDEX hits_card" in repr(plan)


async def test_a_store_of_version_5_gets_the_outbox_and_card_facts_tables_and_keeps_its_hits(tmp_path: Path) -> None:
    import sqlite3

    from monitor.store.sqlite_migrations import SCHEMA_VERSION
    from tests.contracts.notice_store_contract import make_notice

    path = tmp_path / "v5.sqlite3"
    hit = await store_with_one_hit(path, "case-5")
    with sqlite3.connect(path) as db:  # as version 5 left it: no outbox
        db.execute("DROP TABLE notices")
        db.execute("DROP TABLE card_facts")
        db.execute("PRAGMA user_version = 5")
    store = SqliteStore(path)
    await store.open()
    try:
        assert await store.hits() == [hit]
        assert await store.put_notice(make_notice()) and len(await store.notices()) == 1
        assert await store.card_flags(["card-1"]) == {}
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6  # and every later step

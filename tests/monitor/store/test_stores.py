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

from monitor.store import MongoStore, SqliteStore
from monitor.store.base import Store
from tests.contracts.store_contract import StoreContract

REAL_MONGODB_URL = os.environ.get("JIKIMI_TEST_MONGODB_URL")


class TestSqliteStore(StoreContract):
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


class TestInMemoryMongoStandIn(StoreContract):
    """pymongo-async-mock: a stand-in for query shapes, not a MongoDB server."""

    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        from pymongo_async_mock import AsyncMongoMockClient

        store = MongoStore(AsyncMongoMockClient(tz_aware=True), "jikimi_test")
        await store.open()
        yield store
        await store.close()


@pytest.mark.skipif(REAL_MONGODB_URL is None, reason="set JIKIMI_TEST_MONGODB_URL to run against a real MongoDB")
class TestRealMongoStore(StoreContract):
    @pytest.fixture
    async def store(self) -> AsyncIterator[Store]:
        assert REAL_MONGODB_URL is not None
        database = f"jikimi_test_{uuid.uuid4().hex[:8]}"
        store = MongoStore.from_url(REAL_MONGODB_URL, database)
        await store.open()
        yield store
        await store.client.drop_database(database)
        await store.close()


async def test_hits_stored_before_the_review_ui_get_a_uid_once_and_keep_it(tmp_path: Path) -> None:
    import json
    import sqlite3

    from monitor.records import HitRecord

    path = tmp_path / "old.sqlite3"
    store = SqliteStore(path)
    await store.open()
    seen = datetime(2026, 11, 1, tzinfo=UTC)
    hit = HitRecord("s-1", "e-1", "md5", "case", "", 0, "ab" * 16, "src", "http://x/1", "http://x/a.jpg", "cd" * 32,
                    None, seen)  # fmt: skip
    await store.put_hit(hit)
    await store.close()
    with sqlite3.connect(path) as db:  # as an older jikimi left it: no uid anywhere
        body = json.loads(db.execute("SELECT body FROM hits").fetchone()[0])
        del body["uid"]
        db.execute("UPDATE hits SET uid = NULL, body = ?", (json.dumps(body),))
    uids = []
    for _ in range(2):
        reopened = SqliteStore(path)
        await reopened.open()
        (stored,) = await reopened.hits()
        assert await reopened.get_hit(stored.uid) == stored
        uids.append(stored.uid)
        await reopened.close()
    assert uids[0] == uids[1] and uids[0] != hit.uid

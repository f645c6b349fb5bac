"""The SQLite store's takedown outbox (``NoticeStore``) and reviewers' card flags (``CardFlagStore``).

A mixin of ``SqliteStore`` (``monitor/store/sqlite.py``), which owns the connection and its one thread. The
tables are created by ``monitor/store/sqlite_migrations.py`` (version 6). A notice changes by compare-and-set:
the row is rewritten only where its ``revision`` is still the one the writer read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TypeVar

from monitor.store.notice_records import CardFlags, NoticeRecord, NoticeState
from monitor.store.serialise import from_json, stored_time, to_json
from monitor.store.sqlite_cards import mark_minor
from monitor.store.sqlite_parts import SqlitePart

T = TypeVar("T")

NOTICES_SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY, recipient TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
    revision INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notices_state ON notices (state, created_at);
CREATE INDEX IF NOT EXISTS notices_created ON notices (created_at, id);
CREATE TABLE IF NOT EXISTS card_facts (card_id TEXT PRIMARY KEY, body TEXT NOT NULL);
"""
CHUNK = 500


class SqliteNotices(SqlitePart):
    """SqliteStore's notices."""

    async def put_notice(self, notice: NoticeRecord) -> bool:
        columns = {
            "id": notice.id, "recipient": notice.recipient, "state": str(notice.state),
            "created_at": stored_time(notice.created_at), "revision": notice.revision, "body": to_json(notice),
        }  # fmt: skip
        return await self._insert("notices", columns)

    async def get_notice(self, notice_id: str) -> NoticeRecord | None:
        found = await self._bodies(NoticeRecord, "SELECT body FROM notices WHERE id = ?", (notice_id,))
        return found[0] if found else None

    async def notices(self, states: Sequence[NoticeState] | None = None) -> list[NoticeRecord]:
        if states is None:
            return await self._bodies(NoticeRecord, "SELECT body FROM notices ORDER BY created_at, id")
        marks = ", ".join("?" for _ in states)
        sql = f"SELECT body FROM notices WHERE state IN ({marks}) ORDER BY created_at, id"
        return await self._bodies(NoticeRecord, sql, tuple(str(state) for state in states))

    async def update_notice(self, notice: NoticeRecord) -> bool:
        sql = "UPDATE notices SET state = ?, revision = ?, body = ? WHERE id = ? AND revision = ?"
        params = (str(notice.state), notice.revision, to_json(notice), notice.id, notice.revision - 1)
        return await self._run(lambda db: db.execute(sql, params).rowcount == 1)

    async def set_card_flags(self, flags: CardFlags) -> None:
        sql = "INSERT OR REPLACE INTO card_facts (card_id, body) VALUES (?, ?)"

        def write(db: sqlite3.Connection) -> None:
            db.execute(sql, (flags.card_id, to_json(flags)))
            mark_minor(db, flags.card_id, flags.suspected_minor)  # the queue's order, in the same transaction

        await self._run(write)

    async def card_flags(self, card_ids: Sequence[str]) -> dict[str, CardFlags]:
        def read(db: sqlite3.Connection) -> dict[str, CardFlags]:
            found: dict[str, CardFlags] = {}
            for start in range(0, len(card_ids), CHUNK):
                chunk = tuple(card_ids[start : start + CHUNK])
                sql = f"SELECT body FROM card_facts WHERE card_id IN ({', '.join('?' for _ in chunk)})"
                for (body,) in db.execute(sql, chunk):
                    flags = from_json(CardFlags, body)
                    found[flags.card_id] = flags
            return found

        return await self._run(read)

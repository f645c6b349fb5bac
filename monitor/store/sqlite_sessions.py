"""The SQLite store's review sessions (``ReviewSessionStore``): one row per login, ended at logout; and
its failed logins (``LoginFailureStore``): one row per failure and throttle key.

A mixin of ``SqliteStore`` (``monitor/store/sqlite.py``), which owns the connection and its one thread.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from monitor.records import ReviewSession
from monitor.store.serialise import from_json, stored_time, to_json
from monitor.store.sqlite_parts import SqlitePart

T = TypeVar("T")

REVIEW_SESSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_sessions (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS review_sessions_started ON review_sessions (started_at);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures (at);
"""


class SqliteReviewSessions(SqlitePart):
    """SqliteStore's review sessions."""

    async def put_review_session(self, session: ReviewSession) -> bool:
        columns = {"id": session.id, "started_at": stored_time(session.started_at), "body": to_json(session)}
        return await self._insert("review_sessions", columns)

    async def get_review_session(self, session_id: str) -> ReviewSession | None:
        def read(db: sqlite3.Connection) -> ReviewSession | None:
            row = db.execute("SELECT body FROM review_sessions WHERE id = ?", (session_id,)).fetchone()
            return None if row is None else from_json(ReviewSession, row[0])

        return await self._run(read)

    async def end_review_session(self, session_id: str, ended_at: datetime) -> bool:
        def end(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT body FROM review_sessions WHERE id = ?", (session_id,)).fetchone()
            session = None if row is None else from_json(ReviewSession, row[0])
            if session is None or session.ended_at is not None:
                return False
            ended = to_json(dataclasses.replace(session, ended_at=ended_at))
            return db.execute("UPDATE review_sessions SET body = ? WHERE id = ?", (ended, session_id)).rowcount == 1

        return await self._run(end)

    async def forget_review_sessions(self, started_before: datetime) -> int:
        sql = "DELETE FROM review_sessions WHERE started_at < ?"
        return await self._run(lambda db: int(db.execute(sql, (stored_time(started_before),)).rowcount))

    async def add_login_failure(self, keys: Sequence[str], at: float) -> None:
        sql = "INSERT INTO login_failures (key, at) VALUES (?, ?)"
        await self._run(lambda db: db.executemany(sql, [(key, at) for key in keys]))

    async def count_login_failures(self, keys: Sequence[str], since: float) -> dict[str, int]:
        sql = "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?"
        return await self._run(lambda db: {key: int(db.execute(sql, (key, since)).fetchone()[0]) for key in keys})

    async def clear_login_failures(self, keys: Sequence[str]) -> None:
        await self._run(lambda db: db.executemany("DELETE FROM login_failures WHERE key = ?", [(k,) for k in keys]))

    async def forget_login_failures(self, before: float) -> int:
        sql = "DELETE FROM login_failures WHERE at <= ?"
        return await self._run(lambda db: int(db.execute(sql, (before,)).rowcount))

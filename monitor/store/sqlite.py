"""The embedded default store: SQLite in the data directory, in WAL mode.

Why stdlib ``sqlite3`` on one dedicated thread? Every call goes through a single-thread executor, so the
one connection is only ever used from one thread, calls are serialised without locks, and the event loop
never blocks on disk. Each table has the record's deterministic id as primary key plus the columns
queries filter on; the record itself is a JSON document, so a field that no query filters on needs no
migration (query columns are added and filled by ``monitor/store/sqlite_migrations.py``).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from crawlers.base import SourceState
from crawlers.codec import to_jsonable
from crawlers.sighting import Fingerprints, Sighting
from monitor.errors import StoreError
from monitor.records import BlocklistEntry, BlocklistItem, ItemState, PerceptualRow, items_of
from monitor.signals.kept import hash_columns, perceptual_row, quality_columns, row_columns, row_from_columns
from monitor.store.base import BlocklistRow
from monitor.store.flat_json import flat_json
from monitor.store.serialise import from_json, to_json
from monitor.store.sqlite_cards import CARDS_SCHEMA, SqliteCards
from monitor.store.sqlite_migrations import upgrade
from monitor.store.sqlite_notices import SqliteNotices
from monitor.store.sqlite_records import SqliteRecords
from monitor.store.sqlite_sessions import REVIEW_SESSIONS_SCHEMA, SqliteReviewSessions

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocklist (
    id TEXT PRIMARY KEY, hash_type TEXT NOT NULL, value TEXT NOT NULL, case_ref TEXT NOT NULL,
    body TEXT NOT NULL, UNIQUE (hash_type, value, case_ref));
CREATE TABLE IF NOT EXISTS blocklist_items (
    id TEXT PRIMARY KEY, case_ref TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS media (sha256 TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sightings (
    id TEXT PRIMARY KEY, source_id TEXT NOT NULL, sha256 TEXT NOT NULL, seen_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sightings_sha256 ON sightings (sha256);
CREATE TABLE IF NOT EXISTS hits (
    id TEXT PRIMARY KEY, sighting_id TEXT NOT NULL, entry_id TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (sighting_id, entry_id));
CREATE TABLE IF NOT EXISTS packets (id TEXT PRIMARY KEY, sighting_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS platform_media (
    platform TEXT NOT NULL, file_id TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (platform, file_id));
CREATE TABLE IF NOT EXISTS source_states (source_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS custody (
    chain TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq));
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, source_id TEXT NOT NULL, started_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (id TEXT PRIMARY KEY, hit_id TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_hit ON decisions (hit_id, at);
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


def add_media_columns(db: sqlite3.Connection) -> None:
    """Give the media table a column for everything a registered signal keeps (``monitor/signals/kept.py``).

    Columns are only ever added: a data directory of an earlier version already has today's
    (``md5, pdq, pdq_mirror, pdq_quality, phash, phash_mirror``) and keeps its rows as they are; media stored
    before a signal was added have ``NULL`` there, and retro-matching skips them for that signal.
    """
    present = {row[1] for row in db.execute("PRAGMA table_info(media)")}
    wanted = [(name, "TEXT") for name in hash_columns()] + [(name, "INTEGER") for name in quality_columns()]
    for name, kind in wanted:
        if name not in present:
            db.execute(f"ALTER TABLE media ADD COLUMN {name} {kind}")


def private_database_files(path: Path) -> None:
    """Create the database file readable by its owner only (0600, in a 0700 folder when that is created here),
    and tighten one an earlier version made 0644: it names every location, case and reviewer. SQLite gives
    its ``-wal`` and ``-shm`` files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


class SqliteStore(SqliteRecords, SqliteCards, SqliteReviewSessions, SqliteNotices):
    """``Store`` on an SQLite file (``path``); ``:memory:`` works for tests. Hits, decisions, users, packets,
    custody and runs are ``SqliteRecords`` (``monitor/store/sqlite_records.py``); the review cards'
    summary is ``SqliteCards`` (``monitor/store/sqlite_cards.py``); the takedown outbox and card flags are
    ``SqliteNotices`` (``monitor/store/sqlite_notices.py``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jikimi-sqlite")
        self._db: sqlite3.Connection | None = None

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def call() -> T:
            if self._db is None:
                raise StoreError("the SQLite store is not open (call open() first)")
            try:
                with self._db:
                    return work(self._db)
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite store {self.path}: {exc}") from exc

        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def open(self) -> None:
        def connect() -> None:
            if self.path != ":memory:":
                private_database_files(Path(self.path))
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout=10000")  # first: the statements below may wait for other writers
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of pages instead of 2: a large import inserts into five indexes of random keys (ids are
            # hashes), and past the cache every insert is a read from disk (a million entries: 4x slower)
            db.execute("PRAGMA cache_size=-65536")
            db.isolation_level = "DEFERRED"
            db.executescript(SCHEMA + REVIEW_SESSIONS_SCHEMA + CARDS_SCHEMA)
            db.execute("BEGIN IMMEDIATE")  # the schema changes as one transaction: see sqlite_migrations.upgrade
            try:
                add_media_columns(db)
                upgrade(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._db = db

        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, connect)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc

    async def close(self) -> None:
        def disconnect() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await asyncio.get_running_loop().run_in_executor(self._executor, disconnect)
        self._executor.shutdown(wait=True)

    async def _insert(self, table: str, columns: dict[str, Any]) -> bool:
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"
        return await self._run(lambda db: db.execute(sql, tuple(columns.values())).rowcount == 1)

    async def _bodies(self, cls: type[T], sql: str, params: tuple[Any, ...] = ()) -> list[T]:
        """The records of ``sql``'s first column, decoded on the store's thread: 100,000 documents take seconds
        to decode, and the event loop must answer the review UI meanwhile."""
        return await self._run(lambda db: [from_json(cls, row[0]) for row in db.execute(sql, params)])

    async def add_blocklist_entries(self, entries: Sequence[BlocklistEntry]) -> int:
        def insert_all(db: sqlite3.Connection) -> int:  # encoded on the store's thread too
            items = sorted(items_of(entries), key=lambda item: item.id)  # in key order: fewer pages touched
            db.executemany(  # as sqlite_migrations.insert_items, with the fast encoder
                "INSERT OR IGNORE INTO blocklist_items (id, case_ref, state, body) VALUES (?, ?, ?, ?)",
                [(item.id, item.case, str(item.state), flat_json(item)) for item in items],
            )
            rows = [(e.id, e.hash_type, e.value, e.case, e.item_id, flat_json(e)) for e in entries]
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO blocklist (id, hash_type, value, case_ref, item_id, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            return db.total_changes - before

        return await self._run(insert_all)

    async def blocklist_entries(self) -> list[BlocklistEntry]:
        sql = (
            "SELECT blocklist.body FROM blocklist LEFT JOIN blocklist_items ON blocklist_items.id = blocklist.item_id "
            "WHERE coalesce(blocklist_items.state, ?) = ? ORDER BY blocklist.rowid"
        )
        return await self._bodies(BlocklistEntry, sql, (str(ItemState.ACTIVE), str(ItemState.ACTIVE)))

    async def blocklist_revision(self) -> str:
        """The count of entries and the last one's rowid and id: entries are only ever added, so these change
        with every addition; the id tells a database restored from another copy apart."""

        def read(db: sqlite3.Connection) -> str:
            count, last = db.execute("SELECT count(*), max(rowid) FROM blocklist").fetchone()
            row = db.execute("SELECT id FROM blocklist WHERE rowid = ?", (last,)).fetchone()
            return f"sqlite:{count}:{last}:{row[0] if row else ''}"

        return await self._run(read)

    async def blocklist_rows(self, after: str, limit: int) -> list[BlocklistRow]:
        sql = (
            "SELECT rowid, hash_type, value, case_ref, coalesce(json_extract(body, '$.label'), ''), item_id, "
            "coalesce(json_extract(body, '$.variant'), '') FROM blocklist WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )

        def read(db: sqlite3.Connection) -> list[BlocklistRow]:
            rows = db.execute(sql, (int(after or 0), limit))
            return [BlocklistRow(str(key), *rest) for key, *rest in rows]

        return await self._run(read)

    async def blocklist_items(self, case: str | None = None, state: ItemState | None = None) -> list[BlocklistItem]:
        wanted = [(column, value) for column, value in (("case_ref", case), ("state", state)) if value is not None]
        where = " AND ".join(f"{column} = ?" for column, _ in wanted)
        sql = f"SELECT body FROM blocklist_items{' WHERE ' + where if where else ''} ORDER BY rowid"
        return await self._bodies(BlocklistItem, sql, tuple(str(value) for _, value in wanted))

    async def get_blocklist_item(self, item_id: str) -> BlocklistItem | None:
        found = await self._bodies(BlocklistItem, "SELECT body FROM blocklist_items WHERE id = ?", (item_id,))
        return found[0] if found else None

    async def withdraw_item(self, item_id: str, at: datetime) -> bool:
        sql = (
            "UPDATE blocklist_items SET state = ?, body = json_set(body, '$.state', ?, '$.withdrawn_at', ?) "
            "WHERE id = ? AND state = ?"
        )
        withdrawn, active = str(ItemState.WITHDRAWN), str(ItemState.ACTIVE)
        params = (withdrawn, withdrawn, to_jsonable(at), item_id, active)
        return await self._run(lambda db: db.execute(sql, params).rowcount == 1)

    async def blocklist_counts(self) -> dict[str, dict[str, int]]:
        def count(db: sqlite3.Connection) -> dict[str, dict[str, int]]:
            return {
                key: dict(db.execute(f"SELECT {column}, COUNT(*) FROM blocklist GROUP BY {column} ORDER BY {column}"))
                for key, column in (("case", "case_ref"), ("hash_type", "hash_type"))
            }

        return await self._run(count)

    async def get_fingerprints(self, sha256: str) -> Fingerprints | None:
        found = await self._bodies(Fingerprints, "SELECT body FROM media WHERE sha256 = ?", (sha256,))
        return found[0] if found else None

    async def put_fingerprints(self, fingerprints: Fingerprints) -> bool:
        columns = row_columns(perceptual_row(fingerprints))
        return await self._insert("media", columns | {"body": to_json(fingerprints)})

    async def perceptual_rows(self, after: str, limit: int) -> list[PerceptualRow]:
        names = hash_columns() + quality_columns()
        sql = f"SELECT {', '.join(names)} FROM media WHERE sha256 > ? ORDER BY sha256 LIMIT ?"

        def read(db: sqlite3.Connection) -> list[PerceptualRow]:  # rows are built on the store's thread
            return [row_from_columns(dict(zip(names, row, strict=True))) for row in db.execute(sql, (after, limit))]

        return await self._run(read)

    async def sightings_of(self, sha256s: Sequence[str]) -> list[Sighting]:
        return await self._bodies_in(Sighting, "SELECT body FROM sightings WHERE sha256 IN ({marks})", sha256s)

    async def sightings_by_id(self, sighting_ids: Sequence[str]) -> list[Sighting]:
        return await self._bodies_in(Sighting, "SELECT body FROM sightings WHERE id IN ({marks})", sighting_ids)

    async def get_platform_media(self, platform: str, file_id: str) -> str | None:
        sql = "SELECT sha256 FROM platform_media WHERE platform = ? AND file_id = ?"
        row = await self._run(lambda db: db.execute(sql, (platform, file_id)).fetchone())
        return None if row is None else str(row[0])

    async def put_platform_media(self, platform: str, file_id: str, sha256: str) -> None:
        await self._insert("platform_media", {"platform": platform, "file_id": file_id, "sha256": sha256})

    async def get_source_state(self, source_id: str) -> SourceState:
        sql = "SELECT body FROM source_states WHERE source_id = ?"
        found = await self._bodies(SourceState, sql, (source_id,))
        return found[0] if found else SourceState(source_id)

    async def put_source_state(self, state: SourceState) -> None:
        sql = "INSERT OR REPLACE INTO source_states (source_id, body) VALUES (?, ?)"
        await self._run(lambda db: db.execute(sql, (state.source_id, to_json(state))))

    async def has_sighting(self, sighting_id: str) -> bool:
        row = await self._run(lambda db: db.execute("SELECT 1 FROM sightings WHERE id = ?", (sighting_id,)).fetchone())
        return row is not None

    async def put_sighting(self, sighting: Sighting) -> bool:
        return await self.put_sightings([sighting]) == 1

    async def put_sightings(self, sightings: Sequence[Sighting]) -> int:
        """Sightings not stored yet, in one transaction (encoded on the store's thread); how many were new."""

        def row(sighting: Sighting) -> tuple[str, str, str, str, str]:
            assert sighting.fingerprints is not None
            sha256, seen_at = sighting.fingerprints.sha256, sighting.seen_at.isoformat()
            return sighting.id, sighting.source_id, sha256, seen_at, to_json(sighting)

        def insert(db: sqlite3.Connection) -> int:
            sql = "INSERT OR IGNORE INTO sightings (id, source_id, sha256, seen_at, body) VALUES (?, ?, ?, ?, ?)"
            return int(db.executemany(sql, [row(sighting) for sighting in sightings]).rowcount)

        return await self._run(insert) if sightings else 0

    async def sightings(self) -> list[Sighting]:
        return await self._bodies(Sighting, "SELECT body FROM sightings ORDER BY seen_at, id")

    async def counts(self) -> dict[str, int]:
        tables = ("blocklist", "media", "sightings", "hits", "packets", "runs")

        def count_all(db: sqlite3.Connection) -> dict[str, int]:
            return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}

        return await self._run(count_all)

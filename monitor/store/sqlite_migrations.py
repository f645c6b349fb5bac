"""Bring an SQLite data directory made by an earlier version up to date: columns are only ever added.

The record itself stays a JSON document in ``body``; the columns beside it exist so that queries filter,
sort and count with an index instead of decoding every row. A column added to an existing table is filled
from the documents once, here, when the store opens.
"""

from __future__ import annotations

import sqlite3

from crawlers.registry import platform_of

QUERY_COLUMNS: dict[str, dict[str, str]] = {
    # table: {column declaration: the JSON path it is filled from in older rows}
    "hits": {
        "uid TEXT": "",  # filled below with a fresh random id
        "source_id TEXT": "$.source_id",
        "case_ref TEXT": "$.case",
        "packet_id TEXT": "$.packet_id",
        "media_sha256 TEXT": "$.media_sha256",
        "platform TEXT": "",  # filled below: it is derived from the location and the source kind
    },
    "custody": {"kind TEXT": "$.kind", "actor TEXT": "$.actor", "at TEXT": "$.at"},
    "runs": {"status TEXT": "$.status", "finished_at TEXT": "$.finished_at", "errors INTEGER": "$.counters.errors"},
    "packets": {"created_at TEXT": "$.created_at"},
}

INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS hits_uid ON hits (uid)",
    "CREATE INDEX IF NOT EXISTS hits_newest ON hits (created_at DESC, id)",
    "CREATE INDEX IF NOT EXISTS hits_status ON hits (status, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS hits_source ON hits (source_id, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS hits_case ON hits (case_ref, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS hits_platform ON hits (platform, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS hits_entry ON hits (entry_id)",
    "CREATE INDEX IF NOT EXISTS hits_packet ON hits (packet_id)",
    "CREATE INDEX IF NOT EXISTS hits_media ON hits (media_sha256)",
    "CREATE INDEX IF NOT EXISTS custody_kind ON custody (chain, kind, seq)",
    "CREATE INDEX IF NOT EXISTS custody_actor ON custody (actor, kind, at)",
    "CREATE INDEX IF NOT EXISTS runs_source ON runs (source_id, started_at DESC)",
    "CREATE INDEX IF NOT EXISTS runs_status ON runs (status)",
    "CREATE INDEX IF NOT EXISTS packets_created ON packets (created_at)",
)


SCHEMA_VERSION = 2  # ``PRAGMA user_version`` once the documents' values are in the query columns


def upgrade(db: sqlite3.Connection) -> None:
    """Add the query columns an older store lacks, fill them from the documents, and create the indexes.

    The caller runs this inside one ``BEGIN IMMEDIATE`` transaction, so an interrupted upgrade leaves nothing
    half done and two processes opening an old store upgrade it one after the other. Every empty query
    column is filled, not only the ones just added; a store at ``SCHEMA_VERSION`` is not read again."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    for table, columns in QUERY_COLUMNS.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for declaration, path in columns.items():
            name = declaration.split()[0]
            if name not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {declaration}")
            if path:
                db.execute(f"UPDATE {table} SET {name} = json_extract(body, ?) WHERE {name} IS NULL", (path,))
    # hits stored before the review UI get their random uid, in the column and in the record
    if db.execute("SELECT 1 FROM hits WHERE uid IS NULL LIMIT 1").fetchone():
        db.execute("UPDATE hits SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
        db.execute("UPDATE hits SET body = json_set(body, '$.uid', uid) WHERE json_extract(body, '$.uid') IS NULL")
    missing = db.execute(
        "SELECT id, json_extract(body, '$.location'), coalesce(json_extract(body, '$.source_kind'), '') FROM hits "
        "WHERE platform IS NULL"
    ).fetchall()
    db.executemany(
        "UPDATE hits SET platform = ? WHERE id = ?", [(platform_of(loc, kind), i) for i, loc, kind in missing]
    )
    for statement in INDEXES:
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

"""Bring an SQLite data directory made by an earlier version up to date: columns are only ever added.

The record itself stays a JSON document in ``body``; the columns beside it exist so that queries filter,
sort and count with an index instead of decoding every row. A column added to an existing table is filled
from the documents once, here, when the store opens.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence

from crawlers.registry import platform_of
from crawlers.sighting import Distributor
from monitor.records import BlocklistEntry, BlocklistItem, channel_of, items_of, own_item_id
from monitor.store.legacy_items import legacy_item_ids
from monitor.store.serialise import from_json, to_json
from monitor.store.sqlite_cards import CARD_INDEXES, build_cards, mark_minor
from monitor.store.sqlite_notices import NOTICES_SCHEMA

QUERY_COLUMNS: dict[str, dict[str, str]] = {
    # table: {column declaration: the JSON path it is filled from in older rows}
    "blocklist": {"item_id TEXT": ""},  # filled below: old entries are grouped into items (legacy_items.py)
    "hits": {
        "item_id TEXT": "$.item_id",  # hits stored before items: filled below from their entry
        "uid TEXT": "",  # filled below with a fresh random id
        "source_id TEXT": "$.source_id",
        "case_ref TEXT": "$.case",
        "packet_id TEXT": "$.packet_id",
        "media_sha256 TEXT": "$.media_sha256",
        "platform TEXT": "",  # filled below: it is derived from the location and the source kind
        "channel TEXT": "",  # filled below: from the hit's sighting, or its location (``records.channel_of``)
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
    "CREATE INDEX IF NOT EXISTS hits_channel ON hits (channel, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS hits_entry ON hits (entry_id)",
    "CREATE INDEX IF NOT EXISTS hits_packet ON hits (packet_id)",
    "CREATE INDEX IF NOT EXISTS hits_media ON hits (media_sha256)",
    "CREATE INDEX IF NOT EXISTS hits_item ON hits (item_id, created_at DESC)",
    # cards: hits grouped by media and item, with every column a card is filtered on (no document is read)
    "CREATE INDEX IF NOT EXISTS hits_card ON hits "
    "(media_sha256, item_id, created_at, status, case_ref, source_id, platform)",
    "CREATE INDEX IF NOT EXISTS blocklist_item ON blocklist (item_id)",
    "CREATE INDEX IF NOT EXISTS blocklist_items_case ON blocklist_items (case_ref)",
    "CREATE INDEX IF NOT EXISTS blocklist_items_state ON blocklist_items (state)",
    "CREATE INDEX IF NOT EXISTS custody_kind ON custody (chain, kind, seq)",
    "CREATE INDEX IF NOT EXISTS custody_actor ON custody (actor, kind, at)",
    "CREATE INDEX IF NOT EXISTS runs_source ON runs (source_id, started_at DESC)",
    "CREATE INDEX IF NOT EXISTS runs_status ON runs (status)",
    "CREATE INDEX IF NOT EXISTS packets_created ON packets (created_at)",
)


SCHEMA_VERSION = 7  # ``PRAGMA user_version`` once the documents' values are in the query columns (3: items, 4: cards,
# 5: channels, the cards' summary and the hits per status; 6: the takedown outbox and the reviewers' card facts;
# 7: a suspected minor's card first in every order of the queue: ``cards.minor``, leading its indexes)
COLUMNS_VERSION = 5  # the last version whose upgrade fills query columns: a store at it skips those steps


def upgrade(db: sqlite3.Connection) -> None:
    """Add the query columns an older store lacks, fill them from the documents, and create the indexes.

    The caller runs this inside one ``BEGIN IMMEDIATE`` transaction, so an interrupted upgrade leaves nothing
    half done and two processes opening an old store upgrade it one after the other. Every empty query
    column is filled, not only the ones just added; a store at ``SCHEMA_VERSION`` is not read again."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    for statement in NOTICES_SCHEMA.split(";"):  # version 6: new tables, nothing to fill (first: the cards'
        if statement.strip():  # summary reads the card facts)
            db.execute(statement)
    if version < COLUMNS_VERSION:
        fill_query_columns(db)
    mark_minor_cards(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def mark_minor_cards(db: sqlite3.Connection) -> None:
    """Version 7: the cards' summary gets ``minor`` from the card facts a reviewer saved, and its ordering
    indexes lead with it. The indexes of version 5 have the same names without ``minor``: they are made again."""
    if "minor" not in {row[1] for row in db.execute("PRAGMA table_info(cards)")}:
        db.execute("ALTER TABLE cards ADD COLUMN minor INTEGER NOT NULL DEFAULT 0")
    flagged = db.execute("SELECT card_id FROM card_facts WHERE json_extract(body, '$.suspected_minor')").fetchall()
    for (card,) in flagged:
        mark_minor(db, card, True)
    for statement in CARD_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")
        db.execute(statement)


def fill_query_columns(db: sqlite3.Connection) -> None:
    """Versions 1-5: every query column added and filled, the indexes and the cards' summary built."""
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
    assign_items(db)
    assign_channels(db)
    for statement in INDEXES:
        db.execute(statement)
    build_cards(db)


def assign_channels(db: sqlite3.Connection) -> None:
    """Give hits stored before channels their distributor's channel, from their sighting's document (or, for a
    hit whose sighting is not stored, from its location alone), in the column and in the record."""
    rows = db.execute(
        "SELECT hits.id, json_extract(hits.body, '$.location'), coalesce(json_extract(hits.body, '$.source_kind'), ''),"
        " json_extract(sightings.body, '$.distributor.channel_username'),"
        " json_extract(sightings.body, '$.distributor.channel_id'),"
        " json_extract(sightings.body, '$.distributor.channel_title') "
        "FROM hits LEFT JOIN sightings ON sightings.id = hits.sighting_id WHERE hits.channel IS NULL"
    ).fetchall()
    filled = []
    for hit_id, location, kind, username, channel_id, title in rows:
        channel_id = None if channel_id is None else str(channel_id)
        distributor = Distributor(channel_id=channel_id, channel_username=username, channel_title=title)
        filled.append((channel_of(distributor, location or "", kind), hit_id))
    db.executemany("UPDATE hits SET channel = ?1, body = json_set(body, '$.channel', ?1) WHERE id = ?2", filled)


def assign_items(db: sqlite3.Connection) -> None:
    """Give entries stored before items their item, and hits their entry's item and hash.

    Entries are grouped as ``monitor/store/legacy_items.py`` explains (one ``add-images`` picture is one item;
    anything not reliably recoverable stays an item of its own), so nothing is lost and nothing merged on a
    guess. A hit whose entry is gone gets that entry's own item and keeps an empty ``entry_value``."""
    rows = db.execute("SELECT body FROM blocklist WHERE item_id IS NULL ORDER BY rowid").fetchall()
    entries = [from_json(BlocklistEntry, body) for (body,) in rows]
    item_ids = legacy_item_ids(entries)
    db.executemany(
        "UPDATE blocklist SET item_id = ?, body = json_set(body, '$.item_id', ?) WHERE id = ?",
        [(item_ids[entry.id], item_ids[entry.id], entry.id) for entry in entries],
    )
    insert_items(db, items_of([dataclasses.replace(entry, item_id=item_ids[entry.id]) for entry in entries]))
    hits = db.execute(
        "SELECT hits.id, hits.entry_id, blocklist.item_id, blocklist.value FROM hits "
        "LEFT JOIN blocklist ON blocklist.id = hits.entry_id WHERE hits.item_id IS NULL"
    ).fetchall()
    filled = [(item or own_item_id(entry), value or "", hit) for hit, entry, item, value in hits]
    db.executemany(
        "UPDATE hits SET item_id = ?1, body = json_set(body, '$.item_id', ?1, '$.entry_value', ?2) WHERE id = ?3",
        filled,
    )


def insert_items(db: sqlite3.Connection, items: Sequence[BlocklistItem]) -> None:
    """Store items not stored yet; one already there keeps its description and state."""
    db.executemany(
        "INSERT OR IGNORE INTO blocklist_items (id, case_ref, state, body) VALUES (?, ?, ?, ?)",
        [(item.id, item.case, str(item.state), to_json(item)) for item in items],
    )

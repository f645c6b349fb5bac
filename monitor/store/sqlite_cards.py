"""The SQLite store's review cards: a summary row per card, kept right on every write of hits, and read by index.

Why a summary instead of grouping hits per query? Grouping every hit costs what is stored (0.4–0.6 s at
100,000 cards), while the queue shows 50 cards. ``cards`` holds one row per media × item with what the
queue filters and sorts on; ``card_places`` holds each distinct (source, platform, channel) the card's hits
were seen with, since a card matches such a filter when *any* of its hits has the value. Every write that
changes hits (``put_hit``, ``put_hits``, ``set_hit_status``; no hit is ever deleted: a purge deletes
pictures, not hits) recomputes the rows of the cards it touched from their own hits, by the ``hits_card``
index: the cost is per card, not per store. ``build_cards`` makes the summary of a store from before it.

A reviewer's "suspected minor" flag (``card_facts``, ``monitor/store/sqlite_notices.py``) is on the summary
too, as ``minor``: read from ``card_facts`` whenever a card's row is made, so a new sighting keeps it, and set
by ``mark_minor`` whenever the flags are saved. Every order leads with it (issue 14: a suspected minor's card
is first in every queue) and every ordering index starts with it, so the queue is still read, not sorted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any, TypeVar

from monitor.cards import CARD_ID_SEPARATOR, STATUS_ORDER, Card, card_keys, card_of
from monitor.records import HitRecord, HitStatus
from monitor.store.queries import CardPage, CardQuery
from monitor.store.serialise import from_json, stored_time
from monitor.store.sqlite_parts import SqlitePart
from monitor.store.sqlite_queries import CARD_HITS_SQL

T = TypeVar("T")

CARDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    media_sha256 TEXT NOT NULL, item_id TEXT NOT NULL, case_ref TEXT NOT NULL, label TEXT NOT NULL,
    status_rank INTEGER NOT NULL, priority INTEGER NOT NULL, newest TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, hit_count INTEGER NOT NULL, minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (media_sha256, item_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS card_places (
    media_sha256 TEXT NOT NULL, item_id TEXT NOT NULL, source_id TEXT NOT NULL, platform TEXT NOT NULL,
    channel TEXT NOT NULL, PRIMARY KEY (media_sha256, item_id, source_id, platform, channel)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS card_places_source ON card_places (source_id);
CREATE INDEX IF NOT EXISTS card_places_platform ON card_places (platform);
CREATE INDEX IF NOT EXISTS card_places_channel ON card_places (channel);
CREATE TABLE IF NOT EXISTS card_counts (status_rank INTEGER PRIMARY KEY, count INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS card_counts_insert AFTER INSERT ON cards BEGIN
    INSERT INTO card_counts (status_rank, count) VALUES (new.status_rank, 1)
        ON CONFLICT (status_rank) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER IF NOT EXISTS card_counts_delete AFTER DELETE ON cards BEGIN
    UPDATE card_counts SET count = count - 1 WHERE status_rank = old.status_rank;
END;
CREATE TABLE IF NOT EXISTS hit_counts (status TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS hit_counts_insert AFTER INSERT ON hits BEGIN
    INSERT INTO hit_counts (status, count) VALUES (new.status, 1) ON CONFLICT (status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER IF NOT EXISTS hit_counts_update AFTER UPDATE OF status ON hits WHEN old.status IS NOT new.status BEGIN
    UPDATE hit_counts SET count = count - 1 WHERE status = old.status;
    INSERT INTO hit_counts (status, count) VALUES (new.status, 1) ON CONFLICT (status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER IF NOT EXISTS hit_counts_delete AFTER DELETE ON hits BEGIN
    UPDATE hit_counts SET count = count - 1 WHERE status = old.status;
END;
"""
"""``status_rank`` is the card's status as its place in ``STATUS_ORDER``; ``priority`` is 0 escalated, 1
pending, 2 anything else (``CardQuery.order == "priority"``); ``minor`` is 1 for a card a reviewer flagged
"suspected minor" (``card_facts``), which every order puts first: every order is read from an index
(``CARD_INDEXES``, created by ``sqlite_migrations.py`` since they name ``minor``, a column added in version 7).
``card_counts`` and ``hit_counts`` are the number of cards per status rank and of hits per status, kept by
triggers on every write, whoever writes: the queue's counts of the whole store are read, not counted
(counting 370,000 hits took 40–60 ms, 100,000 cards 20 ms). A card's summary is replaced by a ``DELETE`` and
an ``INSERT``, never by ``REPLACE``, whose deletions fire no trigger."""

RANK = "MIN(CASE status {} END)".format(" ".join(f"WHEN '{s}' THEN {rank}" for rank, s in enumerate(STATUS_ORDER)))
PRIORITY_OF_RANK = max(STATUS_ORDER.index(HitStatus.ESCALATED), STATUS_ORDER.index(HitStatus.PENDING)) + 1
CARD_INDEXES = (
    "CREATE INDEX cards_newest ON cards (minor DESC, newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_priority ON cards (minor DESC, priority, newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_status ON cards (status_rank, minor DESC, priority, newest DESC, media_sha256, item_id)",
    "CREATE INDEX cards_case ON cards (case_ref, status_rank, minor DESC, priority, newest DESC)",
)
"""The orders of ``card_order``, each led by ``minor``: a suspected minor's card is first in every queue."""
MINOR = (
    "coalesce((SELECT json_extract(facts.body, '$.suspected_minor') FROM card_facts AS facts"
    f" WHERE facts.card_id = media_sha256 || '{CARD_ID_SEPARATOR}' || item_id), 0)"
)
"""Whether the card of the row's keys is flagged "suspected minor": its ``card_facts`` row, by primary key."""

SUMMARY = (
    "INSERT INTO cards (media_sha256, item_id, case_ref, label, status_rank, priority, newest,"
    " first_seen, last_seen, hit_count, minor) "
    f"SELECT media_sha256, item_id, MIN(case_ref), coalesce(MIN(json_extract(body, '$.label')), ''), {RANK},"
    f" min({RANK}, {PRIORITY_OF_RANK}), MAX(created_at), MIN(json_extract(body, '$.seen_at')),"
    f" MAX(json_extract(body, '$.seen_at')), COUNT(*), {MINOR} FROM hits {{where}} GROUP BY media_sha256, item_id"
)
PLACES = (
    "INSERT OR IGNORE INTO card_places (media_sha256, item_id, source_id, platform, channel) "
    "SELECT DISTINCT media_sha256, item_id, source_id, platform, coalesce(channel, '') FROM hits {where}"
)
ONE_CARD = "WHERE media_sha256 = ?1 AND item_id = ?2"


def refresh_cards(db: sqlite3.Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Recompute the summary rows of the cards ``keys`` (media_sha256, item_id) from their own hits."""
    for key in dict.fromkeys(keys):
        db.execute("DELETE FROM cards " + ONE_CARD, key)
        db.execute("DELETE FROM card_places " + ONE_CARD, key)
        db.execute(SUMMARY.format(where=ONE_CARD), key)
        db.execute(PLACES.format(where=ONE_CARD), key)


def mark_minor(db: sqlite3.Connection, card: str, minor: bool) -> None:
    """Set or clear the "suspected minor" mark of the card ``card`` (an id), as its flags are saved; a card
    without hits yet gets it from ``card_facts`` when its summary is first made (``MINOR``)."""
    keys = card_keys(card)
    if keys is not None:
        db.execute("UPDATE cards SET minor = ? WHERE media_sha256 = ? AND item_id = ?", (int(minor), *keys))


def build_cards(db: sqlite3.Connection) -> None:
    """The summary of every card and the hits per status, from every hit at once (a store from before the
    summary, when it opens)."""
    db.execute("DELETE FROM cards")
    db.execute("DELETE FROM card_places")
    db.execute(SUMMARY.format(where=""))
    db.execute(PLACES.format(where=""))
    db.execute("DELETE FROM hit_counts")
    db.execute("INSERT INTO hit_counts (status, count) SELECT status, COUNT(*) FROM hits GROUP BY status")
    db.execute("DELETE FROM card_counts")
    db.execute("INSERT INTO card_counts SELECT status_rank, COUNT(*) FROM cards GROUP BY status_rank")


PLACE_FILTERS = {
    # a card that any of whose hits has the value: one of its places. Why two forms? Read along an ordering
    # index, a correlated lookup per card finds a page of 50 in well under a millisecond (19 ms by the list
    # of places); counting every card of a source or channel, or counting them by status, is faster from
    # that value's places (56 ms, not 103 ms, at 100,000 cards)
    "exists": "EXISTS (SELECT 1 FROM card_places AS p WHERE p.{column} = ? AND p.media_sha256 = cards.media_sha256"
    " AND p.item_id = cards.item_id)",
    "in": "(media_sha256, item_id) IN (SELECT media_sha256, item_id FROM card_places WHERE {column} = ?)",
}


def card_conditions(query: CardQuery, with_statuses: bool = True, places: str = "exists") -> tuple[str, list[Any]]:
    """``WHERE …`` (or nothing) on ``cards`` for the query's filters, and its parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    if with_statuses and query.statuses:
        ranks = sorted({STATUS_ORDER.index(status) for status in query.statuses})
        conditions.append(f"status_rank IN ({', '.join(str(rank) for rank in ranks)})")
    if query.case is not None:
        conditions.append("case_ref = ?")
        params.append(query.case)
    if query.card is not None:
        conditions.append("media_sha256 = ? AND item_id = ?")
        params.extend(query.card)
    if query.since is not None:
        conditions.append("newest >= ?")
        params.append(stored_time(query.since))
    for column, value in (("source_id", query.source_id), ("platform", query.platform), ("channel", query.channel)):
        if value is not None:
            conditions.append(PLACE_FILTERS[places].format(column=column))
            params.append(value)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def card_order(query: CardQuery) -> str:
    """The ``ORDER BY`` of the query: a suspected minor's cards first, whatever the order (``CardQuery``).
    With one status the priority is the same for every card, so "newest" is written as priority then newest
    too: the ``cards_status`` index then gives the order, with no sort."""
    single_status = len({STATUS_ORDER.index(status) for status in query.statuses}) == 1
    by_priority = "priority, " if query.order == "priority" or single_status else ""
    return f" ORDER BY minor DESC, {by_priority}newest DESC, media_sha256, item_id"


class SqliteCards(SqlitePart):
    """SqliteStore's cards."""

    async def find_cards(self, query: CardQuery) -> CardPage:
        where, params = card_conditions(query)
        limit = -1 if query.limit is None else query.limit
        page = f"{card_order(query)} LIMIT {int(limit)} OFFSET {int(query.offset)}"
        page_sql = f"SELECT media_sha256, item_id FROM cards{where}{page}"
        # counting every card of a place filter starts from the places; within a status, along its index
        counted, _ = card_conditions(query, places="exists" if query.statuses else "in")

        def card(db: sqlite3.Connection, media_sha256: str, item_id: str) -> Card:
            rows = db.execute(CARD_HITS_SQL, (media_sha256, item_id)).fetchall()
            return card_of([from_json(HitRecord, body) for body, _, _ in rows], {e: v for _, e, v in rows})

        def read(db: sqlite3.Connection) -> CardPage:
            cards = [card(db, media_sha256, item_id) for media_sha256, item_id in db.execute(page_sql, params)]
            return CardPage(cards, int(db.execute(f"SELECT COUNT(*) FROM cards{counted}", params).fetchone()[0]))

        return await self._run(read)

    async def card_counts(self, query: CardQuery) -> dict[HitStatus, int]:
        where, params = card_conditions(query, with_statuses=False, places="in")
        counted = f"SELECT status_rank, COUNT(*) FROM cards{where} GROUP BY status_rank"
        sql = "SELECT status_rank, count FROM card_counts WHERE count > 0" if not where else counted

        def read(db: sqlite3.Connection) -> dict[HitStatus, int]:
            return {STATUS_ORDER[int(rank)]: int(count) for rank, count in db.execute(sql, params) if count}

        return await self._run(read)

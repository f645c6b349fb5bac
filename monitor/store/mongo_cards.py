"""The MongoDB store's review cards: one summary document per card in ``cards``, kept right on every write of hits.

The same summary as the SQLite store's (``monitor/store/sqlite_cards.py`` says why): the card's status
rank and priority, newest hit, first and last seen, hit count, and the distinct sources, platforms and
channels of its hits as arrays (a multikey index finds the cards where *any* hit has one). Every write that
changes hits recomputes the documents of the cards it touched from their own hits, by the
``(media_sha256, item_id, …)`` index of hits. ``build_cards`` makes the summary of a database from before it.
``minor`` (1 or 0): whether a reviewer flagged the card "suspected minor" (``card_facts``), read when a card's
document is recomputed and set when its flags are saved (``mongo_notices.py``); every order, and every index
that gives one, leads with it: a suspected minor's card is first in every queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import PyMongoError
from pymongo.operations import UpdateOne

from crawlers.sighting import Distributor
from monitor.cards import STATUS_ORDER, Card, card_id, cards_of, status_rank
from monitor.errors import StoreError
from monitor.records import HitRecord, HitStatus, channel_of
from monitor.store.mongo_parts import MongoPart
from monitor.store.queries import CardPage, CardQuery
from monitor.store.serialise import from_document, stored_time

PRIORITY_OF_REST = max(status_rank(HitStatus.ESCALATED), status_rank(HitStatus.PENDING)) + 1
SUMMARY_VERSION = 2  # in ``meta``: a database without it gets its summary built once, when it opens (2: ``minor``)
MINOR = ("minor", DESCENDING)
NEWEST = [("newest", DESCENDING), ("media_sha256", ASCENDING), ("item_id", ASCENDING)]

CARD_INDEXES: list[tuple[list[tuple[str, int]], bool]] = [
    ([MINOR, *NEWEST], False),
    ([MINOR, ("priority", ASCENDING), *NEWEST], False),
    ([("status_rank", ASCENDING), MINOR, ("priority", ASCENDING), ("newest", DESCENDING)], False),
    ([("case", ASCENDING), ("status_rank", ASCENDING), MINOR, ("newest", DESCENDING)], False),
    *(([(field, ASCENDING), ("newest", DESCENDING)], False) for field in ("sources", "platforms", "channels")),
]
SUMMARY_1_INDEXES = (
    "newest_-1_media_sha256_1_item_id_1", "priority_1_newest_-1_media_sha256_1_item_id_1",
    "status_rank_1_priority_1_newest_-1", "case_1_status_rank_1_newest_-1",
)  # fmt: skip
"""The ordering indexes of summary version 1, without ``minor``: dropped when the summary is rebuilt."""
SUMMARY_FIELDS = {
    field: 1
    for field in ("media_sha256", "item_id", "case", "label", "status", "created_at", "seen_at", "source_id",
                  "platform", "channel")
}  # fmt: skip


def summary(hits: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary document of one card from its hits' documents (at least one)."""
    rank = min(STATUS_ORDER.index(HitStatus(hit["status"])) for hit in hits)
    seen = sorted(str(hit["seen_at"]) for hit in hits)
    first = hits[0]
    return {
        "media_sha256": first["media_sha256"], "item_id": first["item_id"], "case": first["case"],
        "label": first.get("label", ""), "status_rank": rank, "priority": min(rank, PRIORITY_OF_REST),
        "newest": max(str(hit["created_at"]) for hit in hits), "first_seen": seen[0], "last_seen": seen[-1],
        "hit_count": len(hits), "sources": sorted({hit["source_id"] for hit in hits}),
        "platforms": sorted({hit["platform"] for hit in hits}),
        "channels": sorted({hit.get("channel") or "" for hit in hits}),
    }  # fmt: skip


async def refresh_cards(db: Any, keys: Iterable[tuple[str, str]]) -> None:
    """Recompute the summary documents of the cards ``keys`` (media_sha256, item_id) from their own hits."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return
    by_card: dict[tuple[str, str], list[dict[str, Any]]] = {}
    minors: set[str] = set()
    try:
        for start in range(0, len(wanted), 500):
            pairs = [{"media_sha256": media, "item_id": item} for media, item in wanted[start : start + 500]]
            async for hit in db["hits"].find({"$or": pairs}, SUMMARY_FIELDS):
                by_card.setdefault((hit["media_sha256"], hit["item_id"]), []).append(hit)
            ids = [card_id(media, item) for media, item in wanted[start : start + 500]]
            flagged = db["card_facts"].find({"_id": {"$in": ids}, "suspected_minor": True}, {"_id": 1})
            minors.update([str(facts["_id"]) async for facts in flagged])
        writes = [
            UpdateOne({"_id": card_id(*key)}, {"$set": summary(hits) | {"minor": int(card_id(*key) in minors)}},
                      upsert=True)
            for key, hits in by_card.items()
        ]  # fmt: skip
        if writes:
            await db["cards"].bulk_write(writes, ordered=False)
            await _recheck_minor(db, [card_id(*key) for key in by_card], minors)
    except PyMongoError as exc:
        raise StoreError(f"MongoDB store: cannot update the summary of {len(wanted)} cards: {exc}") from exc


async def _recheck_minor(db: Any, ids: list[str], written: set[str]) -> None:
    """A reviewer's flag saved between reading the card facts and writing the summary would be overwritten
    with the old value: read the facts again and put right any card whose flag changed meanwhile."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        flagged = db["card_facts"].find({"_id": {"$in": chunk}, "suspected_minor": True}, {"_id": 1})
        now = {str(facts["_id"]) async for facts in flagged}
        for card, minor in [(card, 1) for card in now - written] + [(card, 0) for card in (written & set(chunk)) - now]:
            await db["cards"].update_one({"_id": card}, {"$set": {"minor": minor}})


async def build_cards(db: Any) -> None:
    """Give hits from before channels their channel (from their sighting), then summarise every card, once."""
    if await db["meta"].find_one({"_id": "cards", "version": SUMMARY_VERSION}) is not None:
        return
    old = [hit async for hit in db["hits"].find({"channel": {"$exists": False}}, {"sighting_id": 1, "location": 1,
                                                                                    "source_kind": 1})]  # fmt: skip
    if old:
        ids = list({hit["sighting_id"] for hit in old})
        found = {doc["_id"]: doc.get("distributor") or {} async for doc in db["sightings"].find({"_id": {"$in": ids}})}
        fills = []
        for hit in old:
            seen = found.get(hit["sighting_id"], {})
            distributor = Distributor(
                channel_id=None if seen.get("channel_id") is None else str(seen["channel_id"]),
                channel_username=seen.get("channel_username"), channel_title=seen.get("channel_title"),
            )  # fmt: skip
            channel = channel_of(distributor, str(hit.get("location", "")), str(hit.get("source_kind") or ""))
            fills.append(UpdateOne({"_id": hit["_id"]}, {"$set": {"channel": channel}}))
        await db["hits"].bulk_write(fills, ordered=False)
    keys = {
        (hit["media_sha256"], hit["item_id"]) async for hit in db["hits"].find({}, {"media_sha256": 1, "item_id": 1})
    }
    await refresh_cards(db, sorted(keys))
    present = set(await db["cards"].index_information())
    for name in sorted(present.intersection(SUMMARY_1_INDEXES)):
        await db["cards"].drop_index(name)
    await db["meta"].replace_one({"_id": "cards"}, {"version": SUMMARY_VERSION}, upsert=True)


def card_filter(query: CardQuery, with_statuses: bool = True) -> dict[str, Any]:
    """The query's filters on ``cards``, as ``sqlite_cards.card_conditions`` writes them."""
    wanted: dict[str, Any] = {}
    if with_statuses and query.statuses:
        wanted["status_rank"] = {"$in": sorted({STATUS_ORDER.index(status) for status in query.statuses})}
    if query.case is not None:
        wanted["case"] = query.case
    if query.card is not None:
        wanted["media_sha256"], wanted["item_id"] = query.card
    if query.since is not None:
        wanted["newest"] = {"$gte": stored_time(query.since)}
    for field, value in (("sources", query.source_id), ("platforms", query.platform), ("channels", query.channel)):
        if value is not None:
            wanted[field] = value  # the array holds it
    return wanted


def card_sort(query: CardQuery) -> list[tuple[str, int]]:
    """A suspected minor's cards first in every order, then ``query.order``'s (``CardQuery`` says which)."""
    return [MINOR, *([("priority", ASCENDING)] if query.order == "priority" else []), *NEWEST]


class MongoCards(MongoPart):
    """MongoStore's cards."""

    async def find_cards(self, query: CardQuery) -> CardPage:
        wanted = card_filter(query)
        try:
            cursor = self.db["cards"].find(wanted, {"media_sha256": 1, "item_id": 1}).sort(card_sort(query))
            cursor = cursor.skip(query.offset).limit(query.limit or 0)
            keys = [(doc["media_sha256"], doc["item_id"]) for doc in await cursor.to_list(None)]
            total = int(await self.db["cards"].count_documents(wanted))
            if not keys:
                return CardPage([], total)
            pairs = [{"media_sha256": media, "item_id": item} for media, item in keys]
            documents = await self.db["hits"].find({"$or": pairs}).to_list(None)
            hits = [from_document(HitRecord, {k: v for k, v in doc.items() if k != "_id"}) for doc in documents]
            entries = sorted({hit.entry_id for hit in hits})
            found = await self.db["blocklist"].find({"_id": {"$in": entries}}, {"variant": 1}).to_list(None)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read cards: {exc}") from exc
        variants = {str(entry["_id"]): str(entry.get("variant", "")) for entry in found}
        cards: dict[tuple[str, str], Card] = cards_of(hits, variants)
        return CardPage([cards[key] for key in keys], total)

    async def card_counts(self, query: CardQuery) -> dict[HitStatus, int]:
        pipeline = [{"$match": card_filter(query, with_statuses=False)},
                    {"$group": {"_id": "$status_rank", "count": {"$sum": 1}}}]  # fmt: skip
        try:
            groups = await (await self.db["cards"].aggregate(pipeline)).to_list(None)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot count cards: {exc}") from exc
        return {STATUS_ORDER[int(group["_id"])]: int(group["count"]) for group in groups}

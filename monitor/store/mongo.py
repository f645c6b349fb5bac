"""The shared store: MongoDB through PyMongo's own async API (``pymongo.AsyncMongoClient``).

Why not motor? MongoDB deprecated motor in May 2025 in favour of PyMongo's async API; motor reached end
of life on 2026-05-14 and gets only critical fixes until May 2027.

Each record's deterministic id is the document ``_id``; writes are ``update_one(..., upsert=True)`` with
``$setOnInsert``, so the first write wins and a repeat is harmless even with several crawler processes
writing at once. The same unique keys as the SQLite store are declared as indexes on ``open()``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.errors import BulkWriteError, PyMongoError
from pymongo.operations import UpdateOne

from crawlers.base import SourceState
from crawlers.codec import to_jsonable
from crawlers.registry import platform_of
from crawlers.sighting import Fingerprints, Sighting
from monitor.errors import StoreError
from monitor.records import BlocklistEntry, BlocklistItem, ItemState, PerceptualRow, items_of
from monitor.signals.kept import perceptual_row, row_columns, row_from_columns
from monitor.store.base import BlocklistRow
from monitor.store.mongo_cards import CARD_INDEXES, MongoCards, build_cards
from monitor.store.mongo_items import assign_items
from monitor.store.mongo_notices import MongoNotices
from monitor.store.mongo_records import MongoRecords
from monitor.store.mongo_sessions import MongoReviewSessions
from monitor.store.serialise import from_document, to_document

T = TypeVar("T")
OFF_LOOP_ABOVE = 1000  # records: more are encoded or decoded in a thread, so the review UI keeps answering

INDEXES: dict[str, list[tuple[list[tuple[str, int]], bool]]] = {
    "blocklist": [
        ([("hash_type", ASCENDING), ("value", ASCENDING), ("case", ASCENDING)], True),
        ([("item_id", ASCENDING)], False),
    ],
    "blocklist_items": [([("case", ASCENDING)], False), ([("state", ASCENDING)], False)],
    "sightings": [([("fingerprints.values.sha256", ASCENDING)], False), ([("seen_at", ASCENDING)], False)],
    "hits": [
        ([("sighting_id", ASCENDING), ("entry_id", ASCENDING)], True),
        ([("created_at", DESCENDING), ("_id", ASCENDING)], False),
        *(
            ([(field, ASCENDING), ("created_at", DESCENDING)], False)
            for field in ("status", "source_id", "case", "platform", "channel")
        ),
        *(([(field, ASCENDING)], False) for field in ("entry_id", "packet_id", "media_sha256")),
        ([("item_id", ASCENDING), ("created_at", DESCENDING)], False),
        ([("media_sha256", ASCENDING), ("item_id", ASCENDING), ("created_at", DESCENDING)], False),  # cards
    ],
    "packets": [([("sighting_id", ASCENDING)], True), ([("created_at", ASCENDING)], False)],
    "runs": [([("source_id", ASCENDING), ("started_at", DESCENDING)], False), ([("status", ASCENDING)], False)],
    "custody": [
        ([("chain", ASCENDING), ("seq", ASCENDING)], True),
        ([("actor", ASCENDING), ("kind", ASCENDING), ("at", ASCENDING)], False),
        ([("chain", ASCENDING), ("kind", ASCENDING), ("seq", DESCENDING)], False),
    ],
    "decisions": [([("hit_id", ASCENDING), ("at", ASCENDING)], False)],
    "review_sessions": [([("started", ASCENDING)], False)],
    "cards": CARD_INDEXES,
    "login_failures": [([("key", ASCENDING), ("at", ASCENDING)], False), ([("at", ASCENDING)], False)],
    "notices": [([("state", ASCENDING), ("created", ASCENDING)], False), ([("created", ASCENDING)], False)],
}


class MongoStore(MongoRecords, MongoCards, MongoReviewSessions, MongoNotices):
    """``Store`` on a MongoDB database. ``client`` may be any object with PyMongo's async surface. Hits,
    decisions, users, packets, custody and runs are ``MongoRecords`` (``monitor/store/mongo_records.py``); the
    review cards' summary is ``MongoCards`` (``monitor/store/mongo_cards.py``); the takedown outbox and card
    flags are ``MongoNotices`` (``monitor/store/mongo_notices.py``)."""

    def __init__(self, client: Any, database: str) -> None:
        self.client = client
        self.db = client[database]

    @classmethod
    def from_url(cls, url: str, database: str) -> MongoStore:
        return cls(AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=10_000), database)

    async def open(self) -> None:
        try:
            fills = [  # hits stored before the review UI (uid) and before the platform filter
                UpdateOne({"_id": old["_id"]}, {"$set": {"uid": str(uuid.uuid4())}})
                async for old in self.db["hits"].find({"uid": {"$exists": False}}, {"_id": 1})
            ]
            without_platform = self.db["hits"].find({"platform": {"$exists": False}}, {"location": 1, "source_kind": 1})
            fills += [
                UpdateOne({"_id": old["_id"]}, {"$set": {"platform": _platform(old)}}) async for old in without_platform
            ]
            if fills:
                await self.db["hits"].bulk_write(fills, ordered=False)
            await assign_items(self.db)  # entries and hits stored before blocklist items
            await build_cards(self.db)  # hits stored before channels and the cards' summary
            await self.db["hits"].create_index([("uid", ASCENDING)], unique=True)
            for collection, indexes in INDEXES.items():
                for keys, unique in indexes:
                    await self.db[collection].create_index(keys, unique=unique)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot create indexes: {exc}") from exc

    async def close(self) -> None:
        result = self.client.close()
        if hasattr(result, "__await__"):
            await result

    async def _insert(self, collection: str, record_id: str, record: Any) -> bool:
        try:
            result = await self.db[collection].update_one(
                {"_id": record_id}, {"$setOnInsert": to_document(record)}, upsert=True
            )
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot write to {collection}: {exc}") from exc
        return result.upserted_id is not None

    async def _find(
        self, cls: type[T], collection: str, query: dict[str, Any], sort: list[tuple[str, int]] | None = None,
        limit: int = 0, skip: int = 0,
    ) -> list[T]:  # fmt: skip
        cursor = self.db[collection].find(query)
        if sort:
            cursor = cursor.sort(sort)
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        documents = await cursor.to_list(None)

        def decode() -> list[T]:
            return [from_document(cls, {k: v for k, v in doc.items() if k != "_id"}) for doc in documents]

        # a whole collection (the blocklist for a matcher rebuild) takes seconds to decode: not on the loop
        return decode() if len(documents) < OFF_LOOP_ABOVE else await asyncio.to_thread(decode)

    async def add_blocklist_entries(self, entries: Sequence[BlocklistEntry]) -> int:
        """Items first, then entries: an entry is never stored without its item (MongoDB has no transaction
        here; a failed import is repeated, and both writes are idempotent)."""
        if not entries:
            return 0

        def encode() -> tuple[list[UpdateOne], list[UpdateOne]]:
            items = [UpdateOne({"_id": i.id}, {"$setOnInsert": to_document(i)}, upsert=True) for i in items_of(entries)]
            return items, [UpdateOne({"_id": e.id}, {"$setOnInsert": to_document(e)}, upsert=True) for e in entries]

        items, operations = encode() if len(entries) < OFF_LOOP_ABOVE else await asyncio.to_thread(encode)
        try:
            await self.db["blocklist_items"].bulk_write(items, ordered=False)
            result = await self.db["blocklist"].bulk_write(operations, ordered=False)
        except (BulkWriteError, PyMongoError) as exc:
            raise StoreError(f"MongoDB store: blocklist import failed: {exc}") from exc
        return int(result.upserted_count)

    async def blocklist_entries(self) -> list[BlocklistEntry]:
        withdrawn = await self.db["blocklist_items"].distinct("_id", {"state": str(ItemState.WITHDRAWN)})
        query = {"item_id": {"$nin": withdrawn}} if withdrawn else {}
        return await self._find(BlocklistEntry, "blocklist", query, [("added_at", ASCENDING), ("_id", ASCENDING)])

    async def blocklist_revision(self) -> str:
        """The count of entries and the greatest id: entries are only ever added (ids are hashes, so the
        greatest changes with most additions; the count with every one)."""
        try:
            count = await self.db["blocklist"].count_documents({})
            last = await self.db["blocklist"].find_one({}, {"_id": 1}, sort=[("_id", DESCENDING)])
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read the blocklist's revision: {exc}") from exc
        return f"mongo:{count}:{last['_id'] if last else ''}"

    async def blocklist_rows(self, after: str, limit: int) -> list[BlocklistRow]:
        fields = {"hash_type": 1, "value": 1, "case": 1, "label": 1, "item_id": 1, "variant": 1}
        cursor = self.db["blocklist"].find({"_id": {"$gt": after}}, fields).sort("_id", ASCENDING).limit(limit)
        try:
            documents = await cursor.to_list(None)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read the blocklist: {exc}") from exc
        return [
            BlocklistRow(
                d["_id"],
                d["hash_type"],
                d["value"],
                d["case"],
                d.get("label", ""),
                d.get("item_id", ""),
                d.get("variant", ""),
            )  # fmt: skip
            for d in documents
        ]

    async def blocklist_items(self, case: str | None = None, state: ItemState | None = None) -> list[BlocklistItem]:
        query = {key: str(value) for key, value in (("case", case), ("state", state)) if value is not None}
        return await self._find(BlocklistItem, "blocklist_items", query, [("added_at", ASCENDING), ("_id", ASCENDING)])

    async def get_blocklist_item(self, item_id: str) -> BlocklistItem | None:
        found = await self._find(BlocklistItem, "blocklist_items", {"_id": item_id})
        return found[0] if found else None

    async def withdraw_item(self, item_id: str, at: datetime) -> bool:
        change = {"$set": {"state": str(ItemState.WITHDRAWN), "withdrawn_at": to_jsonable(at)}}
        try:
            result = await self.db["blocklist_items"].update_one(
                {"_id": item_id, "state": str(ItemState.ACTIVE)}, change
            )
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot withdraw item {item_id}: {exc}") from exc
        return bool(result.modified_count)

    async def blocklist_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for key in ("case", "hash_type"):
            groups = await self._aggregate("blocklist", [{"$group": {"_id": f"${key}", "count": {"$sum": 1}}}])
            counts[key] = {str(group["_id"]): int(group["count"]) for group in sorted(groups, key=lambda g: g["_id"])}
        return counts

    async def get_fingerprints(self, sha256: str) -> Fingerprints | None:
        document = await self.db["media"].find_one({"_id": sha256}, {"_id": 0, "row": 0})
        return None if document is None else from_document(Fingerprints, document)

    async def put_fingerprints(self, fingerprints: Fingerprints) -> bool:
        row = row_columns(perceptual_row(fingerprints))  # flat, as SQLite's columns (monitor/signals/kept.py)
        try:
            result = await self.db["media"].update_one(
                {"_id": fingerprints.sha256}, {"$setOnInsert": {**to_document(fingerprints), "row": row}}, upsert=True
            )
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot write to media: {exc}") from exc
        return result.upserted_id is not None

    async def perceptual_rows(self, after: str, limit: int) -> list[PerceptualRow]:
        cursor = self.db["media"].find({"_id": {"$gt": after}}, {"row": 1}).sort([("_id", ASCENDING)]).limit(limit)
        return [row_from_columns(document["row"]) for document in await cursor.to_list(None)]

    async def sightings_of(self, sha256s: Sequence[str]) -> list[Sighting]:
        query = {"fingerprints.values.sha256": {"$in": list(sha256s)}}
        return await self._find(Sighting, "sightings", query, [("seen_at", ASCENDING)])

    async def sightings_by_id(self, sighting_ids: Sequence[str]) -> list[Sighting]:
        return await self._find(Sighting, "sightings", {"_id": {"$in": list(sighting_ids)}}, [("seen_at", ASCENDING)])

    async def get_platform_media(self, platform: str, file_id: str) -> str | None:
        found = await self.db["platform_media"].find_one({"_id": f"{platform}:{file_id}"})
        return None if found is None else str(found["sha256"])

    async def put_platform_media(self, platform: str, file_id: str, sha256: str) -> None:
        document = {"platform": platform, "file_id": file_id, "sha256": sha256}
        await self._insert("platform_media", f"{platform}:{file_id}", document)

    async def get_source_state(self, source_id: str) -> SourceState:
        found = await self._find(SourceState, "source_states", {"_id": source_id})
        return found[0] if found else SourceState(source_id)

    async def put_source_state(self, state: SourceState) -> None:
        try:
            await self.db["source_states"].replace_one({"_id": state.source_id}, to_document(state), upsert=True)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot save the state of {state.source_id}: {exc}") from exc

    async def has_sighting(self, sighting_id: str) -> bool:
        return await self.db["sightings"].find_one({"_id": sighting_id}, {"_id": 1}) is not None

    async def put_sighting(self, sighting: Sighting) -> bool:
        return await self._insert("sightings", sighting.id, sighting)

    async def put_sightings(self, sightings: Sequence[Sighting]) -> int:
        """Sightings not stored yet, in one unordered bulk write (the first write of an id wins); how many were new."""
        if not sightings:
            return 0

        def encode() -> list[UpdateOne]:
            return [UpdateOne({"_id": s.id}, {"$setOnInsert": to_document(s)}, upsert=True) for s in sightings]

        writes = encode() if len(sightings) < OFF_LOOP_ABOVE else await asyncio.to_thread(encode)
        try:
            result = await self.db["sightings"].bulk_write(writes, ordered=False)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot write {len(sightings)} sightings: {exc}") from exc
        return int(result.upserted_count)

    async def sightings(self) -> list[Sighting]:
        return await self._find(Sighting, "sightings", {}, [("seen_at", ASCENDING), ("_id", ASCENDING)])

    async def counts(self) -> dict[str, int]:
        names = ("blocklist", "media", "sightings", "hits", "packets", "runs")
        return {name: await self.db[name].count_documents({}) for name in names}


def _platform(document: dict[str, Any]) -> str:
    return platform_of(str(document.get("location", "")), str(document.get("source_kind") or ""))

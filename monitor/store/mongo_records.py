"""The MongoDB store's review, evidence and run records: hits, decisions, users, packets, custody, runs.

A mixin of ``MongoStore`` (``monitor/store/mongo.py``), which owns the client. Times are stored as the
codec's ISO 8601 strings (UTC), so they sort and compare as text; every query here has an index
(``INDEXES`` in ``mongo.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.operations import UpdateOne

from evidence.custody import CustodyEvent, CustodyKind
from monitor.errors import StoreError
from monitor.records import Decision, HitRecord, HitStatus, PacketRecord, RunRecord, RunStatus, UserRecord
from monitor.store.mongo_cards import refresh_cards
from monitor.store.mongo_parts import MongoPart
from monitor.store.queries import HitFacets, HitPage, HitQuery, RunTotals, SourceRuns
from monitor.store.serialise import from_document, stored_time, to_document

T = TypeVar("T")
NOT_FAILURES = [str(status) for status in RunStatus if not status.is_failure]
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", ASCENDING)]


def hit_filter(query: HitQuery) -> dict[str, Any]:
    """The query as a MongoDB filter: every set field must hold (``$and``)."""
    conditions: list[dict[str, Any]] = []
    for field, values in (
        ("status", [str(status) for status in query.statuses]), ("case", list(query.cases)),
        ("_id", list(query.ids)), ("uid", list(query.uids)), ("packet_id", list(query.packet_ids)),
    ):  # fmt: skip
        if values:
            conditions.append({field: {"$in": values}})
    for field, value in (
        ("source_id", query.source_id), ("case", query.case), ("platform", query.platform),
        ("channel", query.channel), ("entry_id", query.entry_id), ("item_id", query.item_id),
        ("media_sha256", query.media_sha256),
    ):  # fmt: skip
        if value is not None:
            conditions.append({field: value})
    if query.since is not None:
        conditions.append({"created_at": {"$gte": stored_time(query.since)}})
    if query.exclude_sighting is not None:
        conditions.append({"sighting_id": {"$ne": query.exclude_sighting}})
    if query.with_packet:
        conditions.append({"packet_id": {"$ne": None}})
    return {"$and": conditions} if conditions else {}


class MongoRecords(MongoPart):
    """MongoStore's records."""

    async def _aggregate(self, collection: str, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            return list(await (await self.db[collection].aggregate(pipeline)).to_list(None))
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read {collection}: {exc}") from exc

    # --- hits ------------------------------------------------------------------------------------
    async def put_hit(self, hit: HitRecord) -> bool:
        return await self.put_hits([hit]) == 1

    async def put_hits(self, hits: Sequence[HitRecord]) -> int:
        """Hits not stored yet (the first write of an id wins), then the summary of every card they touch."""
        if not hits:
            return 0
        writes = [
            UpdateOne({"_id": hit.id}, {"$setOnInsert": {**to_document(hit), "platform": hit.platform}}, upsert=True)
            for hit in hits
        ]
        try:
            result = await self.db["hits"].bulk_write(writes, ordered=False)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot write {len(hits)} hits: {exc}") from exc
        await refresh_cards(self.db, ((hit.media_sha256, hit.item_id) for hit in hits))
        return int(result.upserted_count)

    async def hits(self) -> list[HitRecord]:
        return await self._find(HitRecord, "hits", {}, NEWEST_FIRST)

    async def find_hits(self, query: HitQuery) -> HitPage:
        wanted = hit_filter(query)
        page = await self._find(HitRecord, "hits", wanted, NEWEST_FIRST, limit=query.limit or 0, skip=query.offset)
        return HitPage(page, int(await self.db["hits"].count_documents(wanted)))

    async def hit_facets(self, query: HitQuery | None = None) -> HitFacets:
        wanted = {} if query is None else hit_filter(query)

        async def distinct(field: str) -> list[str]:
            return sorted(str(value) for value in await self.db["hits"].distinct(field, wanted) if value is not None)

        by_status = {}
        for status in HitStatus:  # one count on the (status, created_at) index each
            if count := await self.db["hits"].count_documents({"$and": [wanted, {"status": str(status)}]}):
                by_status[status] = int(count)
        sources, cases, platforms = await distinct("source_id"), await distinct("case"), await distinct("platform")
        channels = [channel for channel in await distinct("channel") if channel]
        return HitFacets(sources, cases, platforms, by_status, channels)

    async def get_hit(self, uid: str) -> HitRecord | None:
        found = await self._find(HitRecord, "hits", {"uid": uid})
        return found[0] if found else None

    async def set_hit_status(self, hit_id: str, status: HitStatus) -> None:
        try:
            await self.db["hits"].update_one({"_id": hit_id}, {"$set": {"status": str(status)}})
            hit = await self.db["hits"].find_one({"_id": hit_id}, {"media_sha256": 1, "item_id": 1})
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot set the status of hit {hit_id}: {exc}") from exc
        if hit is not None:
            await refresh_cards(self.db, [(hit["media_sha256"], hit["item_id"])])

    # --- decisions and users ---------------------------------------------------------------------
    async def put_decision(self, decision: Decision) -> bool:
        return await self._insert("decisions", decision.id, decision)

    async def decisions(self, hit_id: str) -> list[Decision]:
        return await self._find(Decision, "decisions", {"hit_id": hit_id}, [("at", ASCENDING)])

    async def put_user(self, user: UserRecord, replace: bool = False) -> bool:
        if not replace:
            return await self._insert("users", user.name, user)
        try:
            result = await self.db["users"].replace_one({"_id": user.name}, to_document(user))
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot update user {user.name}: {exc}") from exc
        return bool(result.matched_count)

    async def get_user(self, name: str) -> UserRecord | None:
        found = await self._find(UserRecord, "users", {"_id": name})
        return found[0] if found else None

    async def users(self) -> list[UserRecord]:
        return await self._find(UserRecord, "users", {}, [("_id", ASCENDING)])

    # --- packets and custody ---------------------------------------------------------------------
    async def put_packet(self, packet: PacketRecord) -> bool:
        return await self._insert("packets", packet.id, packet)

    async def packets(self) -> list[PacketRecord]:
        return await self._find(PacketRecord, "packets", {}, [("created_at", ASCENDING), ("_id", ASCENDING)])

    async def packets_by_id(self, packet_ids: Sequence[str]) -> list[PacketRecord]:
        query = {"_id": {"$in": list(packet_ids)}}
        return await self._find(PacketRecord, "packets", query, [("created_at", ASCENDING), ("_id", ASCENDING)])

    async def packets_awaiting_timestamp(self) -> list[PacketRecord]:
        stamped = await self.db["custody"].distinct("chain", {"kind": str(CustodyKind.TIMESTAMPED)})
        query = {"_id": {"$nin": list(stamped)}}
        return await self._find(PacketRecord, "packets", query, [("created_at", ASCENDING), ("_id", ASCENDING)])

    async def packets_since(self, since: datetime) -> list[PacketRecord]:
        query = {"created_at": {"$gte": stored_time(since)}}
        return await self._find(PacketRecord, "packets", query, [("created_at", ASCENDING), ("_id", ASCENDING)])

    async def append_custody(self, event: CustodyEvent) -> bool:
        """The unique (chain, seq) index makes a second writer's append fail instead of forking the chain."""
        try:
            await self.db["custody"].insert_one({"_id": f"{event.chain}:{event.seq}", **to_document(event)})
        except DuplicateKeyError:
            return False
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot append custody event: {exc}") from exc
        return True

    async def last_custody_event(self, chain: str) -> CustodyEvent | None:
        found = await self._find(CustodyEvent, "custody", {"chain": chain}, [("seq", DESCENDING)], limit=1)
        return found[0] if found else None

    async def last_custody_events(self, chains: Sequence[str], kind: CustodyKind) -> dict[str, CustodyEvent]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"chain": {"$in": list(chains)}, "kind": str(kind)}},
            {"$sort": {"chain": 1, "seq": -1}},
            {"$group": {"_id": "$chain", "event": {"$first": "$$ROOT"}}},
        ]
        found = {}
        for group in await self._aggregate("custody", pipeline):
            document = {k: v for k, v in group["event"].items() if k != "_id"}
            found[str(group["_id"])] = from_document(CustodyEvent, document)
        return found

    async def custody_events(self, chain: str) -> list[CustodyEvent]:
        return await self._find(CustodyEvent, "custody", {"chain": chain}, [("seq", ASCENDING)])

    async def custody_chains(self) -> list[str]:
        return sorted(await self.db["custody"].distinct("chain"))

    async def count_custody(self, actor: str, kind: CustodyKind, since: datetime) -> int:
        query = {"actor": actor, "kind": str(kind), "at": {"$gte": stored_time(since)}}
        return int(await self.db["custody"].count_documents(query))

    # --- runs ------------------------------------------------------------------------------------
    async def put_run(self, run: RunRecord) -> None:
        try:
            await self.db["runs"].replace_one({"_id": run.id}, to_document(run), upsert=True)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot record run {run.id}: {exc}") from exc

    async def runs(self, source_id: str | None = None, limit: int | None = None) -> list[RunRecord]:
        query = {} if source_id is None else {"source_id": source_id}
        return await self._find(RunRecord, "runs", query, [("started_at", DESCENDING)], limit=limit or 0)

    async def runs_with_status(self, status: RunStatus) -> list[RunRecord]:
        return await self._find(RunRecord, "runs", {"status": str(status)}, [("started_at", DESCENDING)])

    async def source_runs(self, source_id: str) -> SourceRuns:
        runs = self.db["runs"]
        last = await self._find(RunRecord, "runs", {"source_id": source_id}, [("started_at", DESCENDING)], limit=1)
        success = await runs.find_one({"source_id": source_id, "status": RunStatus.OK.value},
                                      sort=[("finished_at", DESCENDING)])  # fmt: skip
        calm = await runs.find_one({"source_id": source_id, "status": {"$in": NOT_FAILURES}},
                                   sort=[("started_at", DESCENDING)])  # fmt: skip
        failing: dict[str, Any] = {"source_id": source_id, "status": {"$nin": NOT_FAILURES}}
        if calm is not None:
            failing["started_at"] = {"$gt": calm["started_at"]}
        finished = success.get("finished_at") if success else None
        return SourceRuns(
            source_id, last[0] if last else None, datetime.fromisoformat(finished) if finished else None,
            int(await runs.count_documents(failing)),
        )  # fmt: skip

    async def run_totals(self) -> RunTotals:
        counts = await self._aggregate(
            "runs", [{"$group": {"_id": {"source": "$source_id", "status": "$status"}, "count": {"$sum": 1}}}]
        )
        sums = await self._aggregate(
            "runs", [{"$group": {"_id": "$source_id", "errors": {"$sum": "$counters.errors"}}}]
        )
        successes = await self._aggregate(
            "runs", [{"$match": {"status": RunStatus.OK.value}},
                     {"$group": {"_id": "$source_id", "last": {"$max": "$finished_at"}}}],
        )  # fmt: skip
        return RunTotals(
            {(group["_id"]["source"], group["_id"]["status"]): int(group["count"]) for group in counts},
            {str(group["_id"]): int(group["errors"] or 0) for group in sums},
            {str(group["_id"]): datetime.fromisoformat(group["last"]) for group in successes if group["last"]},
        )

"""The MongoDB store's takedown outbox (``NoticeStore``) and reviewers' card flags (``CardFlagStore``).

A mixin of ``MongoStore`` (``monitor/store/mongo.py``), which owns the client and declares the indexes
(``notices``: state and creation time). A notice changes by compare-and-set: ``replace_one`` matches its id
and the revision the writer read, so of two senders claiming one notice only the first succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.errors import PyMongoError

from monitor.errors import StoreError
from monitor.store.mongo_parts import MongoPart
from monitor.store.notice_records import CardFlags, NoticeRecord, NoticeState
from monitor.store.serialise import from_document, stored_time, to_document


class MongoNotices(MongoPart):
    """MongoStore's notices."""

    async def put_notice(self, notice: NoticeRecord) -> bool:
        return await self._insert("notices", notice.id, _document(notice))

    async def get_notice(self, notice_id: str) -> NoticeRecord | None:
        found = await self._notices({"_id": notice_id})
        return found[0] if found else None

    async def notices(self, states: Sequence[NoticeState] | None = None) -> list[NoticeRecord]:
        query = {} if states is None else {"state": {"$in": [str(state) for state in states]}}
        return await self._notices(query)

    async def update_notice(self, notice: NoticeRecord) -> bool:
        try:
            result = await self.db["notices"].replace_one(
                {"_id": notice.id, "revision": notice.revision - 1}, _document(notice)
            )
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot update notice {notice.id}: {exc}") from exc
        return bool(result.modified_count == 1)

    async def _notices(self, query: dict[str, Any]) -> list[NoticeRecord]:
        try:
            cursor = self.db["notices"].find(query, {"_id": 0, "created": 0}).sort([("created", 1), ("id", 1)])
            documents = await cursor.to_list(None)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read notices: {exc}") from exc
        return [from_document(NoticeRecord, document) for document in documents]

    async def set_card_flags(self, flags: CardFlags) -> None:
        try:
            await self.db["card_facts"].replace_one({"_id": flags.card_id}, to_document(flags), upsert=True)
            minor = {"$set": {"minor": int(flags.suspected_minor)}}  # the queue's order (``mongo_cards.py``)
            await self.db["cards"].update_one({"_id": flags.card_id}, minor)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot set the flags of card {flags.card_id}: {exc}") from exc

    async def card_flags(self, card_ids: Sequence[str]) -> dict[str, CardFlags]:
        try:
            documents = await self.db["card_facts"].find({"_id": {"$in": list(card_ids)}}, {"_id": 0}).to_list(None)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read card flags: {exc}") from exc
        found = [from_document(CardFlags, document) for document in documents]
        return {flags.card_id: flags for flags in found}


def _document(notice: NoticeRecord) -> dict[str, Any]:
    """The notice's document, with its creation time in the store's comparable form for sorting."""
    return to_document(notice) | {"created": stored_time(notice.created_at)}

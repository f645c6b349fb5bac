"""The MongoDB store's review sessions (``ReviewSessionStore``): one document per login, ended at logout;
and its failed logins (``LoginFailureStore``): one document per failure and throttle key.

A mixin of ``MongoStore`` (``monitor/store/mongo.py``), which owns the client; ``started`` is the start
time in the store's comparable form (``stored_time``), indexed (``INDEXES`` in ``mongo.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo.errors import PyMongoError

from crawlers.codec import to_jsonable
from monitor.errors import StoreError
from monitor.records import ReviewSession
from monitor.store.mongo_parts import MongoPart
from monitor.store.serialise import from_document, stored_time, to_document


class MongoReviewSessions(MongoPart):
    """MongoStore's review sessions."""

    async def put_review_session(self, session: ReviewSession) -> bool:
        document = to_document(session) | {"started": stored_time(session.started_at)}
        return await self._insert("review_sessions", session.id, document)

    async def get_review_session(self, session_id: str) -> ReviewSession | None:
        try:
            document = await self.db["review_sessions"].find_one({"_id": session_id}, {"_id": 0, "started": 0})
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot read review session: {exc}") from exc
        return None if document is None else from_document(ReviewSession, document)

    async def end_review_session(self, session_id: str, ended_at: datetime) -> bool:
        try:
            result = await self.db["review_sessions"].update_one(
                {"_id": session_id, "ended_at": None}, {"$set": {"ended_at": to_jsonable(ended_at)}}
            )
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot end review session: {exc}") from exc
        return bool(result.modified_count == 1)

    async def forget_review_sessions(self, started_before: datetime) -> int:
        try:
            result = await self.db["review_sessions"].delete_many({"started": {"$lt": stored_time(started_before)}})
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot forget old review sessions: {exc}") from exc
        return int(result.deleted_count)

    async def add_login_failure(self, keys: Sequence[str], at: float) -> None:
        try:
            await self.db["login_failures"].insert_many([{"key": key, "at": at} for key in keys])
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot record a failed login: {exc}") from exc

    async def count_login_failures(self, keys: Sequence[str], since: float) -> dict[str, int]:
        try:
            collection = self.db["login_failures"]
            return {key: int(await collection.count_documents({"key": key, "at": {"$gt": since}})) for key in keys}
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot count failed logins: {exc}") from exc

    async def clear_login_failures(self, keys: Sequence[str]) -> None:
        try:
            await self.db["login_failures"].delete_many({"key": {"$in": list(keys)}})
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot clear failed logins: {exc}") from exc

    async def forget_login_failures(self, before: float) -> int:
        try:
            result = await self.db["login_failures"].delete_many({"at": {"$lte": before}})
        except PyMongoError as exc:
            raise StoreError(f"MongoDB store: cannot forget old failed logins: {exc}") from exc
        return int(result.deleted_count)

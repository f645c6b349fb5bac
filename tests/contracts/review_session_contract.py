"""The contract of ``ReviewSessionStore``: a login is kept, ends once, and old ones are forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.records import ReviewSession
from monitor.store.base import ReviewSessionStore

STARTED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class ReviewSessionContract:
    async def test_a_review_session_is_kept_and_ends_once(self, store: ReviewSessionStore) -> None:
        session = ReviewSession("a" * 64, "vera", STARTED)
        assert await store.get_review_session(session.id) is None
        assert await store.put_review_session(session)
        assert not await store.put_review_session(ReviewSession(session.id, "mallory", STARTED))  # first write wins
        assert await store.get_review_session(session.id) == session
        ended = STARTED + timedelta(hours=1)
        assert await store.end_review_session(session.id, ended)
        assert not await store.end_review_session(session.id, ended + timedelta(hours=1))  # never re-opened
        assert await store.get_review_session(session.id) == ReviewSession(session.id, "vera", STARTED, ended)
        assert not await store.end_review_session("b" * 64, ended)  # unknown

    async def test_sessions_started_before_a_time_are_forgotten(self, store: ReviewSessionStore) -> None:
        old, new = ReviewSession("c" * 64, "ian", STARTED), ReviewSession("d" * 64, "ian", STARTED + timedelta(days=2))
        assert await store.put_review_session(old) and await store.put_review_session(new)
        assert await store.forget_review_sessions(STARTED + timedelta(days=1)) == 1
        assert await store.get_review_session(old.id) is None
        assert await store.get_review_session(new.id) == new

"""Review sessions kept on the server as well as in the sealed cookie, so that one can really end.

Why? A sealed cookie is valid for as long as the key is: without a server-side record, a cookie copied
before logout (from a shared computer, a backup, a proxy log) kept working, and kept itself alive for
ever by being used. Each login now makes a random secret; the cookie carries it and the store keeps
only its SHA-256 (``ReviewSession``). Every request checks that record: logging out ends it, and it ends
by itself ``lifetime`` after the login however busy it is (``JIKIMI_REVIEW_SESSION_HOURS``); the idle
timeout ends it too. Records older than any lifetime are dropped at each login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Protocol

from monitor.records import ReviewSession
from monitor.store.base import ReviewSessionStore, UserStore

FORGET_AFTER = timedelta(days=1)  # beyond the lifetime: records no cookie can still use


class ReviewAccountStore(UserStore, ReviewSessionStore, Protocol):
    """What the session guard reads: accounts and their sessions."""


def record_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def start_session(store: ReviewSessionStore, user: str, lifetime: timedelta) -> str:
    """A new server-side session for ``user``; returns the secret the cookie carries."""
    now = datetime.now(UTC)
    await store.forget_review_sessions(now - lifetime - FORGET_AFTER)
    secret = secrets.token_urlsafe(32)
    await store.put_review_session(ReviewSession(record_id(secret), user, now))
    return secret


async def session_is_live(store: ReviewSessionStore, secret: object, user: str, lifetime: timedelta) -> bool:
    """Whether the cookie's session is still open on the server, for this user, within its lifetime."""
    if not isinstance(secret, str):
        return False  # a cookie from before server-side sessions, or a forged one
    record = await store.get_review_session(record_id(secret))
    if record is None or record.ended_at is not None or record.user != user:
        return False
    return datetime.now(UTC) - record.started_at < lifetime


async def end_session(store: ReviewSessionStore, secret: object) -> None:
    if isinstance(secret, str):
        await store.end_review_session(record_id(secret), datetime.now(UTC))

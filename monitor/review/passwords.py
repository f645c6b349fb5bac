"""Password hashing (argon2id through argon2-cffi) and the rule passwords must meet.

Why argon2id with the library's defaults? It is memory-hard, the library tunes its parameters, and
``needs_rehash`` lets stored hashes follow when they change.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
CONCURRENT_HASHES = 2  # argon2id takes 64 MiB and ~50 ms of CPU each: a burst of logins queues, it does not pile up
_HASHER = PasswordHasher()
# Verifying a name that does not exist still costs one argon2 verification, so the response time does
# not tell which names exist.
_DUMMY_HASH = _HASHER.hash("jikimi: no such user, constant-time path")


class WeakPassword(ValueError):
    """The password breaks the length rule."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class PasswordHashing:
    """Hash and verify off the event loop, at most ``concurrent`` at a time.

    Why? argon2 is slow on purpose; run on the event loop, four parallel logins held every other request
    (``/healthz`` went from 14 ms to 2.1 s). In a thread (argon2-cffi releases the GIL) the loop keeps
    answering, and the semaphore bounds the memory and CPU a flood of logins can take. One per app:
    an ``asyncio.Semaphore`` belongs to the loop that first waits on it.
    """

    def __init__(self, concurrent: int = CONCURRENT_HASHES) -> None:
        self._slots = asyncio.Semaphore(concurrent)

    async def matches(self, stored_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(password_matches, stored_hash, password)

    async def hash(self, password: str) -> str:
        """``hash_password`` off the loop (it raises ``WeakPassword`` before any hashing)."""
        async with self._slots:
            return await asyncio.to_thread(hash_password, password)

"""Password hashing (argon2id through argon2-cffi) and the rule passwords must meet.

Why argon2id with the library's defaults? It is memory-hard, the library tunes its parameters, and
``needs_rehash`` lets stored hashes follow when they change.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
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

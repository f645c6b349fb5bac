"""Review accounts made by code: the demo's one-time login."""

from __future__ import annotations

import secrets

from monitor.records import Role, UserRecord
from monitor.review.passwords import hash_password
from monitor.store.base import UserStore


async def one_time_login(store: UserStore, name: str, role: Role) -> str:
    """A fresh random password for ``name`` (created or replaced): the demo's one-time login."""
    password = secrets.token_urlsafe(12)
    record = UserRecord(name, role, hash_password(password))
    if not await store.put_user(record):
        await store.put_user(record, replace=True)
    return password

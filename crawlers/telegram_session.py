"""The Telegram session: a secret, and a resource only one run may use at a time.

A session is either a file (telethon's SQLite session, kept with mode 0600) or a ``StringSession`` from
the environment. Its contents never appear in logs or messages. Telegram invalidates a session used by
two connections at once (``AUTH_KEY_DUPLICATED``), so every run holds a lease — an exclusive ``flock``
on a lock file named after the session — for as long as it is connected.
"""

from __future__ import annotations

import asyncio
import binascii
import fcntl
import hashlib
import os
import stat
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telethon.sessions import StringSession

from crawlers.errors import CrawlError

LEASE_POLL_SECONDS = 0.5


def looks_like_string_session(value: str) -> bool:
    return len(value) > 100 and value.startswith("1") and "/" not in value.strip("=")[1:40]


def open_session(value: str | None) -> StringSession | str:
    """The telethon session named by ``TELEGRAM_SESSION``; ``CrawlError`` (without the secret) if unusable."""
    if not value:
        raise CrawlError("TELEGRAM_SESSION is not set: run `jikimi telegram login` to create a session")
    if looks_like_string_session(value):
        try:
            return StringSession(value)
        except (ValueError, struct.error, binascii.Error):
            raise CrawlError("TELEGRAM_SESSION holds a malformed StringSession") from None
    path = Path(value if value.endswith(".session") else value + ".session")
    if not path.exists():
        raise CrawlError(f"Telegram session file {path} does not exist: run `jikimi telegram login`")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CrawlError(f"Telegram session file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    return str(path.with_suffix(""))


def lease_path(locks_dir: Path, session_value: str) -> Path:
    """A lock file named by a digest of the session, so the name reveals nothing of it."""
    digest = hashlib.sha256(session_value.encode()).hexdigest()[:16]
    return locks_dir / f"telegram-session-{digest}.lock"


@asynccontextmanager
async def session_lease(path: Path, wait: float) -> AsyncIterator[None]:
    """Hold the session's lease; wait up to ``wait`` seconds for another run to let go, then give up."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if loop.time() >= deadline:
                    raise CrawlError("the Telegram session is in use by another run; try again later") from None
                await asyncio.sleep(LEASE_POLL_SECONDS)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


async def log_in(path: Path, api_id: int, api_hash: str, ask: Callable[[str, bool], str]) -> Path:
    """Create a session file at ``path`` interactively (phone, code, 2FA password); mode 0600 from the start.

    ``ask(prompt, secret)`` reads one answer from the person logging in.
    """
    from telethon import TelegramClient

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    base = path.with_suffix("") if path.suffix == ".session" else path
    previous = os.umask(0o077)  # telethon creates the file: it must never exist readable by others
    try:
        client = TelegramClient(str(base), api_id, api_hash, receive_updates=False)
        await client.start(
            phone=lambda: ask("Phone number (international format)", False),
            code_callback=lambda: ask("Login code Telegram sent you", False),
            password=lambda: ask("Two-step verification password", True),
        )
        await client.disconnect()
    finally:
        os.umask(previous)
    session_file = base.with_suffix(".session")
    session_file.chmod(0o600)
    return session_file

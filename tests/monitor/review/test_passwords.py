"""argon2 hashing and verification run off the event loop, a bounded number at a time."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from monitor.review import passwords
from monitor.review.passwords import PasswordHashing, WeakPassword


async def test_hashes_made_off_the_loop_verify_and_weak_passwords_are_refused() -> None:
    hashing = PasswordHashing()
    stored = await hashing.hash("correct horse battery staple")
    assert await hashing.matches(stored, "correct horse battery staple")
    assert not await hashing.matches(stored, "wrong") and not await hashing.matches(None, "anything")
    with pytest.raises(WeakPassword):
        await hashing.hash("short")


async def test_no_more_than_the_bound_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    running, most, lock = 0, 0, threading.Lock()

    def slow_matches(stored: str | None, password: str) -> bool:
        nonlocal running, most
        assert threading.current_thread() is not threading.main_thread()
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return True

    monkeypatch.setattr(passwords, "password_matches", slow_matches)
    hashing = PasswordHashing(concurrent=2)
    assert all(await asyncio.gather(*(hashing.matches(None, "x") for _ in range(6))))
    assert most == 2

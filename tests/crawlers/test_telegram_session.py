from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawlers.errors import CrawlError
from crawlers.telegram_session import lease_path, open_session, session_lease


def test_a_missing_session_says_how_to_create_one() -> None:
    with pytest.raises(CrawlError, match="jikimi telegram login"):
        open_session(None)


def test_a_session_file_others_can_read_is_refused(tmp_path: Path) -> None:
    session = tmp_path / "account.session"
    session.write_bytes(b"sqlite")
    session.chmod(0o644)
    with pytest.raises(CrawlError, match="chmod 600"):
        open_session(str(session))
    session.chmod(0o600)
    assert open_session(str(tmp_path / "account")) == str(tmp_path / "account")


def test_a_malformed_string_session_is_refused_without_echoing_it() -> None:
    secret = "1" + "Zm9vYmFy" * 30 + "!!"
    with pytest.raises(CrawlError) as raised:
        open_session(secret)
    assert secret not in str(raised.value) and "StringSession" in str(raised.value)


def test_the_lease_file_name_reveals_nothing_of_the_session(tmp_path: Path) -> None:
    path = lease_path(tmp_path, "1very-secret-session-string")
    assert "secret" not in path.name and path.parent == tmp_path


async def test_two_runs_never_hold_one_session_at_once(tmp_path: Path) -> None:
    lock = tmp_path / "locks" / "session.lock"
    order: list[str] = []

    async def run(name: str, hold: float) -> None:
        async with session_lease(lock, wait=5):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    await asyncio.gather(run("first", 0.6), run("second", 0))
    assert order in (
        ["first in", "first out", "second in", "second out"],
        ["second in", "second out", "first in", "first out"],
    )


async def test_a_run_that_cannot_get_the_session_in_time_gives_up_clearly(tmp_path: Path) -> None:
    lock = tmp_path / "session.lock"
    async with session_lease(lock, wait=1):
        with pytest.raises(CrawlError, match="in use by another run"):
            async with session_lease(lock, wait=0.2):
                pass

"""Removal checks through Telegram's API (``TelegramCrawler.check_removal``), against the wire double.

The HTTP checks of websites and ``t.me/s`` previews run end to end in
``tests/monitor/operations/test_rechecks.py``, through the re-check job that records them.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

from crawlers.base import PostToCheck, SourceState
from crawlers.telegram import TelegramCrawler
from crawlers.telegram_session import session_lease
from tests.doubles.telegram import SyntheticTelegram, TelegramClientDouble, build_channel


async def test_telegram_answers_no_message_for_a_deleted_post(tmp_path: Path) -> None:
    server = SyntheticTelegram()
    channel = build_channel(server, 1001, "public_one", 20, picture_seed=lambda n: n)
    del channel.messages[7]

    def lease() -> AbstractAsyncContextManager[None]:
        return session_lease(tmp_path / "session.lock", wait=5)

    crawler = TelegramCrawler(lambda: TelegramClientDouble(server), lease, 2**20, 30.0, 100, history_wait=0)
    public = SourceState("channel-a", resolved={"channel_id": 1001, "access_hash": channel.access_hash})
    gone = SourceState("channel-b", resolved={"channel_id": 999, "access_hash": 1})  # no longer exists
    never = SourceState("channel-c")  # never resolved: cannot be asked
    posts = [PostToCheck(f"https://t.me/public_one/{n}", "", "", public) for n in (6, 7)]
    posts += [PostToCheck("https://t.me/gone/1", "", "", gone), PostToCheck("https://t.me/never/1", "", "", never)]
    checks = await crawler.check_removal(posts)
    answers = {location: check.online for location, check in checks.items()}
    assert answers == {  # the never-resolved channel cannot be asked: no answer
        "https://t.me/public_one/6": True, "https://t.me/public_one/7": False, "https://t.me/gone/1": False,
    }  # fmt: skip
    assert checks["https://t.me/public_one/7"].result.startswith("message deleted")
    assert checks["https://t.me/gone/1"].result.startswith("channel unavailable")  # not called a deleted post

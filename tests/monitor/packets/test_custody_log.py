"""The custody log in the store: appended safely by concurrent writers, checked end to end."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from config.settings import Settings
from evidence.custody import CustodyBroken
from monitor.context import open_context
from monitor.fingerprint.pool import HashPool
from monitor.packets.custody_log import append_event, verify_all_chains
from monitor.store.sqlite import SqliteStore


async def test_concurrent_writers_extend_one_chain_without_forking_it(tmp_path: Path) -> None:
    first, second = SqliteStore(tmp_path / "s.sqlite3"), SqliteStore(tmp_path / "s.sqlite3")  # two processes' views
    await first.open()
    await second.open()
    await asyncio.gather(
        *(append_event(store, "p", "viewed", f"w{n}", {"n": n}) for n in range(15) for store in (first, second))
    )
    events = await first.custody_events("p")
    assert [e.seq for e in events] == list(range(30))
    assert await verify_all_chains(first) == 30
    await first.close()
    await second.close()


async def test_an_event_edited_in_the_database_is_found_and_named(hash_pool: HashPool, settings: Settings) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        for kind in ("captured", "viewed", "decided"):
            await append_event(context.store, "packet-x", kind, "volunteer-1", {"note": kind})
    database = sqlite3.connect(settings.data_dir / "jikimi.sqlite3")
    body = database.execute("SELECT body FROM custody WHERE seq = 1").fetchone()[0]
    database.execute("UPDATE custody SET body = ? WHERE seq = 1", (body.replace("volunteer-1", "volunteer-2"),))
    database.commit()
    async with open_context(settings, hash_pool=hash_pool) as context:
        with pytest.raises(CustodyBroken, match="event 1 \\(viewed\\).*edited") as raised:
            await verify_all_chains(context.store)
    assert (raised.value.chain, raised.value.seq) == ("packet-x", 1)


async def test_a_deleted_event_breaks_the_chain_at_the_gap(hash_pool: HashPool, settings: Settings) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        for kind in ("captured", "viewed", "decided"):
            await append_event(context.store, "packet-y", kind, "v", {})
    database = sqlite3.connect(settings.data_dir / "jikimi.sqlite3")
    database.execute("DELETE FROM custody WHERE seq = 1")
    database.commit()
    async with open_context(settings, hash_pool=hash_pool) as context:
        with pytest.raises(CustodyBroken, match="removed or re-ordered"):
            await verify_all_chains(context.store)

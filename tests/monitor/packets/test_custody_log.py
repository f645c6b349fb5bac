"""The custody log in the store: appended safely by concurrent writers, checked end to end."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from config.settings import Settings
from evidence.custody import ChainCheck, CustodyBroken, CustodyEvent, CustodyKind, next_event
from evidence.signing import public_key_pem, signing_key_from
from monitor.context import open_context
from monitor.fingerprint.pool import HashPool
from monitor.packets.custody_log import append_event, verify_all_chains
from monitor.store.sqlite import SqliteStore

SIGNER = signing_key_from(bytes(range(100, 132)))
PUBLIC = public_key_pem(SIGNER)


async def test_concurrent_writers_extend_one_chain_without_forking_it(tmp_path: Path) -> None:
    first, second = SqliteStore(tmp_path / "s.sqlite3"), SqliteStore(tmp_path / "s.sqlite3")  # two processes' views
    await first.open()
    await second.open()
    await asyncio.gather(
        *(
            append_event(store, "p", "viewed", f"w{n}", {"n": n}, signer=SIGNER)
            for n in range(15)
            for store in (first, second)
        )
    )
    events = await first.custody_events("p")
    assert [e.seq for e in events] == list(range(30))
    assert await verify_all_chains(first, PUBLIC) == ChainCheck(30, 0)
    await first.close()
    await second.close()


async def test_an_event_edited_in_the_database_is_found_and_named(hash_pool: HashPool, settings: Settings) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        for kind in ("captured", "viewed", "decided"):
            await append_event(context.store, "packet-x", kind, "volunteer-1", {"note": kind}, signer=context.signer)
    database = sqlite3.connect(settings.data_dir / "jikimi.sqlite3")
    body = database.execute("SELECT body FROM custody WHERE seq = 1").fetchone()[0]
    database.execute("UPDATE custody SET body = ? WHERE seq = 1", (body.replace("volunteer-1", "volunteer-2"),))
    database.commit()
    async with open_context(settings, hash_pool=hash_pool) as context:
        with pytest.raises(CustodyBroken, match="event 1 \\(viewed\\).*edited") as raised:
            await verify_all_chains(context.store, public_key_pem(context.signer))
    assert (raised.value.chain, raised.value.seq) == ("packet-x", 1)


async def test_a_deleted_event_breaks_the_chain_at_the_gap(hash_pool: HashPool, settings: Settings) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        for kind in ("captured", "viewed", "decided"):
            await append_event(context.store, "packet-y", kind, "v", {}, signer=context.signer)
    database = sqlite3.connect(settings.data_dir / "jikimi.sqlite3")
    database.execute("DELETE FROM custody WHERE seq = 1")
    database.commit()
    async with open_context(settings, hash_pool=hash_pool) as context:
        with pytest.raises(CustodyBroken, match="removed or re-ordered"):
            await verify_all_chains(context.store, public_key_pem(context.signer))


async def rewrite_chain(store: SqliteStore, chain: str, keep: Callable[[CustodyEvent], bool]) -> None:
    """What someone with write access to the database but not the key can do: drop events and re-hash."""
    events, previous = [e for e in await store.custody_events(chain) if keep(e)], None
    database = sqlite3.connect(store.path)
    database.execute("DELETE FROM custody WHERE chain = ?", (chain,))
    database.commit()
    database.close()
    for event in events:
        previous = next_event(previous, chain, CustodyKind(event.kind), event.actor, event.details, event.at)
        forged = dataclasses.replace(previous, signature=event.signature)  # the old signatures, kept
        assert await store.append_custody(forged)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "s.sqlite3")
    await opened.open()
    yield opened
    await opened.close()


async def test_a_chain_rewritten_and_re_hashed_without_the_key_is_found(store: SqliteStore) -> None:
    for kind in ("captured", "viewed", "revealed", "decided"):
        await append_event(store, "p", CustodyKind(kind), "ae", {}, signer=SIGNER)
    await rewrite_chain(store, "p", lambda event: event.kind != "revealed")
    with pytest.raises(CustodyBroken, match="event 2 \\(decided\\).*signature does not match"):
        await verify_all_chains(store, PUBLIC)


async def test_events_written_before_signing_still_verify_and_are_counted(store: SqliteStore) -> None:
    await append_event(store, "old", CustodyKind.CAPTURED, "jikimi", {}, signer=None)  # an older version's event
    await append_event(store, "old", CustodyKind.VIEWED, "ae", {}, signer=SIGNER)
    assert await verify_all_chains(store, PUBLIC) == ChainCheck(2, 1)
    await append_event(store, "old", CustodyKind.VIEWED, "mallory", {}, signer=None)  # inserted after signing began
    with pytest.raises(CustodyBroken, match="event 2 \\(viewed\\): not signed, but it follows a signed event"):
        await verify_all_chains(store, PUBLIC)


async def test_events_signed_by_another_key_do_not_verify(store: SqliteStore) -> None:
    await append_event(store, "p", CustodyKind.CAPTURED, "jikimi", {}, signer=signing_key_from(bytes(32)))
    with pytest.raises(CustodyBroken, match="signature does not match"):
        await verify_all_chains(store, PUBLIC)

"""Exporting: the log says a packet was exported only once its bundle is in place, and never forks."""

from __future__ import annotations

import asyncio
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from crawlers.sighting import Sighting
from evidence.custody import CustodyKind
from evidence.signing import public_key_pem
from evidence.verify import verify_bundle
from monitor.context import open_context
from monitor.fingerprint.pool import HashPool
from monitor.packets import exporting
from monitor.packets.custody_log import append_event, verify_all_chains
from tests.monitor.review.conftest import add_hit_with_packet


async def test_the_exported_event_is_stored_after_the_bundle_and_is_the_one_the_bundle_holds(
    hash_pool: HashPool, settings: Settings, make_sighting: Callable[..., Sighting], tmp_path: Path
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        (hit,) = await add_hit_with_packet(context, make_sighting())
        assert hit.packet_id is not None
        summary = await exporting.export_packets(context, tmp_path / "b.zip", recipient="police", reason="case 7")
        stored = (await context.store.custody_events(hit.packet_id))[-1]
    with zipfile.ZipFile(summary.path) as bundle:
        held = json.loads(bundle.read(f"data/custody/{hit.packet_id}.jsonl").decode().splitlines()[-1])
    assert stored.kind == "exported" and held["hash"] == stored.hash and held["signature"] == stored.signature
    assert held["details"]["packets"] == 1 and held["details"]["recipient"] == "police"
    assert verify_bundle(summary.path).packets == (hit.packet_id,)


async def test_an_event_recorded_during_the_export_comes_first_and_the_export_names_what_the_bundle_holds(
    hash_pool: HashPool, settings: Settings, make_sighting: Callable[..., Sighting], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    async with open_context(settings, hash_pool=hash_pool) as context:
        (hit,) = await add_hit_with_packet(context, make_sighting())
        assert hit.packet_id is not None
        chain = hit.packet_id
        real = exporting.export_bundle
        loop = asyncio.get_running_loop()  # the export runs export_bundle in a thread; the store lives here

        def with_a_view_meanwhile(*args: Any, **kwargs: Any) -> Any:
            viewed = append_event(context.store, chain, CustodyKind.VIEWED, "ae", {}, signer=context.signer)
            asyncio.run_coroutine_threadsafe(viewed, loop).result()
            return real(*args, **kwargs)

        monkeypatch.setattr(exporting, "export_bundle", with_a_view_meanwhile)
        summary = await exporting.export_packets(context, tmp_path / "b.zip", recipient="court")
        events = await context.store.custody_events(chain)
        await verify_all_chains(context.store, public_key_pem(context.signer))
    assert [e.kind for e in events][-2:] == ["viewed", "exported"]
    with zipfile.ZipFile(summary.path) as bundle:
        held = json.loads(bundle.read(f"data/custody/{chain}.jsonl").decode().splitlines()[-1])
    assert events[-1].details["bundle_holds"] == {"seq": held["seq"], "hash": held["hash"]}
    assert verify_bundle(summary.path).packets == (chain,)

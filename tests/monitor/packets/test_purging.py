"""Purging the pictures of packets: the pictures go, the proof stays, and the purge is in the custody log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from config.errors import UsageError
from config.settings import Settings
from crawlers.sighting import Sighting
from evidence.packet import packet_files
from evidence.signing import public_key_pem
from evidence.stored_packet import PacketCheck, StoredPacket
from evidence.verify import verify_bundle
from monitor.context import open_context
from monitor.fingerprint.pool import HashPool
from monitor.packets.exporting import export_packets
from monitor.packets.purging import purge_media
from tests.monitor.review.conftest import add_hit_with_packet


async def test_a_purge_deletes_the_media_keeps_the_proof_and_is_a_custody_event(
    hash_pool: HashPool, settings: Settings, make_sighting: Callable[..., Sighting], tmp_path: Path
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        (hit,) = await add_hit_with_packet(context, make_sighting())
        assert hit.packet_id is not None
        folder = context.settings.data_dir / (await context.store.packets())[0].path
        media = [name for name, _ in packet_files(folder) if name.startswith("media/")]
        with pytest.raises(UsageError, match="reason"):
            await purge_media(context, cases=["case-7"], reason=" ", actor="ian")
        with pytest.raises(UsageError, match="--case or --packets"):  # nothing chosen is not everything
            await purge_media(context, reason="tidy up", actor="ian")
        assert [name for name, _ in packet_files(folder) if name.startswith("media/")] == media
        report = await purge_media(context, cases=["case-7"], reason="case closed, victim asked", actor="ian")
        assert (report.packets, report.files) == (1, 1)
        remaining = [name for name, _ in packet_files(folder)]
        assert not any(name.startswith("media/") for name in remaining) and "metadata.json" in remaining
        last = (await context.store.custody_events(hit.packet_id))[-1]
        assert (last.kind, last.actor, list(last.details["files"])) == ("purged", "ian", media)
        assert len(last.details["files"][media[0]]) == 64  # the digest of what was deleted
        assert StoredPacket(folder, context.key).check(public_key_pem(context.signer)) == PacketCheck(True)
        again = await purge_media(context, cases=["case-7"], reason="again", actor="ian")
        assert again.files == 0 and (await context.store.custody_events(hit.packet_id))[-1] == last
        summary = await export_packets(context, tmp_path / "b.zip", recipient="court", reason="case 7")
    assert verify_bundle(summary.path).packets == (hit.packet_id,)

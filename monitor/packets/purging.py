"""Purge the pictures of evidence packets once they are no longer needed (a case closed, a victim's wish).

The media and the screenshot showing it are deleted from the packet; everything else stays (metadata,
page, signed manifest, token), so the packet still proves what was seen where and when, by its hashes.
The purge is a custody event naming every deleted file and its digest. Packets are otherwise written
once: this is the one deletion, and it is recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from config.errors import UsageError
from evidence.custody import CustodyKind
from evidence.stored_packet import StoredPacket
from monitor.packets.access import PacketAccess, packets_of
from monitor.packets.custody_log import append_event


@dataclass(frozen=True, slots=True)
class PurgeReport:
    packets: int
    files: int


async def purge_media(
    context: PacketAccess, *, cases: Sequence[str] = (), packet_ids: Sequence[str] = (), reason: str, actor: str
) -> PurgeReport:
    """Delete the picture-bearing files of the chosen packets, recording each purge as a custody event."""
    if not reason.strip():
        raise UsageError("a purge needs a --reason (it is recorded in the custody log)")
    if not cases and not packet_ids:  # never "everything": a purge cannot be undone
        raise UsageError("a purge needs --case or --packets: it deletes pictures for good")
    packets = await packets_of(context.store, cases=cases, packet_ids=packet_ids)
    if not packets:
        raise UsageError("nothing to purge: no evidence packet matches the --case / --packets given")
    deleted = 0
    for packet in packets:
        stored = StoredPacket(context.settings.data_dir / packet.path, context.key)
        files = await asyncio.to_thread(stored.purge_pictures)
        if not files:
            continue
        details = {"reason": reason, "files": files}
        await append_event(context.store, packet.id, CustodyKind.PURGED, actor, details, signer=context.signer)
        deleted += len(files)
    return PurgeReport(len(packets), deleted)

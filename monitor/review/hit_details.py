"""Everything the hit page shows about one hit, gathered from the store and its evidence packet."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from crawlers.sighting import Sighting
from evidence.custody import CustodyEvent
from evidence.signing import public_key_pem
from evidence.stored_packet import StoredPacket
from monitor.context import MonitorContext
from monitor.records import Decision, HitRecord
from monitor.store.queries import HitQuery

OTHER_PLACES_SHOWN = 50  # hits of the same blocklist entry listed on the page (the newest)


@dataclass(frozen=True, slots=True)
class PacketState:
    id: str
    verified: bool
    problem: str | None
    timestamped: bool
    metadata: dict[str, Any]
    problem_key: str = "not_verified"  # the message heading ``problem``, which names the technical reason


@dataclass(frozen=True, slots=True)
class HitDetails:
    hit: HitRecord
    sighting: Sighting | None
    packet: PacketState | None
    same_media: list[Sighting]
    same_entry: list[HitRecord]
    decisions: list[Decision]
    history: list[CustodyEvent] = field(default_factory=list)
    same_entry_total: int = 0


def stored_packet(context: MonitorContext, packet_id: str) -> StoredPacket:
    return StoredPacket(context.packet_dir(packet_id), context.key)


async def packet_state(context: MonitorContext, packet_id: str) -> PacketState:
    """Verify the packet (off the event loop: it decrypts every file) and read its metadata."""
    packet = stored_packet(context, packet_id)
    try:
        check = await asyncio.to_thread(packet.check, public_key_pem(context.signer))
        metadata = await asyncio.to_thread(packet.metadata)
    except (OSError, ValueError, KeyError) as exc:
        return PacketState(packet_id, False, type(exc).__name__, False, {}, problem_key="packet_unreadable")
    return PacketState(packet_id, check.verified, check.problem, packet.has_timestamp(), metadata)


async def hit_details(context: MonitorContext, hit: HitRecord) -> HitDetails:
    """What the page shows about ``hit``: a handful of store queries, whatever the store holds."""
    store = context.store
    same_media = await store.sightings_of([hit.media_sha256])
    sighting = next((s for s in same_media if s.id == hit.sighting_id), None)
    packet = await packet_state(context, hit.packet_id) if hit.packet_id else None
    same_entry = await store.find_hits(
        HitQuery(entry_id=hit.entry_id, exclude_sighting=hit.sighting_id, limit=OTHER_PLACES_SHOWN)
    )
    history = await store.custody_events(hit.custody_chain)
    return HitDetails(
        hit, sighting, packet, [s for s in same_media if s.id != hit.sighting_id], same_entry.hits,
        await store.decisions(hit.id), history, same_entry.total,
    )  # fmt: skip

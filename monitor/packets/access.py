"""What exporting and purging need of an open monitor (the store, the keys, the settings), and how they
choose packets.

A ``Protocol``, so ``monitor/packets`` never imports the context that wires everything (``MonitorContext``
satisfies it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.settings import Settings
from monitor.records import HitRecord, PacketRecord
from monitor.store.base import Store
from monitor.store.queries import HitQuery


class PacketAccess(Protocol):
    settings: Settings
    store: Store
    key: bytes
    signer: Ed25519PrivateKey


async def packets_of(
    store: Store, *, cases: Sequence[str] = (), hit_ids: Sequence[str] = (), packet_ids: Sequence[str] = (),
    since: datetime | None = None,
) -> list[PacketRecord]:  # fmt: skip
    """The packets of these cases, of these hits, or with these ids (any of them), made since ``since``;
    every packet when nothing is asked. Read through the hit index: no caller loads every hit."""
    wanted = set(packet_ids)
    for query in (
        HitQuery(cases=tuple(cases), with_packet=True, limit=None) if cases else None,
        HitQuery(ids=tuple(hit_ids), with_packet=True, limit=None) if hit_ids else None,
    ):
        if query is not None:
            wanted |= {hit.packet_id for hit in (await store.find_hits(query)).hits if hit.packet_id}
    if cases or hit_ids or packet_ids:
        packets = await store.packets_by_id(sorted(wanted))
    else:
        packets = await store.packets_since(since) if since is not None else await store.packets()
    return [packet for packet in packets if since is None or packet.created_at >= since]


async def hits_of_packets(store: Store, packet_ids: Sequence[str], chunk: int = 500) -> dict[str, list[HitRecord]]:
    """Packet id → its hits (every packet asked for has an entry, empty when it has none)."""
    found: dict[str, list[HitRecord]] = {packet_id: [] for packet_id in packet_ids}
    for start in range(0, len(packet_ids), chunk):
        query = HitQuery(packet_ids=tuple(packet_ids[start : start + chunk]), limit=None)
        for hit in (await store.find_hits(query)).hits:
            if hit.packet_id is not None:
                found[hit.packet_id].append(hit)
    return found

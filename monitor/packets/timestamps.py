"""Time-stamp evidence packets: at capture when the authority answers, later when it did not.

A packet without a token is "awaiting timestamp"; ``timestamp_pending`` (``jikimi timestamp``, and later
the scheduler) asks again. Every token added is a ``timestamped`` custody event with its digest and the
authority's time, so a late token is visible as late.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.custody import CustodyKind
from evidence.errors import TimestampUnavailable
from evidence.stored_packet import StoredPacket
from evidence.timestamping import request_token
from monitor.packets.custody_log import append_event
from monitor.store.base import CustodyStore, PacketStore


@dataclass(frozen=True, slots=True)
class TimestampSettings:
    url: str | None
    timeout: float = 10.0


class TimestampStore(CustodyStore, PacketStore, Protocol):
    """Time-stamping reads packets and appends custody events."""


async def timestamp_packet(
    store: CustodyStore, packet_id: str, packet_dir: Path, key: bytes, settings: TimestampSettings, actor: str,
    *, signer: Ed25519PrivateKey | None,
) -> str:  # fmt: skip
    """``timestamped``, ``already``, ``awaiting`` (authority unavailable) or ``off`` (no authority set)."""
    if settings.url is None:
        return "off"
    packet = StoredPacket(packet_dir, key)
    if packet.has_timestamp():
        return "already"
    manifest = await asyncio.to_thread(packet.manifest)
    try:
        token = await request_token(manifest, settings.url, settings.timeout)
    except TimestampUnavailable:
        return "awaiting"
    await asyncio.to_thread(packet.add_timestamp, token)
    details = {"token_sha256": hashlib.sha256(token).hexdigest(), "authority": settings.url}
    await append_event(store, packet_id, CustodyKind.TIMESTAMPED, actor, details, signer=signer)
    return "timestamped"


async def timestamp_pending(
    store: TimestampStore, data_dir: Path, key: bytes, settings: TimestampSettings, actor: str,
    *, signer: Ed25519PrivateKey | None,
) -> dict[str, int]:  # fmt: skip
    """Ask again for every packet still awaiting its token (no ``timestamped`` custody event); counts by outcome.
    A packet time-stamped already is not read at all, so a pass costs the backlog, not the evidence store."""
    counts: dict[str, int] = {}
    for packet in await store.packets_awaiting_timestamp():
        outcome = await timestamp_packet(store, packet.id, data_dir / packet.path, key, settings, actor, signer=signer)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts

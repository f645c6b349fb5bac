"""Everything the hit page shows about one hit, gathered from the store and its evidence packet."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.sighting import Sighting
from evidence.custody import CustodyEvent
from evidence.encryption import decrypt_bytes
from evidence.manifest import MANIFEST_NAME, parse_manifest, shows_the_media
from evidence.packet import ENCRYPTED_SUFFIX, has_timestamp, packet_files
from evidence.signing import SIGNATURE_SUFFIX, public_key_pem, signature_valid
from monitor.context import MonitorContext
from monitor.records import Decision, HitRecord


@dataclass(frozen=True, slots=True)
class PacketState:
    id: str
    verified: bool
    problem: str | None
    timestamped: bool
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class HitDetails:
    hit: HitRecord
    sighting: Sighting | None
    packet: PacketState | None
    same_media: list[Sighting]
    same_entry: list[HitRecord]
    decisions: list[Decision]
    history: list[CustodyEvent] = field(default_factory=list)


def check_packet(folder: Path, key: bytes, public_key: bytes) -> tuple[bool, str | None]:
    """Whether every file matches the manifest and the manifest's signature is good; else the first problem."""
    files = dict(packet_files(folder))
    manifest = decrypt_bytes(files[MANIFEST_NAME], key)
    signature = files.get(MANIFEST_NAME + SIGNATURE_SUFFIX)
    if signature is None or not signature_valid(public_key, manifest, decrypt_bytes(signature, key)):
        return False, "manifest signature missing or invalid"
    for name, digest in parse_manifest(manifest.decode()).items():
        if name not in files and shows_the_media(name):
            continue  # purged (a custody event says so)
        if name not in files or hashlib.sha256(decrypt_bytes(files[name], key)).hexdigest() != digest:
            return False, f"{name} does not match the manifest"
    return True, None


def packet_metadata(folder: Path, key: bytes) -> dict[str, Any]:
    """The packet's ``metadata.json`` (where its media file is, and every fact shown on the hit page)."""
    metadata: dict[str, Any] = json.loads(decrypt_bytes(folder / ("metadata.json" + ENCRYPTED_SUFFIX), key))
    return metadata


async def packet_state(context: MonitorContext, packet_id: str) -> PacketState:
    """Verify the packet (off the event loop: it decrypts every file) and read its metadata."""
    folder = context.packet_dir(packet_id)
    try:
        verified, problem = await asyncio.to_thread(check_packet, folder, context.key, public_key_pem(context.signer))
        metadata = await asyncio.to_thread(packet_metadata, folder, context.key)
    except (OSError, ValueError, KeyError) as exc:
        return PacketState(packet_id, False, f"unreadable: {type(exc).__name__}", False, {})
    return PacketState(packet_id, verified, problem, has_timestamp(folder), metadata)


async def hit_details(context: MonitorContext, hit: HitRecord, hits: list[HitRecord]) -> HitDetails:
    """What the page shows about ``hit``; ``hits`` are all the stored hits (the caller has them already)."""
    store = context.store
    same_media = await store.sightings_of([hit.media_sha256])
    sighting = next((s for s in same_media if s.id == hit.sighting_id), None)
    packet = await packet_state(context, hit.packet_id) if hit.packet_id else None
    same_entry = [h for h in hits if h.entry_id == hit.entry_id and h.sighting_id != hit.sighting_id]
    history = await store.custody_events(hit.custody_chain)
    return HitDetails(
        hit, sighting, packet, [s for s in same_media if s.id != hit.sighting_id], same_entry,
        await store.decisions(hit.id), history,
    )  # fmt: skip

"""Export stored evidence packets to a bundle (``jikimi export`` and the demo).

The export is itself a custody event: each exported packet's chain gets an ``exported`` event (recipient,
reason) before the bundle is written, and the bundle carries those chains (``custody/<packet>.jsonl``),
the signing key, the time-stamping authority's chain, and, for people, ``takedown.csv``, ``index.html``
and ``VERIFY.md`` (``monitor/packets/bundle_documents.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from config.errors import JikimiError
from evidence.bundle import TSA_CHAIN_NAME, ExportSummary, export_bundle
from evidence.custody import CustodyKind
from evidence.signing import public_key_pem
from evidence.stored_packet import StoredPacket
from monitor.packets.access import PacketAccess, hits_of_packets, packets_of
from monitor.packets.bundle_documents import ExportedPacket, index_html, takedown_csv, verify_md
from monitor.packets.custody_log import append_event, last_check
from monitor.records import PacketRecord


async def select_packets(
    context: PacketAccess, cases: Sequence[str], hit_ids: Sequence[str], since: datetime | None
) -> list[PacketRecord]:
    """The packets to export: of these cases, of these hits, created since a time; all without filters."""
    packets = await packets_of(context.store, cases=cases, hit_ids=hit_ids, since=since)
    if (cases or hit_ids or since) and not packets:
        raise JikimiError("nothing to export: no evidence packet matches the --case / --hits / --since given")
    return packets


async def export_packets(
    context: PacketAccess, out: Path, *, hash_only: bool = False, recipient: str = "(not given)",
    reason: str = "(not given)", actor: str = "", cases: Sequence[str] = (), hit_ids: Sequence[str] = (),
    since: datetime | None = None,
) -> ExportSummary:  # fmt: skip
    """Write the selected packets into ``out``; media are decrypted only into the bundle."""
    root = context.settings.data_dir
    packets = await select_packets(context, cases, hit_ids, since)
    hits = await hits_of_packets(context.store, [packet.id for packet in packets])
    sightings = {s.id: s for s in await context.store.sightings_by_id([packet.sighting_id for packet in packets])}
    extra: dict[str, bytes] = {}
    rows = []
    for packet in packets:
        details = {"recipient": recipient, "reason": reason, "bundle": out.name, "hash_only": hash_only}
        await append_event(
            context.store, packet.id, CustodyKind.EXPORTED, actor or context.settings.operator or "jikimi", details
        )
        events = await context.store.custody_events(packet.id)
        extra[f"custody/{packet.id}.jsonl"] = "".join(event.to_json_line() + "\n" for event in events).encode()
        stamp = "time-stamped" if StoredPacket(root / packet.path, context.key).has_timestamp() else "awaiting"
        rows.append(ExportedPacket(packet, sightings[packet.sighting_id], hits[packet.id], stamp, last_check(events)))
    extra["takedown.csv"] = takedown_csv(rows)
    extra["index.html"] = index_html(rows, out.name, recipient, reason, hash_only)
    extra["VERIFY.md"] = verify_md(out.name)
    if context.settings.tsa_chain is not None:
        extra[TSA_CHAIN_NAME] = context.settings.tsa_chain.read_bytes()
    folders = [root / packet.path for packet in packets]
    public_key = public_key_pem(context.signer)
    return await asyncio.to_thread(
        export_bundle,
        folders,
        out,
        context.key,
        hash_only=hash_only,
        public_key=public_key,
        extra=extra,
        organization=context.settings.operator or "jikimi",
    )

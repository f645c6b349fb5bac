"""Export stored evidence packets to a bundle (``jikimi export`` and the demo).

The export is itself a custody event: each exported packet's chain gets an ``exported`` event (recipient,
reason, the export's id and how many packets it holds), signed like every event. The bundle carries those
chains (``custody/<packet>.jsonl``) ending with that event, the list of their SHA-256
(``custody/manifest-sha256.txt``) time-stamped when an authority is configured, the signing key, the
authority's chain, and, for people, ``takedown.csv``, ``index.html`` and ``VERIFY.md``
(``monitor/packets/bundle_documents.py``) and the spread of the bundle's pictures and distributors within
its cases (``spread-*.csv|json``, ``monitor/packets/bundle_spread.py``). Those documents and the bag's own
files are listed in ``documents-sha256.txt``, signed and time-stamped like the chains
(``evidence/document_list.py``); the ``exported`` events say so, so a bundle whose list was taken out fails.

Order, so that the log never claims an export that did not happen: 1. the ``exported`` events are made
(signed) but not stored; 2. the chains that end with them go into the bundle, with their time-stamp;
3. the bundle is written and renamed into place; 4. only then are the events stored. A crash before 4
leaves no ``exported`` event; the bundle, if it was written, carries its own signed events.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from config.errors import JikimiError
from evidence.bundle import PAYLOAD, TSA_CHAIN_NAME, ExportSummary, Seal, export_bundle
from evidence.bundle_layout import CUSTODY_MANIFEST
from evidence.custody import CustodyEvent, CustodyKind, next_event
from evidence.document_list import DOCUMENTS_LISTED, seal_documents
from evidence.errors import TimestampUnavailable
from evidence.signing import public_key_pem, sign
from evidence.stored_packet import StoredPacket
from evidence.timestamping import TOKEN_SUFFIX, request_token
from evidence.verify_custody import render_custody_manifest
from monitor.packets.access import PacketAccess, hits_of_packets, packets_of
from monitor.packets.bundle_documents import ExportedPacket, index_html, takedown_csv, verify_md
from monitor.packets.bundle_spread import spread_documents
from monitor.packets.custody_log import append_event, last_check, now_ms
from monitor.records import PacketRecord

log = logging.getLogger("jikimi.export")
CHAINS_LIST = CUSTODY_MANIFEST.removeprefix(PAYLOAD)  # where the list of chain digests goes in the bundle


async def select_packets(
    context: PacketAccess, cases: Sequence[str], hit_ids: Sequence[str], since: datetime | None
) -> list[PacketRecord]:
    """The packets to export: of these cases, of these hits, created since a time; all without filters."""
    packets = await packets_of(context.store, cases=cases, hit_ids=hit_ids, since=since)
    if (cases or hit_ids or since) and not packets:
        raise JikimiError("nothing to export: no evidence packet matches the --case / --hits / --since given")
    return packets


async def _stamp(context: PacketAccess, listed: bytes, what: str) -> bytes | None:
    """A token over a list of digests (the chains', dating every chain head; the documents'), or ``None``
    without an authority or when it does not answer (the bundle is still written, and says so)."""
    url = context.settings.tsa_url
    if url is None:
        return None
    try:
        return await request_token(listed, url, context.settings.tsa_timeout)
    except TimestampUnavailable as exc:
        log.warning("export: the %s are not time-stamped: %s", what, exc)
        return None


def _document_seal(context: PacketAccess, loop: asyncio.AbstractEventLoop) -> Seal:
    """The signed, time-stamped document list, made inside the export's thread once every member is written;
    the token is asked for on the event loop, which waits for that thread meanwhile."""

    def stamp(listed: bytes) -> bytes | None:
        return asyncio.run_coroutine_threadsafe(_stamp(context, listed, "bundle documents"), loop).result()

    return lambda digests: seal_documents(digests, lambda listed: sign(context.signer, listed), stamp)


async def _record_exports(context: PacketAccess, pending: Sequence[CustodyEvent]) -> None:
    """Store the ``exported`` events the bundle carries. If another event took one's place during the export
    (a reviewer's view), the export is recorded after it, naming the event the bundle holds instead."""
    for event in pending:
        if await context.store.append_custody(event):
            continue
        log.warning("export: custody chain %s moved on during the export; recording it after", event.chain)
        details = dict(event.details) | {"bundle_holds": {"seq": event.seq, "hash": event.hash}}
        await append_event(
            context.store, event.chain, CustodyKind.EXPORTED, event.actor, details, signer=context.signer
        )


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
    details: Mapping[str, Any] = {
        "recipient": recipient, "reason": reason, "bundle": out.name, "hash_only": hash_only,
        "export_id": str(uuid.uuid4()), "packets": len(packets), DOCUMENTS_LISTED: True,
    }  # fmt: skip
    who = actor or context.settings.operator or "jikimi"
    chains: dict[str, bytes] = {}
    pending, rows = [], []
    for packet in packets:  # 1. the exported events, made and signed, not stored yet
        events = await context.store.custody_events(packet.id)
        previous = events[-1] if events else None
        exported = next_event(previous, packet.id, CustodyKind.EXPORTED, who, details, now_ms(), context.signer)
        pending.append(exported)
        events.append(exported)
        chains[f"custody/{packet.id}.jsonl"] = "".join(event.to_json_line() + "\n" for event in events).encode()
        stamp = "time-stamped" if StoredPacket(root / packet.path, context.key).has_timestamp() else "awaiting"
        rows.append(ExportedPacket(packet, sightings[packet.sighting_id], hits[packet.id], stamp, last_check(events)))
    extra = dict(chains)  # 2. the chains, their digests and its time-stamp
    extra[CHAINS_LIST] = render_custody_manifest(chains)
    token = await _stamp(context, extra[CHAINS_LIST], "custody chains")
    if token is not None:
        extra[CHAINS_LIST + TOKEN_SUFFIX] = token
    extra["takedown.csv"] = takedown_csv(rows)
    extra["index.html"] = index_html(rows, out.name, recipient, reason, hash_only)
    extra["VERIFY.md"] = verify_md(out.name)
    extra |= await spread_documents(context.store, [hit for found in hits.values() for hit in found])
    if context.settings.tsa_chain is not None:
        extra[TSA_CHAIN_NAME] = context.settings.tsa_chain.read_bytes()
    folders = [root / packet.path for packet in packets]
    summary = await asyncio.to_thread(  # 3. the bundle, renamed into place
        export_bundle, folders, out, context.key, hash_only=hash_only, public_key=public_key_pem(context.signer),
        extra=extra, organization=context.settings.operator or "jikimi",
        seal=_document_seal(context, asyncio.get_running_loop()),
    )  # fmt: skip
    await _record_exports(context, pending)  # 4. only now the log says it was exported
    return summary

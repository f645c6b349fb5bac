"""Export stored evidence packets to a bundle (``jikimi export`` and the demo).

The export is itself a custody event: each exported packet's chain gets an ``exported`` event (recipient,
reason) before the bundle is written, and the bundle carries those chains (``custody/<packet>.jsonl``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from evidence.bundle import TSA_CHAIN_NAME, ExportSummary, export_bundle
from evidence.signing import public_key_pem
from monitor.context import MonitorContext
from monitor.custody_log import append_event


async def export_packets(
    context: MonitorContext, out: Path, *, hash_only: bool = False, recipient: str = "(not given)",
    reason: str = "(not given)", actor: str = "",
) -> ExportSummary:  # fmt: skip
    """Write every packet in the store into ``out``; media are decrypted only into the bundle."""
    root = context.settings.data_dir
    packets = await context.store.packets()
    custody: dict[str, bytes] = {}
    for packet in packets:
        details = {"recipient": recipient, "reason": reason, "bundle": out.name, "hash_only": hash_only}
        await append_event(
            context.store, packet.id, "exported", actor or context.settings.operator or "jikimi", details
        )
        events = await context.store.custody_events(packet.id)
        custody[f"custody/{packet.id}.jsonl"] = "".join(event.to_json_line() + "\n" for event in events).encode()
    folders = [root / packet.path for packet in packets]
    public_key = public_key_pem(context.signer)
    if context.settings.tsa_chain is not None:
        custody[TSA_CHAIN_NAME] = context.settings.tsa_chain.read_bytes()
    return await asyncio.to_thread(
        export_bundle, folders, out, context.key, hash_only=hash_only, public_key=public_key, extra=custody
    )

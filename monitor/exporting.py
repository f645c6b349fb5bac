"""Export the stored evidence packets to a bundle (``jikimi export`` and the demo)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from evidence.bundle import ExportSummary, export_bundle
from evidence.signing import public_key_pem
from monitor.context import MonitorContext


async def export_packets(context: MonitorContext, out: Path, *, hash_only: bool = False) -> ExportSummary:
    """Write every packet in the store into ``out``; media are decrypted only into the bundle."""
    root = context.settings.data_dir
    folders = [root / packet.path for packet in await context.store.packets()]
    public_key = public_key_pem(context.signer)
    return await asyncio.to_thread(export_bundle, folders, out, context.key, hash_only=hash_only, public_key=public_key)

"""Purge the pictures of evidence packets once they are no longer needed (a case closed, a victim's wish).

The media and the screenshot showing it are deleted from the packet; everything else stays (metadata,
page, signed manifest, token), so the packet still proves what was seen where and when, by its hashes.
The purge is a custody event naming every deleted file and its digest. Packets are otherwise written
once: this is the one deletion, and it is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config.errors import UsageError
from evidence.manifest import MANIFEST_NAME, parse_manifest, shows_the_media
from evidence.packet import packet_files, read_manifest
from monitor.packets.access import PacketAccess
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
    hits = await context.store.hits()
    wanted = {h.packet_id for h in hits if h.case in cases} | set(packet_ids)
    packets = [p for p in await context.store.packets() if p.id in wanted]
    if not packets:
        raise UsageError("nothing to purge: no evidence packet matches the --case / --packets given")
    deleted = 0
    for packet in packets:
        folder = context.settings.data_dir / packet.path
        digests = parse_manifest(read_manifest(folder, context.key).decode(), MANIFEST_NAME)
        doomed = [(name, path) for name, path in packet_files(folder) if shows_the_media(name)]
        if not doomed:
            continue
        folders = {folder} | {path.parent for _, path in doomed}
        modes = {f: f.stat().st_mode & 0o777 for f in folders}
        try:
            for writable in folders:
                writable.chmod(0o700)
            for _, path in doomed:
                path.unlink()
        finally:
            for restored, mode in modes.items():
                restored.chmod(mode)
        files = {name: digests.get(name, "") for name, _ in doomed}
        await append_event(context.store, packet.id, "purged", actor, {"reason": reason, "files": files})
        deleted += len(doomed)
    return PurgeReport(len(packets), deleted)

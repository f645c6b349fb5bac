"""Evidence packets as the monitor keeps them: the custody log in the store, time-stamps, exports to
bundles with their documents for people, and purging pictures. Building and checking packets is
``evidence/``; this package records what happens to them."""

from monitor.packets.custody_log import append_event, verify_all_chains
from monitor.packets.exporting import export_packets
from monitor.packets.purging import PurgeReport, purge_media
from monitor.packets.timestamps import TimestampSettings, timestamp_packet, timestamp_pending

__all__ = [
    "PurgeReport",
    "TimestampSettings",
    "append_event",
    "export_packets",
    "purge_media",
    "timestamp_packet",
    "timestamp_pending",
    "verify_all_chains",
]

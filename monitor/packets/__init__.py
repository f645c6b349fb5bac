"""Evidence packets as the monitor keeps them: the custody log in the store, time-stamps, exports to
bundles with their documents for people, and purging pictures. Building and checking packets is
``evidence/``; this package records what happens to them.

The names below are imported on first use (``config/lazy_imports.py``): reading the custody log must not
load the exporter's and the time-stamp client's libraries."""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.packets.custody_log import append_event, verify_all_chains
    from monitor.packets.exporting import export_packets
    from monitor.packets.purging import PurgeReport, purge_media
    from monitor.packets.timestamps import TimestampSettings, timestamp_packet, timestamp_pending
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.packets.custody_log": ("append_event", "verify_all_chains"),
            "monitor.packets.exporting": ("export_packets",),
            "monitor.packets.purging": ("PurgeReport", "purge_media"),
            "monitor.packets.timestamps": ("TimestampSettings", "timestamp_packet", "timestamp_pending"),
        },
    )

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

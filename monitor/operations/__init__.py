"""Running unattended: the daemon, its scheduler, removal re-checks, alerts, status and logs.

The names below are imported on first use (``config/lazy_imports.py``): ``jikimi status`` needs only
``status`` and ``rechecks``, and importing them must not load the daemon and everything it wires together.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.operations.alerts import Alert, Alerter
    from monitor.operations.daemon import Daemon
    from monitor.operations.logs import setup_logging
    from monitor.operations.rechecks import recheck_confirmed, removal_stats
    from monitor.operations.scheduler import SourceScheduler
    from monitor.operations.status import prometheus_text, read_daemon_status, source_statuses
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.operations.alerts": ("Alert", "Alerter"),
            "monitor.operations.daemon": ("Daemon",),
            "monitor.operations.logs": ("setup_logging",),
            "monitor.operations.rechecks": ("recheck_confirmed", "removal_stats"),
            "monitor.operations.scheduler": ("SourceScheduler",),
            "monitor.operations.status": ("prometheus_text", "read_daemon_status", "source_statuses"),
        },
    )

__all__ = [
    "Alert",
    "Alerter",
    "Daemon",
    "SourceScheduler",
    "prometheus_text",
    "read_daemon_status",
    "recheck_confirmed",
    "removal_stats",
    "setup_logging",
    "source_statuses",
]

"""Running unattended: the daemon, its scheduler, removal re-checks, alerts, status and logs."""

from monitor.operations.alerts import Alert, Alerter
from monitor.operations.daemon import Daemon
from monitor.operations.logs import setup_logging
from monitor.operations.rechecks import recheck_confirmed, removal_stats
from monitor.operations.scheduler import SourceScheduler
from monitor.operations.status import prometheus_text, read_daemon_status, source_statuses

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

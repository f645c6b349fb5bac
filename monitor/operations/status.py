"""``jikimi status``: what runs, what is broken, at a glance, for a volunteer (and ``/metrics`` for machines)."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from config.watchlist import Source
from evidence.canonical_json import utc_z
from monitor.records import HitStatus, RunRecord, RunStatus
from monitor.store.base import RunStore, Store

STALE_AFTER = timedelta(seconds=30)
STATUS_FILE = "daemon-status.json"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    source: Source
    last: RunRecord | None
    last_success: datetime | None
    failures_in_a_row: int
    next_run: str | None
    running: bool

    @property
    def summary(self) -> str:
        """The one-word state a volunteer reads first."""
        if self.running:
            return "running"
        if self.last is None:
            return "never run"
        if self.last.status == RunStatus.RATE_LIMITED and self.last.retry_at is not None:
            return f"rate-limited until {utc_z(self.last.retry_at)}"
        return self.last.status.replace("-", " ")


def process_alive(pid: int) -> bool:
    """Whether a process of this host with this id exists (someone else's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_daemon_status(data_dir: Path) -> dict[str, Any] | None:
    """The daemon's status file, if a live daemon wrote it recently; ``None`` when no daemon runs."""
    path = data_dir / STATUS_FILE
    try:
        status: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    beat = datetime.fromisoformat(str(status.get("heartbeat", "")).replace("Z", "+00:00"))
    alive = datetime.now(UTC) - beat < STALE_AFTER
    if status.get("host") == socket.gethostname() and not process_alive(int(status.get("pid", 0))):
        alive = False
    return status if alive else None


async def source_statuses(store: RunStore, sources: list[Source], daemon: dict[str, Any] | None) -> list[SourceStatus]:
    statuses = []
    next_runs = (daemon or {}).get("next_runs", {})
    running = set((daemon or {}).get("running", []))
    for source in sources:
        runs = await store.source_runs(source.id)
        statuses.append(SourceStatus(
            source, runs.last, runs.last_success, runs.failures_in_a_row, next_runs.get(source.id),
            f"source:{source.id}" in running,
        ))  # fmt: skip
    return statuses


async def prometheus_text(store: Store, per_source: bool = True) -> str:
    """Prometheus text exposition: runs, sightings, hits, errors, queue length, last success per source.

    ``per_source=False`` adds the sources up (runs by status, errors, the latest success of any source):
    what the review server shows without its metrics token, since source ids name what is watched.
    """
    counts = await store.counts()
    pending = (await store.hit_facets()).by_status.get(HitStatus.PENDING, 0)
    totals = await store.run_totals()

    def key(source: str, status: str = "") -> tuple[str, str]:
        return (source if per_source else "", status)

    runs_by_status: dict[tuple[str, str], float] = {}
    for (source, status), count in totals.runs.items():
        runs_by_status[key(source, status)] = runs_by_status.get(key(source, status), 0.0) + count
    errors: dict[tuple[str, str], float] = {}
    for source, count in totals.errors.items():
        errors[key(source)] = errors.get(key(source), 0.0) + count
    last_success: dict[tuple[str, str], float] = {}
    for source, when in totals.last_success.items():
        last_success[key(source)] = max(last_success.get(key(source), 0.0), when.timestamp())
    families: list[tuple[str, str, str, dict[tuple[str, str], float]]] = [
        ("jikimi_sightings_total", "counter", "Sightings stored.", {("", ""): counts["sightings"]}),
        ("jikimi_hits_total", "counter", "Hits stored.", {("", ""): counts["hits"]}),
        ("jikimi_packets_total", "counter", "Evidence packets.", {("", ""): counts["packets"]}),
        ("jikimi_review_queue_length", "gauge", "Hits awaiting review.",
         {("", ""): pending}),
        ("jikimi_runs_total", "counter", "Runs by source and status.", runs_by_status),
        ("jikimi_errors_total", "counter", "Items that failed, by source.", errors),
        ("jikimi_last_success_timestamp_seconds", "gauge", "End of the last ok run.", last_success),
    ]  # fmt: skip
    lines: list[str] = []
    for name, kind, help_text, samples in families:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for (source, status), value in sorted(samples.items()):
            labels = ",".join(
                f'{label}="{_label(text)}"' for label, text in (("source", source), ("status", status)) if text
            )
            number = str(int(value)) if float(value).is_integer() else repr(float(value))
            lines.append(f"{name}{{{labels}}} {number}" if labels else f"{name} {number}")
    return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

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
from monitor.records import RunRecord
from monitor.store.base import Store

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
        if self.last.status == "rate-limited" and self.last.error:
            return self.last.error.split(":", 1)[0]  # "rate-limited until T"
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


async def source_statuses(store: Store, sources: list[Source], daemon: dict[str, Any] | None) -> list[SourceStatus]:
    statuses = []
    next_runs = (daemon or {}).get("next_runs", {})
    running = set((daemon or {}).get("running", []))
    for source in sources:
        runs = await store.runs(source.id)
        failures = 0
        for run in runs:
            if run.status in ("ok", "stopped", "running"):
                break
            failures += 1
        success = next((run.finished_at for run in runs if run.status == "ok"), None)
        statuses.append(SourceStatus(
            source, runs[0] if runs else None, success, failures, next_runs.get(source.id),
            f"source:{source.id}" in running,
        ))  # fmt: skip
    return statuses


async def prometheus_text(store: Store) -> str:
    """Prometheus text exposition: runs, sightings, hits, errors, queue length, last success per source."""
    counts = await store.counts()
    hits = await store.hits()
    runs_by_status: dict[tuple[str, str], float] = {}
    errors: dict[tuple[str, str], float] = {}
    last_success: dict[tuple[str, str], float] = {}
    for run in await store.runs():
        key = (run.source_id, run.status)
        runs_by_status[key] = runs_by_status.get(key, 0) + 1
        errors[(run.source_id, "")] = errors.get((run.source_id, ""), 0) + int(run.counters.get("errors", 0))
        if run.status == "ok" and run.finished_at is not None:
            seen = last_success.get((run.source_id, ""), 0.0)
            last_success[(run.source_id, "")] = max(seen, run.finished_at.timestamp())
    families: list[tuple[str, str, str, dict[tuple[str, str], float]]] = [
        ("jikimi_sightings_total", "counter", "Sightings stored.", {("", ""): counts["sightings"]}),
        ("jikimi_hits_total", "counter", "Hits stored.", {("", ""): counts["hits"]}),
        ("jikimi_packets_total", "counter", "Evidence packets.", {("", ""): counts["packets"]}),
        ("jikimi_review_queue_length", "gauge", "Hits awaiting review.",
         {("", ""): sum(1 for h in hits if h.status == "pending")}),
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

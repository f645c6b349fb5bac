"""``jikimi run`` (the daemon) and ``jikimi status`` (what it is doing), for the command line."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from config.settings import load_settings
from config.watchlist import load_watchlist
from crawlers.registry import config_models
from evidence.canonical_json import utc_z
from monitor.rechecks import RemovalStats
from monitor.status import SourceStatus
from monitor.store import store_from_settings

console = Console(highlight=False)
if not console.is_terminal:
    console = Console(highlight=False, width=200)


def run(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
) -> None:
    """Run every source on its schedule and serve the review UI, until SIGTERM or Ctrl-C."""
    from monitor.daemon import Daemon
    from monitor.logs import setup_logging

    settings = load_settings()
    json_lines = {"json": True, "text": False}.get(settings.log_format)
    setup_logging(settings, json_lines=json_lines)
    asyncio.run(Daemon(settings, watchlist or settings.watchlist).run())


def status(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
    removals: Annotated[bool, typer.Option("--removals", help="Removal of confirmed material, per platform.")] = False,
) -> None:
    """Each source's last run, next run and state; totals; with --removals, how fast material came down."""
    from monitor.rechecks import removal_stats
    from monitor.status import read_daemon_status, source_statuses

    settings = load_settings()
    sources = load_watchlist(watchlist or settings.watchlist, config_models())
    daemon = read_daemon_status(settings.data_dir)

    async def gather() -> tuple[list[SourceStatus], dict[str, int], list[RemovalStats]]:
        store = store_from_settings(settings)
        await store.open()
        try:
            found = await source_statuses(store, sources, daemon)
            return found, await store.counts(), await removal_stats(store) if removals else []
        finally:
            await store.close()

    statuses, counts, removal_rows = asyncio.run(gather())
    if daemon:
        console.print(
            f"daemon: running since {daemon['started_at']} (pid {daemon['pid']}); review UI {daemon['review_url']}"
        )
    else:
        console.print("daemon: NOT running (start it with `jikimi run`)")
    table = Table(
        "source", "kind", "state", "last run (UTC)", "sightings / hits / errors", "failed in a row", "next run"
    )
    for row in statuses:
        last = row.last
        counters = last.counters if last else {}
        table.add_row(
            row.source.id, row.source.kind, row.summary, utc_z(last.started_at) if last else "—",
            f"{counters.get('sightings', 0)} / {counters.get('hits', 0)} / {counters.get('errors', 0)}",
            str(row.failures_in_a_row), row.next_run or ("—" if daemon else "(daemon not running)"),
        )  # fmt: skip
    console.print(table)
    console.print(", ".join(f"{name}: {value}" for name, value in counts.items()))
    if removals:
        removed = Table("platform", "confirmed", "removed", "still online", "median time to removal")
        for stats in removal_rows:
            median = f"{stats.median_hours:.1f} h" if stats.median_hours is not None else "—"
            removed.add_row(stats.platform, str(stats.confirmed), str(stats.removed), str(stats.still_online), median)
        console.print(removed)

"""``jikimi run`` (the daemon) and ``jikimi status`` (what it is doing), for the command line."""

from __future__ import annotations

import signal
import threading
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from evidence.canonical_json import utc_z
from monitor.cli.console import make_console

if TYPE_CHECKING:
    from monitor.operations.rechecks import RemovalStats
    from monitor.operations.status import SourceStatus


def run(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
) -> None:
    """Run every source on its schedule and serve the review UI, until SIGTERM or Ctrl-C."""
    # First, before the heavy imports: a SIGTERM from now on is a request to stop, not the default death.
    stop_requested = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop_requested.set())
    import asyncio

    from config.settings import load_settings
    from monitor.context import MonitorContext
    from monitor.operations.daemon import Daemon, ReviewServer
    from monitor.operations.logs import setup_logging
    from monitor.review.app import running_review_server

    settings = load_settings()
    json_lines = {"json": True, "text": False}.get(settings.log_format)
    setup_logging(settings, json_lines=json_lines)

    def review_server(context: MonitorContext) -> AbstractAsyncContextManager[str]:
        return running_review_server(context, settings)

    serve: ReviewServer | None = review_server if settings.daemon_serve_review else None
    daemon = Daemon(settings, watchlist or settings.watchlist, review_server=serve, stop_requested=stop_requested)
    asyncio.run(daemon.run())


def status(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
    removals: Annotated[bool, typer.Option("--removals", help="Removal of confirmed material, per platform.")] = False,
) -> None:
    """Each source's last run, next run and state; totals; with --removals, how fast material came down."""
    import asyncio

    from config.settings import load_settings
    from config.watchlist import load_watchlist
    from crawlers.registry import config_models
    from monitor.operations.rechecks import removal_stats
    from monitor.operations.status import read_daemon_status, source_statuses
    from monitor.store import store_from_settings

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
    console = make_console()
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

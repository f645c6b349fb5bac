"""``jikimi crawl``: each source of the watchlist once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.errors import JikimiError
from monitor.cli.console import crawl_progress, make_console, print_runs


def crawl(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source id (repeatable).")] = None,
) -> None:
    """Crawl each source of the watchlist once."""
    import asyncio

    from config.settings import load_settings
    from config.watchlist import load_watchlist
    from crawlers.registry import config_models
    from monitor.context import open_context
    from monitor.runner import cancel_on_sigterm, crawl_sources

    settings = load_settings()
    sources = load_watchlist(watchlist or settings.watchlist, config_models())
    if source:
        unknown = sorted(set(source) - {s.id for s in sources})
        if unknown:
            raise JikimiError(f"no source {', '.join(map(repr, unknown))} in the watchlist")
        sources = [s for s in sources if s.id in source]
    console = make_console()

    async def run() -> None:
        with cancel_on_sigterm():
            async with open_context(settings) as context:
                with crawl_progress(console, "crawling") as progress:
                    runs = await crawl_sources(context, sources, progress)
        print_runs(console, runs)

    try:
        asyncio.run(run())
    except asyncio.CancelledError:
        console.print("stopped by SIGTERM: temporary media removed; the next crawl resumes from the watermarks")
        raise typer.Exit(143) from None

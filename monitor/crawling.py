"""Crawl sources through the pipeline (used by ``jikimi crawl``, ``jikimi demo`` and later the scheduler)."""

from __future__ import annotations

from collections.abc import Sequence

from config.watchlist import Source
from crawlers.registry import crawler_for
from monitor.context import MonitorContext
from monitor.pipeline import ProgressCallback
from monitor.records import RunRecord


async def crawl_sources(
    context: MonitorContext, sources: Sequence[Source], on_progress: ProgressCallback | None = None
) -> list[RunRecord]:
    """Crawl each enabled source once; a failing source is recorded on its run and the others go on."""
    pipeline = await context.pipeline()
    runs = []
    for source in sources:
        if not source.enabled:
            continue
        crawler = crawler_for(source.kind).from_settings(context.settings)
        runs.append(await pipeline.run_source(source, crawler, context.workdir, on_progress))
    return runs


"""Crawl sources through the pipeline (used by ``jikimi crawl``, ``jikimi demo`` and later the scheduler)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from config.watchlist import Source
from crawlers.registry import crawler_for
from monitor.context import MonitorContext
from monitor.records import RunRecord
from monitor.runner import ProgressCallback, SourceRun


async def crawl_sources(
    context: MonitorContext, sources: Sequence[Source], on_progress: ProgressCallback | None = None
) -> list[RunRecord]:
    """Crawl each enabled source once; a failing source is recorded on its run and the others go on."""
    sweep_stale_workdirs(context.workdir, older_than=2 * context.settings.crawl_deadline)
    pipeline = await context.pipeline()
    runs = []
    for source in sources:
        if not source.enabled:
            continue
        crawler = crawler_for(source.kind).from_settings(context.settings)
        run = SourceRun(pipeline, source, crawler, 2 * context.hash_pool.workers, on_progress)
        runs.append(await run.execute(context.workdir))
    return runs


def sweep_stale_workdirs(workdir: Path, older_than: float) -> None:
    """Remove work directories a killed crawl left behind (temporary media must not linger).

    Only those older than ``older_than`` seconds: another process may be crawling into a fresh one.
    """
    if not workdir.is_dir():
        return
    cutoff = time.time() - older_than
    for stale in workdir.iterdir():
        if stale.is_dir() and stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)

"""``jikimi report --out DIR``: the takedown accountability report, full and public, written to ``DIR``.

Read from the store (``JIKIMI_DATA_DIR``): every confirmed location, its removal re-checks and the notices
sent about it (``monitor/takedown/report_gathering.py``); written by ``monitor/takedown/report_files.py``:
``DIR/index.html`` and ``DIR/report.csv`` for the group, ``DIR/public/`` (counts only) to publish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.console import make_console, shown


def report(
    out: Annotated[Path, typer.Option("--out", help="Directory to write (created; its report files are replaced).")],
) -> None:
    """Write the accountability report: removals, time to removal and share still online, per platform and
    recipient, as HTML with plots and CSV, and a public counts-only variant in DIR/public."""
    import asyncio
    from datetime import UTC, datetime

    from config.errors import UsageError
    from config.settings import load_settings
    from monitor.store import store_from_settings
    from monitor.takedown.report_files import write_report
    from monitor.takedown.report_gathering import removal_timelines
    from monitor.takedown.report_outbox import OutboxHistory
    from monitor.takedown.report_records import RemovalTimeline

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a directory (got the file {out})")
    settings = load_settings()

    async def gather() -> list[RemovalTimeline]:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = store_from_settings(settings)
        await store.open()
        try:
            return await removal_timelines(store, OutboxHistory(store))
        finally:
            await store.close()

    timelines = asyncio.run(gather())
    files = write_report(timelines, out, as_of=datetime.now(UTC))
    removed = sum(1 for timeline in timelines if timeline.outcome.removed)
    console = make_console()
    console.print(shown(f"{len(timelines)} confirmed location(s), {removed} removed"))
    console.print(shown(f"report: {files.full / 'index.html'} and {files.full / 'report.csv'}"))
    console.print(shown(f"public (counts only): {files.public / 'index.html'} and {files.public / 'report.csv'}"))

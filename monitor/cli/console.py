"""What the CLI shows: hit tables, run summaries and crawl progress (rich on a terminal, plain lines elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from config.untrusted_text import json_line_for_terminal, visible
from crawlers.codec import to_jsonable
from monitor.counters import ProgressCallback, RunCounters
from monitor.records import HitRecord, RunRecord


def shown(text: str) -> Text:
    """Text from a site or a hash list as a table cell: never parsed as rich markup (``[/]`` in a page
    title would crash the table), its control characters written out (``config/untrusted_text.py``)."""
    return Text(visible(text))


def hits_table(hits: Sequence[HitRecord]) -> Table:
    table = Table(title=f"Hits ({len(hits)})", show_lines=False)
    for column in ("location", "media", "matched entry", "distance", "status"):
        table.add_column(column, overflow="fold")
    for hit in sorted(hits, key=lambda h: (h.location, h.media_url, h.hash_type)):
        entry = f"{hit.case} / {hit.label or '-'} ({hit.hash_type})"
        table.add_row(shown(hit.location), shown(hit.media_url), shown(entry), str(hit.distance), shown(hit.status))
    return table


def hit_json(hit: HitRecord) -> str:
    """One JSON object per hit for ``jikimi hits --json``."""
    document = to_jsonable(hit)
    document["id"] = hit.id
    document["entry"] = {"id": hit.entry_id, "hash_type": hit.hash_type, "case": hit.case, "label": hit.label}
    return json_line_for_terminal(json.dumps(document, ensure_ascii=False, sort_keys=True))


def describe_counters(counters: RunCounters | dict[str, int]) -> str:
    values = counters if isinstance(counters, dict) else counters.as_dict()
    return ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in values.items())


def print_runs(console: Console, runs: Sequence[RunRecord]) -> None:
    for run in runs:
        console.print(shown(f"source {run.source_id}: {run.status} — {describe_counters(run.counters)}"))
        if run.error:
            console.print(shown(f"  error: {run.error}"))
        for problem in run.problems[:10]:
            console.print(shown(f"  problem: {problem.media_url or problem.location}: {problem.reason}"))
        if len(run.problems) > 10:
            console.print(f"  … {len(run.problems) - 10} more problems (jikimi status shows them all)")


@contextmanager
def crawl_progress(console: Console, label: str) -> Iterator[ProgressCallback]:
    """A live spinner with the run's counters on a terminal; nothing until the summary elsewhere."""
    if not console.is_terminal:
        yield lambda counters: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task(label)

        def update(counters: RunCounters) -> None:
            bar.update(task, description=f"{label}: {describe_counters(counters)}")

        yield update


def make_console() -> Console:
    """The console commands print to: wide enough when piped or logged that URLs are not folded."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=200)

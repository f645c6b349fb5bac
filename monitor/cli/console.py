"""What the CLI shows: cards, run summaries and crawl progress (rich on a terminal, plain lines elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.untrusted_text import json_line_for_terminal, visible

if TYPE_CHECKING:  # every command module imports this one, so ``jikimi --help`` would load what is imported here
    from monitor.cards import Card
    from monitor.counters import ProgressCallback, RunCounters
    from monitor.records import RunRecord


def shown(text: str) -> Text:
    """Text from a site or a hash list as a table cell: never parsed as rich markup (``[/]`` in a page
    title would crash the table), its control characters written out (``config/untrusted_text.py``)."""
    return Text(visible(text))


def cards_table(cards: Sequence[Card], total: int | None = None) -> Table:
    """One row per card (one media × one victim picture), as ``jikimi hits`` and the demo print them."""
    table = Table(title=f"Cards ({len(cards) if total is None else total})", show_lines=False)
    for column in ("card", "item", "signals", "places", "status"):
        table.add_column(column, overflow="fold")
    for card in cards:
        signals = ", ".join(f"{s.hash_type}{' ' + s.variant if s.variant else ''} {s.distance}" for s in card.signals)
        places = "\n".join(f"{place.location} {place.media_url}" for place in card.locations)
        item = f"{card.case} / {card.label or '-'}"
        table.add_row(shown(card.id), shown(item), shown(signals), shown(places), shown(card.status))
    return table


def card_document(card: Card) -> dict[str, Any]:
    """A card as ``jikimi hits --json`` prints it: an external contract, so its field names stay as they are."""
    from crawlers.codec import to_jsonable

    return {
        "id": card.id, "media_sha256": card.media_sha256, "item": card.item_id, "case": card.case,
        "label": card.label, "status": str(card.status),
        "signals": [{"hash_type": s.hash_type, "distance": s.distance, "variant": s.variant,
                     "entry_value": s.entry_value} for s in card.signals],
        "locations": [{"location": p.location, "media_url": p.media_url, "source": p.source_id,
                       "posted_at": to_jsonable(p.posted_at), "seen_at": to_jsonable(p.seen_at),
                       "packet_id": p.packet_id} for p in card.locations],
    }  # fmt: skip


def card_json(card: Card) -> str:
    """One line of ``jikimi hits --json``: the card's JSON, safe to print to a terminal."""
    return json_line_for_terminal(json.dumps(card_document(card), ensure_ascii=False, sort_keys=True))


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
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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

"""The README's figures for the review queue, written from ``bench/results/queue.json`` (``bench/queue.py``).

Kept apart from ``bench/report.py`` (near its size limit), like ``report_sealing.py``; the formatting
helpers are passed in. Each measurement has a row per size, so the two sizes 10× apart stand one under the
other: a figure that stays put while the store grows tenfold is a cost in what is shown, not in what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Results = Mapping[str, Any]
Row = Callable[..., str]
Format = Callable[..., str]
NONE = "—"


def queue_rows(result: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    """Queue page, card page, bulk decision, ``jikimi hits --json`` and the server's memory, at each size."""
    sizes = result["sizes"]

    def of(size: Results) -> str:
        return f"{size['cards']:,} cards ({size['size']:,} sightings, SQLite)"

    lines = [
        row(
            f"review queue, {of(size)}: page 1 of pending cards by priority, counts per status, filter values",
            f"{seconds(size['queue_page'])}; the page alone {seconds(size['find_cards'])}",
            "the page by grouping every hit (before the cards' summary): " + seconds(size["baseline_group_by"]),
            times(size["baseline_over_find_cards"], "sooner"),
        )
        for size in sizes
    ]
    lines += [
        row(f"card page, {of(size)}: the card's hits and its media's sightings", seconds(size["card_page"]), NONE, NONE)
        for size in sizes
    ]
    lines += [
        row(f"bulk decision of 50 cards (`decide_card`), {of(size)}", seconds(size["decide_50"]), NONE, NONE)
        for size in sizes
    ]
    lines += [
        row(
            f"`jikimi hits --json`, {of(size)}: every card, read 500 at a time",
            f"{seconds(size['hits_json']['per_1000_cards'])} per 1,000 cards"
            f" (all: {seconds(size['hits_json']['seconds'])}); peak RSS {pair(size['hits_json']['peak_rss'], ' MiB')}",
            NONE,
            NONE,
        )  # fmt: skip
        for size in sizes
    ]
    lines += [
        row(
            f"`jikimi serve` after {size['server']['views']} queue views (`GET /hits`), {of(size)}",
            f"peak RSS {size['server']['peak_rss_mib']:.0f} MiB; a view {seconds(size['server']['get_hits'])}",
            NONE,
            NONE,
        )  # fmt: skip
        for size in sizes
    ]
    fills = ", ".join(f"{size['size']:,} sightings in {size['fill_seconds']:.0f} s" for size in sizes)
    return lines + [row(f"filling the queue's store through `put_sightings` and `put_hits`: {fills}", NONE, NONE, NONE)]

"""The review queue with cards flagged "suspected minor", at 10,000 and 100,000 cards (``bench/queue.py``'s store).

Issue 14 puts a suspected minor's card first in every queue; the queue page must still be read from an index,
its cost flat in what is stored. Each size is filled as ``bench/queue.py`` fills it (``bench/queue_fill.py``),
then one card in 500 is flagged through ``set_card_flags``. Each round times:
- ``queue_page``: what ``GET /hits`` asks the store for its default page (every status, priority order: page 1
  of ``find_cards``, ``card_counts``, ``hit_facets``, and the page's ``card_flags`` for the row markers);
- ``pending_page``: the same for the pending tab; ``newest_page``: ``find_cards`` in ``order=newest``;
- ``flag_one``: saving one card's flags (raising, then lowering the flag: two writes).
The same script runs on a checkout from before the change (where the flags do not move a card) to compare; it
writes its result to the path given as its argument, not to ``bench/results/`` (the README's figures).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.queue import SIZES, fill_store
from bench.timing import REPEATS, Samples, conditions
from monitor.cards import card_id
from monitor.records import HitStatus
from monitor.store.notice_records import CardFlags
from monitor.store.queries import CardQuery
from monitor.store.sqlite import SqliteStore

EVERY = CardQuery(order="priority", limit=50)
PENDING = CardQuery(statuses=(HitStatus.PENDING,), order="priority", limit=50)
NEWEST = CardQuery(order="newest", limit=50)
FLAG_ONE_IN = 500
AT = datetime(2026, 12, 2, tzinfo=UTC)


async def flag_cards(store: SqliteStore, path: Path) -> list[str]:
    """Flag one card in ``FLAG_ONE_IN`` (of every status: by media hash, a random pick), as reviewers would."""
    with sqlite3.connect(path) as db:  # only to pick them: reading 100,000 cards through the store takes minutes
        keys = db.execute("SELECT media_sha256, item_id FROM cards ORDER BY media_sha256, item_id").fetchall()
    flagged = [card_id(media, item) for media, item in keys[::FLAG_ONE_IN]]
    for card in flagged:
        await store.set_card_flags(CardFlags(card, True, "", "bench", AT))
    return flagged


async def page(store: SqliteStore, query: CardQuery) -> float:
    start = time.perf_counter()
    found = await store.find_cards(query)
    await store.card_counts(query)
    await store.hit_facets()
    await store.card_flags([card.id for card in found.cards])
    return time.perf_counter() - start


async def time_store(path: Path) -> dict[str, Any]:
    store = SqliteStore(path)
    await store.open()
    try:
        flagged = await flag_cards(store, path)
        first = (await store.find_cards(EVERY)).cards
        measured: dict[str, list[float]] = {}
        for number in range(REPEATS):
            start = time.perf_counter()
            await store.find_cards(NEWEST)
            newest = time.perf_counter() - start
            card = flagged[number % len(flagged)]
            start = time.perf_counter()
            await store.set_card_flags(CardFlags(card, False, "", "bench", AT))
            await store.set_card_flags(CardFlags(card, True, "", "bench", AT))
            flag_seconds = time.perf_counter() - start
            taken = {"queue_page": await page(store, EVERY), "pending_page": await page(store, PENDING),
                     "newest_page": newest, "flag_one": flag_seconds}  # fmt: skip
            for name, seconds in taken.items():
                measured.setdefault(name, []).append(seconds)
        leading = sum(card.id in set(flagged) for card in first[: len(flagged)])
    finally:
        await store.close()
    return {"flagged": len(flagged), "flagged_leading_page_1": leading,
            **{name: Samples(tuple(values)).to_json() for name, values in measured.items()}}  # fmt: skip


def measure() -> dict[str, Any]:
    start = conditions()
    sizes = []
    with tempfile.TemporaryDirectory(prefix="jikimi-bench-queue-minor-") as folder:
        for count in SIZES:
            path = Path(folder) / f"queue-{count}.sqlite3"
            fill_seconds, hits, cards = asyncio.run(fill_store(path, count))
            sizes.append({"size": count, "cards": cards, "hits": hits, "fill_seconds": round(fill_seconds, 1),
                          **asyncio.run(time_store(path))})  # fmt: skip
            path.unlink()
    return {"conditions": start, "sizes": sizes}


def main() -> None:
    result = measure()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "queue_minor.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for size in result["sizes"]:
        figures = " · ".join(
            f"{name} {1000 * size[name]['best']:.1f} / {1000 * size[name]['median']:.1f} ms"
            for name in ("queue_page", "pending_page", "newest_page", "flag_one")
        )
        print(f"{size['cards']:,} cards (filled in {size['fill_seconds']:.0f} s, {size['flagged']} flagged, "
              f"{size['flagged_leading_page_1']} of them leading page 1): {figures} (best / median)")  # fmt: skip
    print(f"written to {out}")


if __name__ == "__main__":
    main()

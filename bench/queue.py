"""The review queue at two sizes 10x apart: 100,000 sightings with 10,000 cards, and 1,000,000 with 100,000.

The SQLite store is filled through its batch writes (``bench/queue_fill.py`` gives the shape: five sources,
twenty cases, 3–5 hits per card, several places for some, mixed statuses). Each round times:
- ``queue_page``: what ``GET /hits`` asks the store: page 1 of pending cards in priority order
  (``find_cards``), the cards per status (``card_counts``) and the filters' values (``hit_facets``);
- ``find_cards``: that page alone, and ``baseline_group_by``: the same page and count by grouping every
  hit, as ``find_cards`` did before the cards' summary (keys and count only: its cheaper part);
- ``card_page``: a card page's store reads (the card's hits by its key, and the sightings of its media);
- ``decide_50``: a bulk decision of 50 pending cards through ``monitor/decisions.decide_card`` (fresh cards
  every round: a decided card is no longer pending).
Then ``jikimi hits --json`` and ``jikimi serve`` run as subprocesses on the filled data directory
(``bench/queue_processes.py``): the CLI's time per 1,000 cards and peak RSS, the server's peak RSS after 20
queue views.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.queue_fill import fill
from bench.queue_processes import measure_hits_json, measure_server
from bench.timing import REPEATS, Samples, conditions, ratio, write_result
from monitor.cards import STATUS_ORDER, card_of
from monitor.decisions import card_hits, decide_card
from monitor.records import HitStatus, Role, UserRecord, Verdict
from monitor.review.passwords import hash_password
from monitor.store.queries import CardQuery
from monitor.store.sqlite import SqliteStore

SIZES = (100_000, 1_000_000)  # sightings; a tenth as many cards
PASSWORD = "bench queue reviewer password"
REVIEWER = "bench-reviewer"
PENDING_FIRST = CardQuery(statuses=(HitStatus.PENDING,), order="priority", limit=50)

BASELINE_RANK = "MIN(CASE status {} END)".format(
    " ".join(f"WHEN '{s}' THEN {rank}" for rank, s in enumerate(STATUS_ORDER))
)
BASELINE_GROUPED = (
    f"SELECT media_sha256, item_id, MAX(created_at) AS newest, {BASELINE_RANK} AS status_rank FROM hits "
    f"GROUP BY media_sha256, item_id HAVING status_rank IN ({STATUS_ORDER.index(HitStatus.PENDING)})"
)
"""``find_cards`` before the summary (``card_page_sql`` of ``monitor/store/sqlite_queries.py``): every hit
grouped along the ``hits_card`` index on each query."""


def baseline_group_by(db: sqlite3.Connection) -> tuple[list[tuple[str, str]], int]:
    keys = db.execute(f"{BASELINE_GROUPED} ORDER BY newest DESC, media_sha256, item_id LIMIT 50").fetchall()
    total = int(db.execute(f"SELECT COUNT(*) FROM ({BASELINE_GROUPED})").fetchone()[0])
    return [(media, item) for media, item, _, _ in keys], total


async def one_round(store: SqliteStore, db: sqlite3.Connection, number: int) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    page = await store.find_cards(PENDING_FIRST)
    counts = await store.card_counts(PENDING_FIRST)
    facets = await store.hit_facets()
    queue_seconds = loop.time() - start
    start = loop.time()
    again = await store.find_cards(PENDING_FIRST)
    find_seconds = loop.time() - start
    start = loop.time()
    keys, total = await asyncio.to_thread(baseline_group_by, db)
    baseline_seconds = loop.time() - start
    assert page.total == counts[HitStatus.PENDING] == total == again.total and facets.channels
    assert {(card.media_sha256, card.item_id) for card in page.cards} == set(keys)  # one status: the same order
    shown = page.cards[number % len(page.cards)]
    start = loop.time()
    card = card_of(await card_hits(store, shown.id))
    places = await store.sightings_of([card.media_sha256])
    card_seconds = loop.time() - start
    assert len(places) >= len(card.locations)
    start = loop.time()
    for decided in page.cards:  # a decided card is rejected: the next round finds 50 other pending cards
        await decide_card(store, None, decided.id, REVIEWER, Verdict.REJECT, "benchmark", 2)
    decide_seconds = loop.time() - start
    return {"queue_page": queue_seconds, "find_cards": find_seconds, "baseline_group_by": baseline_seconds,
            "card_page": card_seconds, "decide_50": decide_seconds}  # fmt: skip


async def fill_store(path: Path, sightings: int) -> tuple[float, int, int]:
    """Fill a new store; (seconds, hits, cards)."""
    store = SqliteStore(path)
    await store.open()
    start = time.perf_counter()
    hits = await fill(store, sightings)
    seconds = time.perf_counter() - start
    await store.put_user(UserRecord(REVIEWER, Role.VOLUNTEER, hash_password(PASSWORD)))
    cards = sum((await store.card_counts(CardQuery())).values())
    await store.close()
    return seconds, hits, cards


async def time_store(path: Path) -> dict[str, Samples]:
    store = SqliteStore(path)
    await store.open()
    db = sqlite3.connect(path, check_same_thread=False)
    measured: dict[str, list[float]] = {}
    try:
        for number in range(REPEATS):  # as ``timing.rounds`` does, for a round that awaits the store
            for name, seconds in (await one_round(store, db, number)).items():
                measured.setdefault(name, []).append(seconds)
    finally:
        db.close()
        await store.close()
    return {name: Samples(tuple(values)) for name, values in measured.items()}


def measure_size(sightings: int, folder: Path) -> dict[str, Any]:
    data_dir = folder / f"queue-{sightings}"
    data_dir.mkdir(mode=0o700)
    path = data_dir / "jikimi.sqlite3"  # where ``jikimi`` finds the store of JIKIMI_DATA_DIR
    fill_seconds, hits, cards = asyncio.run(fill_store(path, sightings))
    print(f"  filled {sightings:,} sightings, {hits:,} hits, {cards:,} cards in {fill_seconds:.0f} s", flush=True)
    samples = asyncio.run(time_store(path))
    cli = measure_hits_json(data_dir, cards)
    server = measure_server(data_dir, REVIEWER, PASSWORD)
    return {
        "size": sightings, "cards": cards, "hits": hits, "fill_seconds": round(fill_seconds, 1),
        **{name: value.to_json() for name, value in samples.items()},
        "baseline_over_find_cards": ratio(samples["baseline_group_by"], samples["find_cards"]),
        "hits_json": cli, "server": server,
    }  # fmt: skip


def measure() -> dict[str, Any]:
    start = conditions()
    with tempfile.TemporaryDirectory(prefix="jikimi-bench-queue-") as folder:
        sizes = [measure_size(count, Path(folder)) for count in SIZES]
    return {"conditions": start, "sizes": sizes}


def ms(samples: dict[str, Any]) -> str:
    return f"{1000 * samples['best']:.1f} / {1000 * samples['median']:.1f} ms"


def main() -> None:
    result = measure()
    out = write_result("queue", result)
    print("review queue (best / median)")
    for size in result["sizes"]:
        cli, server = size["hits_json"], size["server"]
        print(
            f"  {size['size']:>9,} sightings, {size['cards']:,} cards: queue page {ms(size['queue_page'])}"
            f" (find_cards {ms(size['find_cards'])}, grouping every hit {ms(size['baseline_group_by'])});"
            f" card page {ms(size['card_page'])}; 50 cards decided {ms(size['decide_50'])};"
            f" hits --json {ms(cli['per_1000_cards'])} per 1,000 cards, peak {cli['peak_rss']['best']:.0f} MiB;"
            f" serve peak RSS {server['peak_rss_mib']:.0f} MiB after {server['views']} queue views"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""The review queue's store work at two sizes 10x apart: a page of hits with its filters, against loading every
hit and filtering in Python (what the queue did before the store had queries), in the same rounds.

The SQLite store is filled with synthetic hits (five sources, twenty cases, three statuses) written straight
into its tables with their query columns, as ``put_hit`` writes them but in one transaction. Each round times:
- ``page``: one page of pending hits of one source (``find_hits``, 50 of them and the total) plus the queue's
  filter values and counts per status (``hit_facets``): what ``GET /hits?status=pending&source=…`` asks;
- ``other_places``: the hits of one blocklist entry elsewhere (the hit page's "also seen at");
- ``baseline_load_all``: ``store.hits()`` and the same filtering, sorting and counting in Python.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.timing import REPEATS, Samples, conditions, ratio, write_result
from monitor.records import HitRecord, HitStatus
from monitor.store.queries import HitQuery
from monitor.store.serialise import to_json
from monitor.store.sqlite import SqliteStore

SIZES = (10_000, 100_000)
STATUSES = (HitStatus.PENDING, HitStatus.CONFIRMED, HitStatus.REJECTED)
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def synthetic_hit(number: int) -> HitRecord:
    return HitRecord(
        sighting_id=f"s-{number}", entry_id=f"e-{number % 997}", hash_type="pdq", case=f"case-{number % 20}",
        label="", distance=number % 31, matched_value="0" * 64, source_id=f"source-{number % 5}",
        location=f"https://site-{number % 5}.example/t/{number}", media_url=f"https://cdn.example/{number}.jpg",
        media_sha256=f"{number:064x}", posted_at=None, seen_at=T0 + timedelta(seconds=number),
        status=STATUSES[number % 3], created_at=T0 + timedelta(seconds=number), source_kind="web",
    )  # fmt: skip


def fill(path: Path, count: int) -> None:
    rows = []
    for number in range(count):
        hit = synthetic_hit(number)
        rows.append((hit.id, hit.sighting_id, hit.entry_id, str(hit.status), hit.created_at.isoformat(), hit.uid,
                     hit.source_id, hit.case, hit.packet_id, hit.media_sha256, hit.platform, to_json(hit)))  # fmt: skip
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO hits (id, sighting_id, entry_id, status, created_at, uid, source_id, case_ref, packet_id,"
            " media_sha256, platform, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )  # fmt: skip


async def measure_size(count: int, folder: Path) -> dict[str, Any]:
    path = folder / f"queue-{count}.sqlite3"
    store = SqliteStore(path)
    await store.open()  # creates the tables and their indexes
    await store.close()
    fill(path, count)
    store = SqliteStore(path)
    await store.open()
    wanted = HitQuery(statuses=(HitStatus.PENDING,), source_id="source-2", limit=50)
    elsewhere = HitQuery(entry_id="e-5", exclude_sighting="s-5", limit=50)

    async def one_round() -> dict[str, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        page = await store.find_hits(wanted)
        facets = await store.hit_facets()
        page_seconds = loop.time() - start
        start = loop.time()
        others = await store.find_hits(elsewhere)
        others_seconds = loop.time() - start
        start = loop.time()
        every = await store.hits()
        kept = [h for h in every if h.status == HitStatus.PENDING and h.source_id == "source-2"]
        choices = ({h.source_id for h in every}, {h.case for h in every}, {h.platform for h in every})
        baseline_seconds = loop.time() - start
        assert [h.id for h in kept[:50]] == [h.id for h in page.hits] and len(kept) == page.total
        assert choices == (set(facets.sources), set(facets.cases), set(facets.platforms)) and others.total > 0
        return {"page": page_seconds, "other_places": others_seconds, "baseline_load_all": baseline_seconds}

    measured: dict[str, list[float]] = {}
    for _ in range(REPEATS):  # as ``timing.rounds`` does, for a round that awaits the store
        for name, seconds in (await one_round()).items():
            measured.setdefault(name, []).append(seconds)
    await store.close()
    samples = {name: Samples(tuple(values)) for name, values in measured.items()}
    return {
        "size": count,
        **{name: value.to_json() for name, value in samples.items()},
        "baseline_over_page": ratio(samples["baseline_load_all"], samples["page"]),
    }


def measure() -> dict[str, Any]:
    start = conditions()
    with tempfile.TemporaryDirectory(prefix="jikimi-bench-queue-") as folder:
        sizes = [asyncio.run(measure_size(count, Path(folder))) for count in SIZES]
    return {"conditions": start, "sizes": sizes}


def main() -> None:
    result = measure()
    out = write_result("queue", result)
    print("review queue (a page of 50 pending hits of one source with the filters; best / median)")
    for size in result["sizes"]:
        page, load, faster = size["page"], size["baseline_load_all"], size["baseline_over_page"]
        print(
            f"  {size['size']:>8,} hits: {1000 * page['best']:.1f} / {1000 * page['median']:.1f} ms"
            f" (loading every hit: {load['best']:.2f} / {load['median']:.2f} s; {faster['best']:.0f}x /"
            f" {faster['median']:.0f}x); other places {1000 * size['other_places']['best']:.1f} ms"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""Retro-matching speed: 1,000,000 stored fingerprints (in the SQLite store) against a 10,000-entry import.

Half the new entries are near-duplicates (a few bits flipped) of stored pictures' PDQ or pHash, half are
unrelated. Reported: seconds to scan everything, and that every planted match was found.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from monitor.matching.retro import find_retro_matches
from monitor.records import BlocklistEntry
from monitor.store.sqlite import SqliteStore

STORED = int(os.environ.get("BENCH_RETRO_STORED", "1000000"))
IMPORTED = 10_000


def hexes(rng: np.random.Generator, count: int, nbytes: int) -> list[str]:
    return [row.tobytes().hex() for row in rng.integers(0, 256, (count, nbytes), dtype=np.uint8)]


def near(value: str, rng: np.random.Generator, bits: int) -> str:
    number = int(value, 16)
    for bit in rng.choice(len(value) * 4, size=bits, replace=False):
        number ^= 1 << int(bit)
    return f"{number:0{len(value)}x}"


async def measure(folder: Path) -> dict[str, float]:
    rng = np.random.default_rng(3)
    store = SqliteStore(folder / "store.sqlite3")
    await store.open()
    shas, pdqs, phashes = hexes(rng, STORED, 32), hexes(rng, STORED, 32), hexes(rng, STORED, 8)
    mirrors_pdq, mirrors_phash = hexes(rng, STORED, 32), hexes(rng, STORED, 8)
    rows = [
        (s, "{}", p, mp, 80, h, mh)
        for s, p, mp, h, mh in zip(shas, pdqs, mirrors_pdq, phashes, mirrors_phash, strict=True)
    ]
    columns = "sha256, body, pdq, pdq_mirror, pdq_quality, phash, phash_mirror"
    sql = f"INSERT INTO media ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)"
    await store._run(lambda db: db.executemany(sql, rows))
    planted = rng.choice(STORED, IMPORTED // 2, replace=False)
    entries = [BlocklistEntry("pdq", near(pdqs[i], rng, 8), f"case-{i}") for i in planted[: IMPORTED // 4]]
    entries += [BlocklistEntry("phash", near(phashes[i], rng, 3), f"case-{i}") for i in planted[IMPORTED // 4 :]]
    entries += [BlocklistEntry("pdq", value, "unrelated") for value in hexes(rng, IMPORTED // 2, 32)]
    start = time.perf_counter()
    found = await find_retro_matches(store, entries, {"pdq": 31, "phash": 10}, 50)
    seconds = time.perf_counter() - start
    await store.close()
    expected = {shas[i] for i in planted}
    return {
        "stored_fingerprints": STORED, "imported_entries": IMPORTED, "seconds": seconds,
        "planted_matches": len(expected), "planted_found": len(expected & set(found.by_media)),
        "other_matches": len(set(found.by_media) - expected),
    }  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(Path(folder)))
    out = Path(__file__).parent / "results" / "retro.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    stored, imported = result["stored_fingerprints"], result["imported_entries"]
    print(f"retro-match ({stored:,.0f} stored fingerprints x {imported:,.0f} new entries)")
    print(f"  {result['seconds']:.1f} s; planted matches found {result['planted_found']}/{result['planted_matches']},"
          f" other matches {result['other_matches']}")  # fmt: skip
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

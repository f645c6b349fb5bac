"""Retro-matching speed at two store sizes 10× apart (100,000 and 1,000,000 stored fingerprints by default),
each against the same kind of 10,000-entry import, in the SQLite store.

Half the new entries are near-duplicates (a few bits flipped) of stored pictures' PDQ or pHash, half are
unrelated. Baseline, in the same rounds: reading every stored fingerprint through the store in the same
batches without matching (``perceptual_rows``), the floor any retro-scan pays. Reported: seconds, the
ratio to that floor, that every planted match was found, and the other matches with the number expected
by chance.

Why chance matches are expected: the stored hashes are uniformly random, and two random 64-bit pHashes
are within 10 bits with probability ~1.0e-8, so 2,500 pHash entries against 1,000,000 stored pictures
should give ~25 matches nobody planted (mirror hashes count at radius 6, ~5e-12, and PDQ at 31 of 256
bits, ~8e-38: both negligible). Real pictures' pHashes are not uniform, so real chance rates are higher.
"""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.timing import Samples, conditions, ratio, rounds, write_result
from monitor.matching.retro import RetroMatches, find_retro_matches
from monitor.records import BlocklistEntry
from monitor.store.sqlite import SqliteStore

LARGEST = int(os.environ.get("BENCH_RETRO_STORED", "1000000"))
SIZES = (LARGEST // 10, LARGEST)
IMPORTED = 10_000
THRESHOLDS = {"pdq": 31, "phash": 10}
PHASH_MIRROR_RADIUS = 6  # the matcher's radius when a variant (here the stored mirror hash) is involved
READ_BATCH = 50_000


def hexes(rng: np.random.Generator, count: int, nbytes: int) -> list[str]:
    return [row.tobytes().hex() for row in rng.integers(0, 256, (count, nbytes), dtype=np.uint8)]


def near(value: str, rng: np.random.Generator, bits: int) -> str:
    number = int(value, 16)
    for bit in rng.choice(len(value) * 4, size=bits, replace=False):
        number ^= 1 << int(bit)
    return f"{number:0{len(value)}x}"


def within(radius: int, bits: int) -> float:
    """The chance that two uniformly random ``bits``-bit hashes are at most ``radius`` bits apart."""
    return sum(math.comb(bits, k) for k in range(radius + 1)) / 2**bits


class SyntheticStore:
    """A SQLite store of ``stored`` random fingerprints and an import that matches half of them."""

    def __init__(self, path: Path, stored: int, rng: np.random.Generator) -> None:
        self.path = path
        self.shas, pdqs, phashes = hexes(rng, stored, 32), hexes(rng, stored, 32), hexes(rng, stored, 8)
        mirrors_pdq, mirrors_phash = hexes(rng, stored, 32), hexes(rng, stored, 8)
        self.rows = list(zip(self.shas, pdqs, mirrors_pdq, phashes, mirrors_phash, strict=True))
        planted = rng.choice(stored, IMPORTED // 2, replace=False)
        quarter = IMPORTED // 4
        self.entries = [BlocklistEntry("pdq", near(pdqs[i], rng, 8), f"case-{i}") for i in planted[:quarter]]
        self.entries += [BlocklistEntry("phash", near(phashes[i], rng, 3), f"case-{i}") for i in planted[quarter:]]
        self.entries += [BlocklistEntry("pdq", value, "unrelated") for value in hexes(rng, IMPORTED // 2, 32)]
        self.planted = {self.shas[i] for i in planted}

    async def create(self) -> None:
        """The store's own schema (``open``), then the rows in bulk with sqlite3 (no API adds a million fast)."""
        store = SqliteStore(self.path)
        await store.open()
        await store.close()
        columns = "sha256, body, pdq, pdq_mirror, pdq_quality, phash, phash_mirror"
        sql = f"INSERT INTO media ({columns}) VALUES (?, '{{}}', ?, ?, 80, ?, ?)"
        with sqlite3.connect(self.path) as db:
            db.executemany(sql, self.rows)

    def expected_chance_matches(self) -> float:
        phash_entries = sum(entry.hash_type == "phash" for entry in self.entries)
        per_pair = within(THRESHOLDS["phash"], 64) + within(PHASH_MIRROR_RADIUS, 64)
        return phash_entries * (len(self.shas) - 1) * per_pair


async def read_everything(store: SqliteStore) -> int:
    after, count = "", 0
    while rows := await store.perceptual_rows(after, READ_BATCH):
        count += len(rows)
        after = rows[-1].sha256
    return count


async def one_round(data: SyntheticStore, results: list[RetroMatches]) -> dict[str, float]:
    """Read everything (the baseline), then retro-match; keeps what the match found in ``results``."""
    store = SqliteStore(data.path)
    await store.open()
    try:
        start = time.perf_counter()
        assert await read_everything(store) == len(data.shas)
        read_seconds = time.perf_counter() - start
        start = time.perf_counter()
        results.append(await find_retro_matches(store, data.entries))  # the default rules, as THRESHOLDS says
        retro_seconds = time.perf_counter() - start
    finally:
        await store.close()
    return {"read": read_seconds, "retro": retro_seconds}


def outcome(data: SyntheticStore, found: RetroMatches) -> dict[str, Any]:
    """Planted matches found, and the media matched that nobody planted, by the signal that matched."""
    others = set(found.by_media) - data.planted
    by_signal: dict[str, int] = {}
    for sha256 in sorted(others):
        for signal in sorted({hit.hash_type for hit in found.by_media[sha256]}):
            by_signal[signal] = by_signal.get(signal, 0) + 1
    return {
        "planted_matches": len(data.planted),
        "planted_found": len(data.planted & set(found.by_media)),
        "other_matches": len(others),
        "other_matches_by_signal": by_signal,
        "chance_matches_expected": data.expected_chance_matches(),
    }


def measure_size(stored: int, folder: Path, rng: np.random.Generator) -> dict[str, Any]:
    data = SyntheticStore(folder / f"store-{stored}.sqlite3", stored, rng)
    asyncio.run(data.create())
    results: list[RetroMatches] = []
    timings = rounds(lambda: asyncio.run(one_round(data, results)))
    assert all(found.by_media == results[0].by_media for found in results), "rounds found different matches"
    read, retro = timings["read"], timings["retro"]
    return {
        "size": stored,
        "imported_entries": IMPORTED,
        "retro_match": retro.to_json(),
        "baseline_read_all_fingerprints": read.to_json(),
        "retro_over_read": ratio(retro, read),
        **outcome(data, results[0]),
    }


def measure() -> dict[str, Any]:
    start = conditions()
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as folder:
        sizes = [measure_size(stored, Path(folder), rng) for stored in SIZES]
    small, large = (Samples(tuple(size["retro_match"]["samples"])) for size in sizes)
    return {
        "conditions": start,
        "thresholds": THRESHOLDS,
        "size_unit": "stored fingerprints",
        "sizes": sizes,
        "cost_growth_at_10x_size": ratio(large, small),
    }


def main() -> None:
    result = measure()
    out = write_result("retro", result)
    print(f"retro-match ({IMPORTED:,} new entries; best / median)")
    for size in result["sizes"]:
        retro, read, over = size["retro_match"], size["baseline_read_all_fingerprints"], size["retro_over_read"]
        print(
            f"  {size['size']:>10,} stored: {retro['best']:.1f} / {retro['median']:.1f} s"
            f" (reading alone {read['best']:.1f} / {read['median']:.1f} s:"
            f" {over['best']:.1f}x / {over['median']:.1f}x);"
            f" planted found {size['planted_found']}/{size['planted_matches']}, other matches"
            f" {size['other_matches']} ({size['chance_matches_expected']:.1f} expected by chance)"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

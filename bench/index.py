"""Blocklist index speed at 1,000,000 hashes: jikimi's multi-index hashing against a numpy brute-force scan
and faiss ``IndexBinaryFlat`` range search, measured in the same run, one core each (PDQ at radius 31,
pHash at radius 10). Also: build time, memory beyond the raw hashes, the time until a newly added hash is
matchable, and that all three return the same results.

Queries are half near-duplicates of indexed hashes (a few bits flipped) and half random, as a crawl sees.
jikimi queries in batches of ``BATCH`` (one picture's hash and its variants go in one call); faiss gets
all queries in one call. Both on one core.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from monitor.signals.mih import MultiIndexHashIndex

ENTRIES = int(os.environ.get("BENCH_INDEX_ENTRIES", "1000000"))
QUERIES = 400
BATCH = 25


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def near_and_random_queries(rows: np.ndarray, rng: np.random.Generator, radius: int) -> np.ndarray:
    near = rows[rng.integers(0, len(rows), QUERIES // 2)].copy()
    bits = rows.shape[1] * 8
    for query in near:
        for bit in rng.choice(bits, size=radius // 2, replace=False):
            query[bit // 8] ^= 1 << (bit % 8)
    return np.concatenate([near, rng.integers(0, 256, (QUERIES - len(near), rows.shape[1]), dtype=np.uint8)])


def brute_force(rows: np.ndarray, queries: np.ndarray, radius: int) -> list[set[int]]:
    return [set(np.flatnonzero(np.bitwise_count(rows ^ q).sum(axis=1) <= radius).tolist()) for q in queries]


def faiss_range(rows: np.ndarray, queries: np.ndarray, radius: int) -> tuple[list[set[int]], float]:
    import faiss

    faiss.omp_set_num_threads(1)
    index = faiss.IndexBinaryFlat(rows.shape[1] * 8)
    index.add(rows)
    start = time.perf_counter()
    lims, _, found = index.range_search(queries, radius + 1)  # faiss keeps distances < radius
    seconds = time.perf_counter() - start
    return [set(found[lims[i] : lims[i + 1]].tolist()) for i in range(len(queries))], seconds


def measure(bits: int, radius: int, rng: np.random.Generator) -> dict[str, float]:
    rows = rng.integers(0, 256, (ENTRIES, bits // 8), dtype=np.uint8)
    queries = near_and_random_queries(rows, rng, radius)
    index: MultiIndexHashIndex[int] = MultiIndexHashIndex(bits, radius)
    before = rss_mb()
    start = time.perf_counter()
    index._delta_rows, index._delta_entries = list(rows), list(range(ENTRIES))
    index.compact()
    build = time.perf_counter() - start
    start = time.perf_counter()
    ours: list[set[int]] = [set() for _ in queries]
    for first in range(0, len(queries), BATCH):
        query_of, found_rows, _ = index.query_many(queries[first : first + BATCH], radius)
        for number, row in zip(query_of, found_rows, strict=True):
            ours[first + int(number)].add(index.entry(int(row)))
    mih_seconds = time.perf_counter() - start
    start = time.perf_counter()
    expected = brute_force(rows, queries[:40], radius)
    brute_seconds = (time.perf_counter() - start) * len(queries) / 40
    faiss_found, faiss_seconds = faiss_range(rows, queries, radius)
    assert ours[:40] == expected and ours == faiss_found, "results differ from brute force / faiss"
    start = time.perf_counter()
    index.add("ab" * (bits // 8), -1)
    matchable = [m.entry for m in index.query("ab" * (bits // 8), 0)] == [-1]
    new_hash_seconds = time.perf_counter() - start
    return {
        "entries": ENTRIES, "radius": radius, "build_seconds": build,
        "jikimi_queries_per_s": len(queries) / mih_seconds,
        "faiss_flat_queries_per_s": len(queries) / faiss_seconds,
        "numpy_brute_queries_per_s": len(queries) / brute_seconds,
        "speedup_vs_faiss": faiss_seconds / mih_seconds,
        "raw_hashes_mb": rows.nbytes / 2**20, "index_mb_beyond_hashes": index.nbytes_beyond_hashes / 2**20,
        "rss_growth_mb": rss_mb() - before, "new_hash_matchable_seconds": new_hash_seconds if matchable else -1,
        "matches_per_query": sum(map(len, ours)) / len(ours),
    }  # fmt: skip


def main() -> None:
    rng = np.random.default_rng(7)
    result = {"pdq": measure(256, 31, rng), "phash": measure(64, 10, rng)}
    out = Path(__file__).parent / "results" / "index.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"blocklist index ({ENTRIES:,} entries, one core; identical results to brute force and faiss)")
    header = ("jikimi q/s", "faiss flat", "numpy brute", "speed-up", "build s", "MiB beyond")
    print("  " + " " * 6 + "".join(f"{name:>12}" for name in header))
    for name, r in result.items():
        print(
            f"  {name:6}{r['jikimi_queries_per_s']:12.0f}{r['faiss_flat_queries_per_s']:12.1f}"
            f"{r['numpy_brute_queries_per_s']:12.1f}{r['speedup_vs_faiss']:11.1f}x{r['build_seconds']:12.1f}"
            f"{r['index_mb_beyond_hashes']:12.1f}"
        )
    print(f"  new hash matchable after {result['pdq']['new_hash_matchable_seconds'] * 1000:.2f} ms (no rebuild)")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""Blocklist index speed at two sizes 10× apart (100,000 and 1,000,000 hashes by default), one core each.

jikimi's multi-index hashing (``MultiIndexHashIndex.query_batch``, what the matcher calls) against faiss
``IndexBinaryFlat`` range search and a numpy brute-force scan, all in the same rounds: PDQ at radius 31,
pHash at radius 10. Also: build time, memory beyond the raw hashes, the time until a newly added hash is
matchable (against a rebuild, the alternative), and that all three return the same results.

Queries are half near-duplicates of indexed hashes (a few bits flipped) and half random, as a crawl sees.
jikimi queries in batches of ``BATCH`` hex strings (one picture's hash and its variants go in one call);
faiss gets all queries as one array in one call. numpy scans the first ``BRUTE_QUERIES`` queries (its
rate is per query, so fewer is enough). ``BENCH_INDEX_ENTRIES`` sets the larger size; the smaller is a tenth.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from bench.timing import Samples, conditions, ratio, rounds, stopwatch, write_result
from monitor.signals.mih import MultiIndexHashIndex

LARGEST = int(os.environ.get("BENCH_INDEX_ENTRIES", "1000000"))
SIZES = (LARGEST // 10, LARGEST)
QUERIES = 400
BATCH = 25
BRUTE_QUERIES = 40
SIGNALS = {"pdq": (256, 31), "phash": (64, 10)}  # name: (bits, radius)


def near_and_random_queries(rows: np.ndarray, rng: np.random.Generator, radius: int) -> np.ndarray:
    near = rows[rng.integers(0, len(rows), QUERIES // 2)].copy()
    bits = rows.shape[1] * 8
    for query in near:
        for bit in rng.choice(bits, size=radius // 2, replace=False):
            query[bit // 8] ^= 1 << (bit % 8)
    return np.concatenate([near, rng.integers(0, 256, (QUERIES - len(near), rows.shape[1]), dtype=np.uint8)])


def brute_force(rows: np.ndarray, queries: np.ndarray, radius: int) -> list[set[int]]:
    return [set(np.flatnonzero(np.bitwise_count(rows ^ q).sum(axis=1) <= radius).tolist()) for q in queries]


def build(rows: np.ndarray, bits: int, radius: int) -> MultiIndexHashIndex[int]:
    """The index as an import builds it: hex values in, tables built once (``add_many``)."""
    index: MultiIndexHashIndex[int] = MultiIndexHashIndex(bits, radius)
    index.add_many([row.tobytes().hex() for row in rows], list(range(len(rows))))
    return index


def query_jikimi(index: MultiIndexHashIndex[int], queries: list[str], radius: int) -> list[set[int]]:
    found: list[set[int]] = []
    for first in range(0, len(queries), BATCH):
        answers = index.query_batch(queries[first : first + BATCH], radius)
        found += [{match.entry for match in matches} for matches in answers]
    return found


def faiss_index(rows: np.ndarray) -> Any:
    import faiss

    faiss.omp_set_num_threads(1)
    index = faiss.IndexBinaryFlat(rows.shape[1] * 8)
    index.add(rows)
    return index


def query_faiss(index: Any, queries: np.ndarray, radius: int) -> list[set[int]]:
    lims, _, found = index.range_search(queries, radius + 1)  # faiss keeps distances < its radius
    return [set(found[lims[i] : lims[i + 1]].tolist()) for i in range(len(queries))]


class NewHashes:
    """Distinct hashes not in the index, one per round: a new hash must not be one already added."""

    def __init__(self, nbytes: int) -> None:
        self.nbytes, self.count = nbytes, 0

    def next(self) -> str:
        self.count += 1
        return (b"\xab" * (self.nbytes - 4) + self.count.to_bytes(4, "big")).hex()


def measure_size(entries: int, bits: int, radius: int, rng: np.random.Generator) -> dict[str, Any]:
    rows = rng.integers(0, 256, (entries, bits // 8), dtype=np.uint8)
    queries = near_and_random_queries(rows, rng, radius)
    hex_queries = [query.tobytes().hex() for query in queries]
    index, flat, fresh = build(rows, bits, radius), faiss_index(rows), NewHashes(bits // 8)
    ours, theirs = query_jikimi(index, hex_queries, radius), query_faiss(flat, queries, radius)
    assert ours == theirs and ours[:BRUTE_QUERIES] == brute_force(rows, queries[:BRUTE_QUERIES], radius), (
        "results differ from faiss / brute force"
    )

    def new_hash_seconds() -> float:
        """Add one hash and query it: the time until an import's entry can match a crawl."""
        value = fresh.next()
        start = time.perf_counter()
        index.add(value, -1)
        matches = index.query(value, 0)
        seconds = time.perf_counter() - start
        assert [match.entry for match in matches] == [-1], "a new hash was not matchable"
        return seconds

    timings = rounds(
        lambda: {
            "build": stopwatch(lambda: build(rows, bits, radius)),
            "jikimi": stopwatch(lambda: query_jikimi(index, hex_queries, radius)),
            "faiss": stopwatch(lambda: query_faiss(flat, queries, radius)),
            "numpy": stopwatch(lambda: brute_force(rows, queries[:BRUTE_QUERIES], radius)),
            "new_hash": new_hash_seconds(),
        }
    )
    return summarise(entries, rows, index, ours, timings)


def summarise(
    entries: int, rows: np.ndarray, index: MultiIndexHashIndex[int], found: list[set[int]], timings: dict[str, Samples]
) -> dict[str, Any]:
    jikimi, faiss, numpy = timings["jikimi"], timings["faiss"], timings["numpy"]
    numpy_per_query = Samples(tuple(seconds / BRUTE_QUERIES for seconds in numpy.values))
    jikimi_per_query = Samples(tuple(seconds / QUERIES for seconds in jikimi.values))
    return {
        "size": entries,
        "jikimi": {"seconds_for_all_queries": jikimi.to_json(), "queries_per_s": jikimi.per_second(QUERIES)},
        "faiss_flat": {"seconds_for_all_queries": faiss.to_json(), "queries_per_s": faiss.per_second(QUERIES)},
        "numpy_scan": {
            "seconds_for_brute_queries": numpy.to_json(),
            "queries_per_s": numpy.per_second(BRUTE_QUERIES),
        },
        "speedup_over_faiss": ratio(faiss, jikimi),
        "speedup_over_numpy": ratio(numpy_per_query, jikimi_per_query),
        "build": timings["build"].to_json(),
        "new_hash_matchable": timings["new_hash"].to_json(),
        "rebuild_over_new_hash": ratio(timings["build"], timings["new_hash"]),
        "raw_hashes_mib": rows.nbytes / 2**20,
        "index_mib_beyond_hashes": index.nbytes_beyond_hashes / 2**20,
        "matches_per_query": sum(map(len, found)) / len(found),
        "same_results_as_faiss_and_numpy": True,
    }


def growth(small: dict[str, Any], large: dict[str, Any]) -> dict[str, dict[str, float]]:
    """How each query's cost grows with 10× the hashes (large / small seconds): 10 is linear."""
    names = {"jikimi": "seconds_for_all_queries", "faiss_flat": "seconds_for_all_queries"}
    names |= {"numpy_scan": "seconds_for_brute_queries"}
    return {
        name: {key: large[name][field][key] / small[name][field][key] for key in ("best", "median")}
        for name, field in names.items()
    }


def measure() -> dict[str, Any]:
    start = conditions()
    rng = np.random.default_rng(7)
    result: dict[str, Any] = {"conditions": start, "queries": QUERIES, "batch": BATCH, "brute_queries": BRUTE_QUERIES}
    for name, (bits, radius) in SIGNALS.items():
        sizes = [measure_size(entries, bits, radius, rng) for entries in SIZES]
        result[name] = {
            "bits": bits,
            "radius": radius,
            "size_unit": "hashes",
            "sizes": sizes,
            "cost_growth_at_10x_size": growth(sizes[0], sizes[1]),
        }
    return result


def main() -> None:
    result = measure()
    out = write_result("index", result)
    print("blocklist index, one core; best / median; identical results to faiss and brute force")
    for name in SIGNALS:
        for size in result[name]["sizes"]:
            ours, theirs = size["jikimi"]["queries_per_s"], size["faiss_flat"]["queries_per_s"]
            speedup = size["speedup_over_faiss"]
            print(
                f"  {name:6}{size['size']:>10,}  jikimi {ours['best']:8.0f} / {ours['median']:<8.0f} q/s"
                f"  faiss {theirs['best']:7.0f} / {theirs['median']:<7.0f}"
                f"  {speedup['best']:.2f}x / {speedup['median']:.2f}x"
                f"  new hash {size['new_hash_matchable']['best'] * 1000:.2f} ms"
            )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

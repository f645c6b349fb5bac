"""Exact Hamming-radius search at millions of hashes: multi-index hashing (Norouzi, Punjani & Fleet, 2012).

Why it is exact: split each hash into ``m`` disjoint substrings and give table ``t`` a radius ``r_t`` with
``sum(r_t + 1) > r``. If two hashes differ in at most ``r`` bits, some substring ``t`` differs in at most
``r_t`` bits — otherwise they would differ in at least ``sum(r_t + 1)`` (the pigeonhole principle). So a
query looks up, in each table, every key within ``r_t`` bits of its own substring; the union of those
buckets holds every true match, and each candidate is then checked at full length. The results are the
same set a brute-force scan gives.

Substrings are 16 bits: PDQ (256 bits, r = 31) uses 16 tables, probing keys within 1 bit (17 probes a
table; Meta's PDQ index uses the same split); pHash (64 bits, r = 10) uses 4 tables with radii 2, 2, 2
and 1 (137 + 137 + 137 + 17 probes).

Layout, PDQ: the hashes are kept as 64-bit words sorted by their first substring, so table 0 needs no id
array; every other table is a CSR pair (``offsets`` per key, row ``ids`` sorted by key). At 1,000,000
hashes: 32 MB of hashes plus 15 × 4 MB of ids and 16 × 256 kB of offsets. Candidates are random rows.
Layout, pHash (one 64-bit word a hash): each table keeps the hashes themselves in key order next to their
ids, so a bucket's candidates are contiguous in memory and checked without a random gather (at 1,000,000
hashes, 4 × 12 MB).

New hashes go to a small ``delta`` scanned linearly, so an import is matchable at once; the tables are
rebuilt when the delta outgrows ``delta_limit`` (or on ``compact()``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np

from monitor.signals.index import IndexMatch

T = TypeVar("T")


def substring_widths(bits: int) -> list[int]:
    """How a hash is split: 16-bit substrings, except 64-bit hashes (3 × ~21 bits, for fewer candidates)."""
    if bits % 16:
        raise ValueError(f"hash length {bits} is not a multiple of 16 bits")
    return [16] * (bits // 16)


def table_radii(radius: int, tables: int) -> list[int]:
    """The smallest per-table radii with ``sum(r_t + 1) == radius + 1`` (see the module docstring)."""
    base, extra = divmod(radius + 1, tables)
    return [base - 1 + (1 if table < extra else 0) for table in range(tables)]


def masks_within(bits: int, radius: int) -> np.ndarray:
    """Every ``bits``-bit mask with at most ``radius`` bits set (none for a negative radius: not probed)."""
    if radius < 0:
        return np.zeros(0, dtype=np.int64)
    found = [0]
    for count in range(1, radius + 1):
        found += [sum(1 << i for i in combo) for combo in itertools.combinations(range(bits), count)]
    return np.array(found, dtype=np.int64)


def pack(values: Sequence[str], nbytes: int) -> np.ndarray:
    """Hex hashes as an ``(n, nbytes)`` uint8 matrix."""
    if not values:
        return np.zeros((0, nbytes), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8).reshape(len(values), nbytes)


def expand_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``range(s, s + l)`` for every pair, without a Python loop.

    One ``cumsum`` over steps of 1, with a jump where each range begins (int64: ``np.take`` converts
    narrower indices first, which costs more than it saves).
    """
    nonempty = lengths > 0
    starts, lengths = starts[nonempty], lengths[nonempty]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    steps = np.ones(total, dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    steps[firsts[1:]] = starts[1:] - (starts[:-1] + lengths[:-1]) + 1
    steps[0] = starts[0]
    return np.cumsum(steps)


def popcount_distances(rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Hamming distance of each row to its query, both ``(n, words)`` uint64 (column sums, not ``.sum``)."""
    counts = np.bitwise_count(rows ^ queries)
    total = counts[:, 0].astype(np.int64)
    for column in range(1, counts.shape[1]):
        total += counts[:, column]
    return total


class MultiIndexHashIndex(Generic[T]):
    """All entries within ``radius`` bits of a query, exactly, in sublinear time.

    All tables live in flat arrays so a query is a handful of vectorised steps, not a loop over tables:
    ``_offsets`` (every table's CSR offsets, one after another) and ``_ids`` (rows sorted by each key).
    Wide hashes (PDQ): table 0 has no ids (the rows are sorted by its key); its offsets are stored shifted
    by ``len(_ids)``, so a position at or beyond that is a row itself. One-word hashes (pHash): every table
    has ids, and ``_table_words`` holds the hashes in the same order, for contiguous verification.
    """

    def __init__(self, bits: int, radius: int, delta_limit: int = 50_000) -> None:
        self.bits = bits
        self.radius = radius
        self.nbytes = bits // 8
        self.widths = substring_widths(bits)
        self.layout = self._layout(self.widths)  # (word, shift, width) of each substring
        radii = table_radii(radius, len(self.widths))
        masks = [masks_within(width, table_radius) for width, table_radius in zip(self.widths, radii, strict=True)]
        self.key_base = np.cumsum([0] + [(1 << w) + 1 for w in self.widths[:-1]])
        self.probe_table = np.concatenate([np.full(len(m), t) for t, m in enumerate(masks)])
        self.probe_masks = np.concatenate(masks)
        self.delta_limit = delta_limit
        self._words = np.zeros((0, bits // 64), dtype=np.uint64)
        self._entries: list[T] = []
        self._offsets = np.zeros(sum((1 << w) + 1 for w in self.widths), dtype=np.uint32)
        self._ids = np.zeros(0, dtype=np.uint32)
        self.replicated = bits == 64
        self._table_words = np.zeros(0, dtype=np.uint64)
        self._delta_rows: list[np.ndarray] = []
        self._delta_entries: list[T] = []

    @staticmethod
    def _layout(widths: list[int]) -> list[tuple[int, int, int]]:
        layout, position = [], 0
        for width in widths:
            layout.append((position // 64, position % 64, width))
            position += width
        return layout

    def _keys(self, words: np.ndarray) -> np.ndarray:
        """``(n, m)``: every substring of every hash."""
        if all(width == 16 for width in self.widths):
            return np.ascontiguousarray(words).view(np.uint16).astype(np.int64)
        columns = [(words[:, w] >> np.uint64(s)) & np.uint64((1 << width) - 1) for w, s, width in self.layout]
        return np.stack(columns, axis=1).astype(np.int64)

    def __len__(self) -> int:
        return len(self._entries) + len(self._delta_entries)

    @property
    def nbytes_beyond_hashes(self) -> int:
        """Memory of the tables themselves (not the packed hashes, not the entries)."""
        return int(self._offsets.nbytes + self._ids.nbytes + self._table_words.nbytes)

    def add(self, value: str, entry: T) -> None:
        self._delta_rows.append(np.frombuffer(bytes.fromhex(value), dtype=np.uint8))
        self._delta_entries.append(entry)
        if len(self._delta_entries) > self.delta_limit:
            self.compact()

    def add_many(self, values: Sequence[str], entries: Sequence[T]) -> None:
        """Add in bulk and rebuild the tables once."""
        self.add_packed(pack(values, self.nbytes), entries)

    def add_packed(self, rows: np.ndarray, entries: Sequence[T]) -> None:
        """``add_many`` for hashes already packed (``(n, nbytes)`` uint8), as the persisted index keeps them."""
        self._delta_rows.extend(rows)
        self._delta_entries.extend(entries)
        self.compact()

    def arrays(self) -> dict[str, np.ndarray]:
        """The built tables and the entries (which must be integers), to be saved and given back to
        ``from_arrays``: loading them is a memory map, not a rebuild (``monitor/matching/index_file.py``)."""
        self.compact()
        return {
            "words": self._words, "offsets": self._offsets, "ids": self._ids, "table_words": self._table_words,
            "entries": np.asarray(self._entries, dtype=np.int64),
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, bits: int, radius: int, arrays: dict[str, np.ndarray]) -> MultiIndexHashIndex[int]:
        """The index ``arrays()`` saved, its entries the saved integers (read-only arrays are fine: a later
        ``compact`` makes new ones)."""
        index: MultiIndexHashIndex[int] = cls(bits, radius)  # type: ignore[assignment]
        if arrays["offsets"].shape != index._offsets.shape:
            raise ValueError(f"saved tables of {arrays['offsets'].shape} offsets, not {index._offsets.shape}")
        index._words, index._offsets, index._ids = arrays["words"], arrays["offsets"], arrays["ids"]
        index._table_words = arrays["table_words"]
        index._entries = arrays["entries"]  # type: ignore[assignment]  # indexed like the list, never grown
        return index

    def compact(self) -> None:
        """Fold the delta into the tables (a rebuild: sorts every table once)."""
        if not self._delta_entries:
            return
        fresh = np.ascontiguousarray(np.stack(self._delta_rows)).view(np.uint64)
        words = np.concatenate([self._words, fresh])
        entries = list(self._entries) + self._delta_entries  # a loaded index's entries are an array
        self._delta_rows, self._delta_entries = [], []
        order = np.argsort(self._keys(words)[:, 0], kind="stable")
        self._words = np.ascontiguousarray(words[order])
        self._entries = [entries[i] for i in order]
        keys = self._keys(self._words)
        count = len(self._words)
        with_ids = range(len(self.widths)) if self.replicated else range(1, len(self.widths))
        self._ids = np.zeros(count * len(with_ids), dtype=np.uint32)
        self._table_words = np.zeros(count * len(with_ids) if self.replicated else 0, dtype=np.uint64)
        for table, width in enumerate(self.widths):
            positions = np.concatenate([[0], np.cumsum(np.bincount(keys[:, table], minlength=1 << width))])
            base = count * (table if self.replicated else table - 1) if table in with_ids else len(self._ids)
            start = int(self.key_base[table])
            self._offsets[start : start + len(positions)] = positions + base
            if table in with_ids:
                order = np.argsort(keys[:, table], kind="stable")
                self._ids[base : base + count] = order
                if self.replicated:
                    self._table_words[base : base + count] = self._words[order, 0]

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[T]]:
        _, rows, distances = self.query_many(pack([value], self.nbytes), max_distance)
        found = [IndexMatch(self._entries[row], int(d)) for row, d in zip(rows, distances, strict=True)]
        return found + self._query_delta(value, max_distance)

    def query_many(self, queries: np.ndarray, max_distance: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For an ``(k, nbytes)`` uint8 batch: (query index, row, distance) of every match in the tables.

        The delta is not searched here (``query`` does). A ``max_distance`` above the radius the index was
        built for could miss matches, so it is refused.
        """
        if max_distance > self.radius:
            raise ValueError(f"radius {max_distance} is beyond the {self.radius} this index was built for")
        empty = np.zeros(0, dtype=np.int64)
        if len(self._words) == 0 or len(queries) == 0:
            return empty, empty, empty
        query_words = np.ascontiguousarray(queries).view(np.uint64)
        keys = (self._keys(query_words)[:, self.probe_table] ^ self.probe_masks) + self.key_base[self.probe_table]
        starts = np.take(self._offsets, keys).astype(np.int64)
        lengths = np.take(self._offsets[1:], keys).astype(np.int64) - starts  # a bucket ends where the next begins
        per_query = lengths.sum(axis=1)  # candidates are grouped by query, in query order
        positions = expand_ranges(starts.ravel(), lengths.ravel())
        if self.replicated:  # one-word hashes: verify in table order, then look up the few rows that match
            distances = np.bitwise_count(
                np.take(self._table_words, positions) ^ np.repeat(query_words[:, 0], per_query)
            )
            kept = np.flatnonzero(distances <= max_distance)
            rows = np.take(self._ids, positions[kept]).astype(np.int64)
        else:
            table_zero = positions >= len(self._ids)
            rows = np.where(table_zero, positions - len(self._ids), np.take(self._ids, positions, mode="clip"))
            distances = popcount_distances(
                np.take(self._words, rows, axis=0), np.repeat(query_words, per_query, axis=0)
            )
            kept = np.flatnonzero(distances <= max_distance)
            rows = rows[kept]
        query_of = np.searchsorted(np.cumsum(per_query), kept, side="right")
        pairs, first = np.unique(query_of * len(self._words) + rows, return_index=True)
        return pairs // len(self._words), pairs % len(self._words), distances[kept][first].astype(np.int64)

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[T]]]:
        query_of, rows, distances = self.query_many(pack(values, self.nbytes), max_distance)
        found: list[list[IndexMatch[T]]] = [[] for _ in values]
        for number, row, distance in zip(query_of, rows, distances, strict=True):
            found[int(number)].append(IndexMatch(self._entries[int(row)], int(distance)))
        for number, value in enumerate(values):
            found[number].extend(self._query_delta(value, max_distance))
        return list(found)

    def entry(self, row: int) -> T:
        return self._entries[row]

    def _query_delta(self, value: str, max_distance: int) -> list[IndexMatch[T]]:
        if not self._delta_entries:
            return []
        probe = np.frombuffer(bytes.fromhex(value), dtype=np.uint8)
        distances = np.bitwise_count(np.stack(self._delta_rows) ^ probe).sum(axis=1)
        return [
            IndexMatch(self._delta_entries[i], int(distances[i])) for i in np.flatnonzero(distances <= max_distance)
        ]

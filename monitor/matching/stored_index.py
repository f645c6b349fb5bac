"""The matcher's indexes over entry *numbers*, and the table that turns a number back into its entry.

Why numbers? A million ``BlocklistEntry`` objects take about a gigabyte and seconds to make; the persisted
index (``monitor/matching/index_file.py``) keeps each entry as a short JSON record in one byte blob, and an
entry is decoded only when a picture matches it. Each signal's index holds numbers (``SignalIndex[int]``);
``TableIndex`` wraps it so the matcher still sees ``SignalIndex[BlocklistEntry]``.

``SortedExactIndex`` answers exact hashes (SHA-256, MD5) from a sorted array by binary search: it loads from
the file as a memory map, where a dict of a million hex strings would be rebuilt at every start.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from monitor.records import BlocklistEntry
from monitor.signals import ExactIndex, IndexMatch, SignalIndex


def entry_record(hash_type: str, value: str, case: str, label: str, item_id: str, variant: str) -> bytes:
    """What the table keeps of an entry: what a hit names and what the match rule reads (``variant``)."""
    return json.dumps([hash_type, value, case, label, item_id, variant], ensure_ascii=False).encode()


class EntryTable:
    """Entries by number: the saved ones as records in ``blob`` (``offsets[i]:offsets[i + 1]``), the ones added
    since as objects. Decoded entries carry no ``origin`` or ``added_at`` (no hit names them)."""

    def __init__(self, blob: bytes | memoryview, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets
        self.saved = len(offsets) - 1
        self.added: list[BlocklistEntry] = []

    def __len__(self) -> int:
        return self.saved + len(self.added)

    def entry(self, number: int) -> BlocklistEntry:
        if number >= self.saved:
            return self.added[number - self.saved]
        start, end = int(self.offsets[number]), int(self.offsets[number + 1])
        hash_type, value, case, label, item_id, variant = json.loads(bytes(self.blob[start:end]))
        return BlocklistEntry(hash_type, value, case, label, variant=variant, item_id=item_id)

    def append(self, entry: BlocklistEntry) -> int:
        self.added.append(entry)
        return len(self) - 1


class TableIndex:
    """A ``SignalIndex[BlocklistEntry]`` over an index of entry numbers: matches are decoded through the table,
    and entries added live are appended to it."""

    def __init__(self, numbers: SignalIndex[int], table: EntryTable) -> None:
        self.numbers, self.table = numbers, table

    def __len__(self) -> int:
        return len(self.numbers)

    def add(self, value: str, entry: BlocklistEntry) -> None:
        self.numbers.add(value, self.table.append(entry))

    def add_many(self, values: Sequence[str], entries: Sequence[BlocklistEntry]) -> None:
        self.numbers.add_many(values, [self.table.append(entry) for entry in entries])

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[BlocklistEntry]]:
        return self.query_batch([value], max_distance)[0]

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[BlocklistEntry]]]:
        return [
            [IndexMatch(self.table.entry(int(m.entry)), m.distance, m.share, m.matched) for m in matches]
            for matches in self.numbers.query_batch(values, max_distance)
        ]


class SortedExactIndex:
    """Exact lookups in ``values`` (``(n, nbytes)`` uint8, sorted) with their entry numbers; additions go to a
    small dict beside it."""

    def __init__(self, values: np.ndarray, numbers: np.ndarray) -> None:
        self.nbytes = values.shape[1]
        self.keys = np.ascontiguousarray(values).view(f"S{self.nbytes}").ravel()
        self.numbers = numbers
        self.delta: ExactIndex[int] = ExactIndex()

    @classmethod
    def build(cls, values: np.ndarray, numbers: np.ndarray) -> SortedExactIndex:
        order = np.argsort(np.ascontiguousarray(values).view(f"S{values.shape[1]}").ravel(), kind="stable")
        return cls(values[order], numbers[order])

    def __len__(self) -> int:
        return len(self.keys) + len(self.delta)

    def add(self, value: str, entry: int) -> None:
        self.delta.add(value, entry)

    def add_many(self, values: Sequence[str], entries: Sequence[int]) -> None:
        self.delta.add_many(values, entries)

    def query(self, value: str, max_distance: int = 0) -> Sequence[IndexMatch[int]]:
        key = np.frombuffer(bytes.fromhex(value), dtype=f"S{self.nbytes}") if len(value) == 2 * self.nbytes else None
        found: list[IndexMatch[int]] = []
        if key is not None and len(self.keys):
            first, last = np.searchsorted(self.keys, key[0], "left"), np.searchsorted(self.keys, key[0], "right")
            found = [IndexMatch(int(number), 0) for number in self.numbers[first:last]]
        return found + list(self.delta.query(value))

    def query_batch(self, values: Sequence[str], max_distance: int = 0) -> list[Sequence[IndexMatch[int]]]:
        return [self.query(value) for value in values]

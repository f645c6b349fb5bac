"""Indexes over hash values: the ``SignalIndex`` protocol and its implementations.

An index is "a dict from hash to list of entries" (python-threatexchange's ``SignalTypeIndex``) with a
``query(value, max_distance)``: ``ExactIndex`` answers exact hashes (sha256, md5) from a dict;
``HammingIndex`` answers perceptual hashes within a Hamming radius by a vectorised linear scan (the
reference the fast index is tested against, and fine for small lists); ``monitor/signals/mih.py``'s
``MultiIndexHashIndex`` answers the same questions in sublinear time at millions of entries, and
``monitor/signals/frame_index.py``'s ``FrameIndex`` answers a video's frames. A signal hands out its own
index (``SignalType.index_for``), so callers use only the methods below and never ask which index it is.

``add`` makes one entry matchable at once; ``add_many`` adds a batch and leaves the index ready for fast
queries (the multi-index rebuilds its tables once). ``query_batch`` answers many values in one call: a
picture's hash with its variants, or a block of stored media in retro-matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class IndexMatch(Generic[T_co]):
    """An entry found for a queried value.

    ``share`` is how much of the entry was found: 1 for an entry that is one hash, the share of its frames
    for a video (the rule ``MatchRule.min_share`` checks). ``matched`` says what of the query matched when
    that is not the queried value itself (a video: ``"frames 3/4"``).
    """

    entry: T_co
    distance: int
    share: float = 1.0
    matched: str | None = None


class SignalIndex(Protocol[T]):
    def add(self, value: str, entry: T) -> None: ...

    def add_many(self, values: Sequence[str], entries: Sequence[T]) -> None:
        """Add ``entries[i]`` under ``values[i]``, then be ready for fast queries."""

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[T]]: ...

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[T]]]:
        """``query`` for each value, in order (one picture's hash and its variants go in one call)."""

    def __len__(self) -> int: ...


class ExactIndex(Generic[T]):
    """Exact lookups; ``max_distance`` is ignored (always 0)."""

    def __init__(self) -> None:
        self._entries: dict[str, list[T]] = {}
        self._count = 0

    def add(self, value: str, entry: T) -> None:
        self._entries.setdefault(value, []).append(entry)
        self._count += 1

    def add_many(self, values: Sequence[str], entries: Sequence[T]) -> None:
        for value, entry in zip(values, entries, strict=True):
            self.add(value, entry)

    def query(self, value: str, max_distance: int = 0) -> Sequence[IndexMatch[T]]:
        return [IndexMatch(entry, 0) for entry in self._entries.get(value, ())]

    def query_batch(self, values: Sequence[str], max_distance: int = 0) -> list[Sequence[IndexMatch[T]]]:
        return [self.query(value) for value in values]

    def __len__(self) -> int:
        return self._count


class HammingIndex(Generic[T]):
    """All entries within a Hamming radius, by XOR and popcount over a packed ``uint8`` matrix.

    Linear in the number of entries; fine for tens of thousands. Rows are appended into a buffer that
    doubles when full, so ``add`` is amortised O(1).
    """

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self._rows = np.zeros((16, bits // 8), dtype=np.uint8)
        self._entries: list[T] = []

    def add(self, value: str, entry: T) -> None:
        if len(self._entries) == len(self._rows):
            self._rows = np.concatenate([self._rows, np.zeros_like(self._rows)])
        self._rows[len(self._entries)] = np.frombuffer(bytes.fromhex(value), dtype=np.uint8)
        self._entries.append(entry)

    def add_many(self, values: Sequence[str], entries: Sequence[T]) -> None:
        for value, entry in zip(values, entries, strict=True):
            self.add(value, entry)

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[T]]:
        count = len(self._entries)
        if count == 0:
            return []
        probe = np.frombuffer(bytes.fromhex(value), dtype=np.uint8)
        distances = np.bitwise_count(self._rows[:count] ^ probe).sum(axis=1, dtype=np.int32)
        return [IndexMatch(self._entries[i], int(distances[i])) for i in np.flatnonzero(distances <= max_distance)]

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[T]]]:
        return [self.query(value, max_distance) for value in values]

    def __len__(self) -> int:
        return len(self._entries)

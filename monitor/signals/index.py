"""Indexes over hash values: the ``SignalIndex`` protocol and its implementations.

An index is "a dict from hash to list of entries" (python-threatexchange's ``SignalTypeIndex``) with a
``query(value, max_distance)``: ``ExactIndex`` answers exact hashes (sha256, md5) from a dict;
``HammingIndex`` answers perceptual hashes within a Hamming radius by a vectorised linear scan (the
reference the fast index is tested against, and fine for small lists); ``monitor/signals/mih.py``'s
``MultiIndexHashIndex`` answers the same questions in sublinear time at millions of entries. All accept
``add`` at any time, so a newly imported hash is matchable at once.
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
    entry: T_co
    distance: int


class SignalIndex(Protocol[T]):
    def add(self, value: str, entry: T) -> None: ...

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[T]]: ...

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[T]]]:
        """``query`` for each value (one picture's hash and its variants go in one call)."""

    def __len__(self) -> int: ...


class ExactIndex(Generic[T]):
    """Exact lookups; ``max_distance`` is ignored (always 0)."""

    def __init__(self) -> None:
        self._entries: dict[str, list[T]] = {}
        self._count = 0

    def add(self, value: str, entry: T) -> None:
        self._entries.setdefault(value, []).append(entry)
        self._count += 1

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

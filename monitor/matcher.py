"""Match a media file's fingerprints against the blocklist: one index per hash type, thresholds per type.

Each perceptual hash is queried with its variants (mirrored, rotated, border-trimmed); an entry is hit
once, at the smallest distance any variant reached. PDQ is not trusted below ``pdq_min_quality`` (flat
pictures all hash alike), as Meta's HMA does.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawlers.sighting import BlocklistHit, Fingerprints
from monitor.index import ExactIndex, SignalIndex
from monitor.mih import MultiIndexHashIndex
from monitor.records import BlocklistEntry
from monitor.signals import SIGNALS


class BlocklistMatcher:
    """Holds an index per hash type; ``add`` makes a new entry matchable at once (no rebuild)."""

    def __init__(self, thresholds: dict[str, int], pdq_min_quality: int) -> None:
        self.thresholds = {name: thresholds.get(name, signal.default_threshold) for name, signal in SIGNALS.items()}
        self.pdq_min_quality = pdq_min_quality
        self.indexes: dict[str, SignalIndex[BlocklistEntry]] = {
            name: MultiIndexHashIndex(signal.bits, self.thresholds[name]) if signal.default_threshold else ExactIndex()
            for name, signal in SIGNALS.items()
        }

    def add(self, entries: Iterable[BlocklistEntry]) -> None:
        """Make entries matchable. A large batch (an import) rebuilds the fast indexes once."""
        by_type: dict[str, list[BlocklistEntry]] = {}
        for entry in entries:
            by_type.setdefault(entry.hash_type, []).append(entry)
        for hash_type, group in by_type.items():
            index = self.indexes[hash_type]
            if isinstance(index, MultiIndexHashIndex) and len(group) > 1000:
                index.add_many([entry.value for entry in group], group)
            else:
                for entry in group:
                    index.add(entry.value, entry)

    def __len__(self) -> int:
        return sum(len(index) for index in self.indexes.values())

    def match(self, fingerprints: Fingerprints) -> tuple[BlocklistHit, ...]:
        best: dict[str, BlocklistHit] = {}
        for name, index in self.indexes.items():
            value = fingerprints.values.get(name)
            if value is None or len(index) == 0:
                continue
            if name == "pdq" and (fingerprints.pdq_quality or 0) < self.pdq_min_quality:
                continue
            probes = [value, *fingerprints.variants.get(name, ())]
            for probe, matches in zip(probes, index.query_batch(probes, self.thresholds[name]), strict=True):
                for found in matches:
                    entry = found.entry
                    current = best.get(entry.id)
                    if current is None or found.distance < current.distance:
                        best[entry.id] = BlocklistHit(
                            entry.id, entry.hash_type, entry.case, entry.label, found.distance, probe
                        )
        return tuple(sorted(best.values(), key=lambda hit: (hit.distance, hit.entry_id)))

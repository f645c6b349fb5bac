"""Match a media file's fingerprints against the blocklist: one index per hash type, thresholds per type.

Each perceptual hash is queried with its variants (mirrored, rotated, border-trimmed, cropped); an entry is
hit once, at the smallest distance any variant reached. PDQ is not trusted below ``pdq_min_quality`` (flat
pictures all hash alike), as Meta's HMA does.

Why a stricter radius for variants? Every variant on the query side and every crop stored on the victim's
side is one more comparison, and a 64-bit pHash at radius 10 gives unrelated pictures a real chance to
meet somewhere. A match between the picture itself and the entry itself uses the full threshold; a match
that involves a variant on either side must be within ``variant_thresholds`` (default: pHash 6).
PDQ's 256 bits keep chance matches negligible at 31, so it keeps one threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawlers.sighting import BlocklistHit, Fingerprints
from monitor.matching.video_index import VideoIndex
from monitor.records import BlocklistEntry
from monitor.signals import DISTANCE_SIGNALS, EXACT_SIGNALS, SIGNALS
from monitor.signals.index import ExactIndex, SignalIndex
from monitor.signals.mih import MultiIndexHashIndex

DEFAULT_VARIANT_THRESHOLDS = {"phash": 6}


def variant_radii(thresholds: dict[str, int], variant_thresholds: dict[str, int] | None = None) -> dict[str, int]:
    """The radius of a match that involves a variant: the stricter one where set, never above the threshold."""
    strict = DEFAULT_VARIANT_THRESHOLDS if variant_thresholds is None else variant_thresholds
    return {name: min(strict.get(name, limit), limit) for name, limit in thresholds.items()}


class BlocklistMatcher:
    """Holds an index per hash type; ``add`` makes a new entry matchable at once (no rebuild)."""

    def __init__(
        self, thresholds: dict[str, int], pdq_min_quality: int, variant_thresholds: dict[str, int] | None = None,
        video_share: float = 0.5,
    ) -> None:  # fmt: skip
        self.thresholds = {name: thresholds.get(name, signal.default_threshold) for name, signal in SIGNALS.items()}
        self.variant_thresholds = variant_radii(self.thresholds, variant_thresholds)
        self.pdq_min_quality = pdq_min_quality
        self.indexes: dict[str, SignalIndex[BlocklistEntry]] = {
            name: MultiIndexHashIndex(SIGNALS[name].bits, self.thresholds[name]) for name in DISTANCE_SIGNALS
        }
        self.indexes.update({name: ExactIndex() for name in EXACT_SIGNALS})
        self.videos = VideoIndex(self.thresholds["pdq"], video_share)

    def add(self, entries: Iterable[BlocklistEntry]) -> None:
        """Make entries matchable. A large batch (an import) rebuilds the fast indexes once."""
        by_type: dict[str, list[BlocklistEntry]] = {}
        for entry in entries:
            by_type.setdefault(entry.hash_type, []).append(entry)
        for hash_type, group in by_type.items():
            if hash_type not in self.indexes:
                self.videos.add(group)
                continue
            index = self.indexes[hash_type]
            if isinstance(index, MultiIndexHashIndex) and len(group) > 1000:
                index.add_many([entry.value for entry in group], group)
            else:
                for entry in group:
                    index.add(entry.value, entry)

    def __len__(self) -> int:
        return sum(len(index) for index in self.indexes.values()) + len(self.videos)

    def match(self, fingerprints: Fingerprints) -> tuple[BlocklistHit, ...]:
        best: dict[str, BlocklistHit] = {}
        for name, index in self.indexes.items():
            value = fingerprints.values.get(name)
            if value is None or len(index) == 0:
                continue
            if name == "pdq" and (fingerprints.pdq_quality or 0) < self.pdq_min_quality:
                continue
            probes = [value, *fingerprints.variants.get(name, ())]
            answers = index.query_batch(probes, self.thresholds[name])
            for number, (probe, matches) in enumerate(zip(probes, answers, strict=True)):
                for found in matches:
                    entry = found.entry
                    if (number or entry.variant) and found.distance > self.variant_thresholds[name]:
                        continue
                    current = best.get(entry.id)
                    if current is None or found.distance < current.distance:
                        best[entry.id] = BlocklistHit(
                            entry.id, entry.hash_type, entry.case, entry.label, found.distance, probe
                        )
        for entry, distance, found_frames in self.videos.match(fingerprints.frames):
            best[entry.id] = BlocklistHit(entry.id, entry.hash_type, entry.case, entry.label, distance, found_frames)
        return tuple(sorted(best.values(), key=lambda hit: (hit.distance, hit.entry_id)))

"""Match a video's frames against blocklisted videos (each entry: a list of frame hashes, comma-separated).

vPDQ's rule: an entry matches when at least a share of the entry's frames are each within the threshold of
some frame of the video. This index reports every entry with at least one frame found, with the share found
(``IndexMatch.share``) and the median distance of the found frames; ``MatchRule.min_share`` then decides.
Frames of all entries sit in one multi-index, so a video of N kept frames costs one batch of N queries
however many videos are blocklisted.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Generic, TypeVar

from monitor.signals.index import IndexMatch
from monitor.signals.mih import MultiIndexHashIndex

T = TypeVar("T")


def frames_of(value: str) -> list[str]:
    return value.split(",")


class FrameIndex(Generic[T]):
    """Entries that are lists of ``bits``-bit frame hashes, searched frame by frame within ``radius``."""

    def __init__(self, bits: int, radius: int) -> None:
        self._frames: MultiIndexHashIndex[tuple[int, int]] = MultiIndexHashIndex(bits, radius)  # (entry, frame)
        self._entries: list[T] = []
        self._frame_counts: list[int] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, value: str, entry: T) -> None:
        number = len(self._entries)
        frames = frames_of(value)
        self._entries.append(entry)
        self._frame_counts.append(len(frames))
        for frame_number, frame in enumerate(frames):
            self._frames.add(frame, (number, frame_number))

    def add_many(self, values: Sequence[str], entries: Sequence[T]) -> None:
        for value, entry in zip(values, entries, strict=True):
            self.add(value, entry)

    def query(self, value: str, max_distance: int) -> Sequence[IndexMatch[T]]:
        """Each entry with a frame found: the median distance of its found frames, and "frames k/n"."""
        if not self._entries:
            return []
        best: dict[int, dict[int, int]] = {}  # entry → its frames found → smallest distance
        for matches in self._frames.query_batch(frames_of(value), max_distance):
            for found in matches:
                number, frame_number = found.entry
                frame_best = best.setdefault(number, {})
                frame_best[frame_number] = min(found.distance, frame_best.get(frame_number, found.distance))
        results = []
        for number, found_frames in best.items():
            total = self._frame_counts[number]
            distance = int(statistics.median(found_frames.values()))
            share = len(found_frames) / total
            results.append(IndexMatch(self._entries[number], distance, share, f"frames {len(found_frames)}/{total}"))
        return results

    def query_batch(self, values: Sequence[str], max_distance: int) -> list[Sequence[IndexMatch[T]]]:
        return [self.query(value, max_distance) for value in values]

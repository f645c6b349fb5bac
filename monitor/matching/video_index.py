"""Match a video's frames against blocklisted videos (each entry: a list of frame PDQ hashes).

vPDQ's rule: an entry matches when at least ``min_share`` of the entry's frames are each within the PDQ
threshold of some frame of the video. Frames of all entries sit in one multi-index, so a video of N kept
frames costs N index queries however many videos are blocklisted.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from monitor.records import BlocklistEntry
from monitor.signals.mih import MultiIndexHashIndex


class VideoIndex:
    def __init__(self, threshold: int, min_share: float) -> None:
        self.threshold = threshold
        self.min_share = min_share
        self._frames: MultiIndexHashIndex[tuple[BlocklistEntry, int]] = MultiIndexHashIndex(256, threshold)
        self._frame_counts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._frame_counts)

    def add(self, entries: Iterable[BlocklistEntry]) -> None:
        for entry in entries:
            frames = entry.value.split(",")
            self._frame_counts[entry.id] = len(frames)
            for number, frame in enumerate(frames):
                self._frames.add(frame, (entry, number))

    def match(self, frames: tuple[str, ...]) -> list[tuple[BlocklistEntry, int, str]]:
        """(entry, median distance of the found frames, "frames k/n") for every entry that matches."""
        if not frames or not self._frame_counts:
            return []
        best: dict[str, dict[int, int]] = {}
        entries: dict[str, BlocklistEntry] = {}
        for matches in self._frames.query_batch(list(frames), self.threshold):
            for found in matches:
                entry, number = found.entry
                entries[entry.id] = entry
                frame_best = best.setdefault(entry.id, {})
                frame_best[number] = min(found.distance, frame_best.get(number, 256))
        results = []
        for entry_id, found_frames in best.items():
            total = self._frame_counts[entry_id]
            if len(found_frames) / total >= self.min_share:
                distance = int(statistics.median(found_frames.values()))
                results.append((entries[entry_id], distance, f"frames {len(found_frames)}/{total}"))
        return results

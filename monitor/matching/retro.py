"""Retro-matching: when the blocklist grows, find the media seen earlier that now match.

jikimi keeps the fingerprints of everything it has seen (never the media). After an import, the new
entries go into a small index of their own, and every stored media file's hashes are queried against
it in large vectorised batches: SHA-256 and MD5 exactly, PDQ and pHash of the picture and of its mirror
image within the thresholds. (The other query variants — rotations, trims, crops — are computed at
crawl time but not stored per media, to keep the store small; new sightings get all of them.)

Each match becomes hits on every stored sighting of that media. Where the post is still online, the
media is fetched again (``crawlers/refetch.py``) and preserved as evidence.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crawlers.refetch import refetch_sighting
from crawlers.sighting import BlocklistHit, Sighting
from monitor.counters import RunCounters
from monitor.matching.matcher import BlocklistMatcher, variant_radii
from monitor.records import BlocklistEntry, PerceptualRow
from monitor.signals.mih import MultiIndexHashIndex, pack
from monitor.store.base import Store

BATCH = 50_000
QUERY_BLOCK = 4096  # queries per index call: keeps probe arrays in the tens of megabytes


@dataclass(slots=True)
class RetroMatches:
    """sha256 of stored media → the hits the new entries give it."""

    by_media: dict[str, list[BlocklistHit]] = field(default_factory=dict)
    scanned: int = 0

    def add(self, sha256: str, entry: BlocklistEntry, distance: int, value: str) -> None:
        found = self.by_media.setdefault(sha256, [])
        if all(hit.entry_id != entry.id for hit in found):
            found.append(BlocklistHit(entry.id, entry.hash_type, entry.case, entry.label, distance, value))


class RetroMatcher:
    """The new entries, indexed to be queried by many stored hashes at once."""

    def __init__(
        self, entries: Sequence[BlocklistEntry], thresholds: dict[str, int], pdq_min_quality: int,
        variant_thresholds: dict[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.exact: dict[tuple[str, str], list[BlocklistEntry]] = {}
        self.indexes: dict[str, MultiIndexHashIndex[BlocklistEntry]] = {}
        self.thresholds = thresholds
        self.variant_thresholds = variant_radii(thresholds, variant_thresholds)
        self.pdq_min_quality = pdq_min_quality
        for entry in entries:
            if entry.hash_type in ("sha256", "md5"):
                self.exact.setdefault((entry.hash_type, entry.value), []).append(entry)
        for signal, bits in (("pdq", 256), ("phash", 64)):
            chosen = [entry for entry in entries if entry.hash_type == signal]
            if chosen:
                index: MultiIndexHashIndex[BlocklistEntry] = MultiIndexHashIndex(bits, thresholds[signal])
                index.add_many([entry.value for entry in chosen], chosen)
                self.indexes[signal] = index

    def scan(self, rows: list[PerceptualRow], found: RetroMatches) -> None:
        found.scanned += len(rows)
        for row in rows:
            for hash_type, value in (("sha256", row.sha256), ("md5", row.md5)):
                for entry in self.exact.get((hash_type, value or ""), ()):
                    found.add(row.sha256, entry, 0, value or "")
        for signal, index in self.indexes.items():
            trusted = [r for r in rows if signal != "pdq" or (r.pdq_quality or 0) >= self.pdq_min_quality]
            probes = [
                (r.sha256, value, mirror) for r in trusted for mirror, value in enumerate(getattr_pair(r, signal))
            ]
            probes = [probe for probe in probes if probe[1]]
            for start in range(0, len(probes), QUERY_BLOCK):
                block = probes[start : start + QUERY_BLOCK]
                queries = pack([value for _, value, _ in block], index.nbytes)  # type: ignore[misc]
                query_of, entry_rows, distances = index.query_many(queries, self.thresholds[signal])
                for number, entry_row, distance in zip(query_of, entry_rows, distances, strict=True):
                    sha256, value, mirror = block[int(number)]
                    entry = index.entry(int(entry_row))
                    if (mirror or entry.variant) and distance > self.variant_thresholds[signal]:
                        continue
                    found.add(sha256, entry, int(distance), value or "")


def getattr_pair(row: PerceptualRow, signal: str) -> tuple[str | None, str | None]:
    return (row.pdq, row.pdq_mirror) if signal == "pdq" else (row.phash, row.phash_mirror)


async def find_retro_matches(
    store: Store, entries: Sequence[BlocklistEntry], thresholds: dict[str, int], pdq_min_quality: int,
    variant_thresholds: dict[str, int] | None = None,
) -> RetroMatches:  # fmt: skip
    """Scan every stored media file's hashes against ``entries``, in batches of ``BATCH``."""
    matcher = RetroMatcher(entries, thresholds, pdq_min_quality, variant_thresholds)
    found = RetroMatches()
    after = ""
    while True:
        rows = await store.perceptual_rows(after, BATCH)
        if not rows:
            return found
        matcher.scan(rows, found)
        after = rows[-1].sha256


class RecordsHits(Protocol):
    """What retro-matching records its hits through: the pipeline's steps 4 and 5 (``Pipeline`` is one)."""

    store: Store
    matcher: BlocklistMatcher

    async def record_hits(
        self, sighting: Sighting, counters: RunCounters, refetch: None, preserve: bool = True
    ) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RetroReport:
    scanned: int
    media_matched: int
    sightings_matched: int
    hits_recorded: int
    preserved: int
    not_preserved: int


async def retro_match(pipeline: RecordsHits, entries: Sequence[BlocklistEntry], workdir: Path) -> RetroReport:
    """Record hits on earlier sightings that ``entries`` now match, preserving what is still online."""
    matcher = pipeline.matcher
    thresholds = {"pdq": matcher.thresholds["pdq"], "phash": matcher.thresholds["phash"]}
    found = await find_retro_matches(
        pipeline.store, entries, thresholds, matcher.pdq_min_quality, matcher.variant_thresholds
    )
    counters = RunCounters()
    sightings = await pipeline.store.sightings_of(list(found.by_media))
    not_preserved = 0
    try:
        for sighting in sightings:
            assert sighting.fingerprints is not None
            with_hits = dataclasses.replace(sighting, hits=tuple(found.by_media[sighting.fingerprints.sha256]))
            fresh = await refetch_sighting(with_hits, workdir)
            if fresh is None:
                not_preserved += 1
            await pipeline.record_hits(fresh or with_hits, counters, None, preserve=fresh is not None)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return RetroReport(
        found.scanned, len(found.by_media), len(sightings), counters.hits, counters.packets, not_preserved
    )

"""Retro-matching: when the blocklist grows, find the media seen earlier that now match.

jikimi keeps the fingerprints of everything it has seen (never the media). After an import, the new
entries go into small indexes of their own (each signal's ``index_for``), and what every stored media
keeps of each signal (``monitor/signals/kept.py``: an exact hash; a picture hash and its mirror image's)
is queried against them in large batches, under each signal's ``MatchRule``. (The other query variants —
rotations, trims, crops — are computed at crawl time but not kept per media, to keep the store small; new
sightings get all of them. Video frame lists are not kept per media either: see ``FrameSignal``.)

Building the indexes and scanning are CPU-bound (numpy, which releases the GIL for the heavy parts), so
they run in a thread: the event loop (the review UI, the daemon) keeps answering during an import; the
store is read between batches on the loop, as always.

Each match becomes hits on every stored sighting of that media. Where the post is still online, the
media is fetched again (``crawlers/refetch.py``) and preserved as evidence.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from config.settings import Settings
from crawlers.base import RecapturesPosts
from crawlers.errors import UnknownSourceKind
from crawlers.registry import crawler_for
from crawlers.sighting import BlocklistHit, Sighting
from crawlers.temp_files import PLAIN, SealedFiles, TempFiles
from crawlers.workdirs import locked_workdir
from monitor.counters import ProblemSink, RunCounters, ignore_problem
from monitor.matching.matcher import BlocklistMatcher, hit_of, rules_for
from monitor.records import BlocklistEntry, ItemState, PerceptualRow, RunProblem
from monitor.signals import SIGNALS, MatchRule, SignalIndex
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
            found.append(hit_of(entry, distance, value))


class RetroMatcher:
    """The new entries, indexed per signal to be queried by many stored hashes at once."""

    def __init__(self, entries: Sequence[BlocklistEntry], rules: Mapping[str, MatchRule] | None = None) -> None:
        self.rules = rules_for(rules)
        self.indexes: dict[str, SignalIndex[BlocklistEntry]] = {}
        for name, signal in SIGNALS.items():
            chosen = [entry for entry in entries if entry.hash_type == name]
            if chosen and signal.kept_columns():
                index: SignalIndex[BlocklistEntry] = signal.index_for(self.rules[name].threshold)
                index.add_many([entry.value for entry in chosen], chosen)
                self.indexes[name] = index

    def scan(self, rows: Sequence[PerceptualRow], found: RetroMatches) -> None:
        """Query every row's kept hashes; a hash after the first (the mirror) counts as a variant."""
        found.scanned += len(rows)
        for name, index in self.indexes.items():
            rule = self.rules[name]
            probes = [
                (row.sha256, value, number)
                for row in rows
                if rule.trusts(row.qualities.get(name))
                for number, value in enumerate(row.hashes.get(name, ()))
            ]
            for start in range(0, len(probes), QUERY_BLOCK):
                block = probes[start : start + QUERY_BLOCK]
                answers = index.query_batch([value for _, value, _ in block], rule.threshold)
                for (sha256, value, number), matches in zip(block, answers, strict=True):
                    for match in matches:
                        if rule.accepts(match.distance, match.share, variant=bool(number or match.entry.variant)):
                            found.add(sha256, match.entry, match.distance, value)


async def find_retro_matches(
    store: Store, entries: Sequence[BlocklistEntry], rules: Mapping[str, MatchRule] | None = None
) -> RetroMatches:
    """Scan every stored media file's hashes against ``entries``, in batches of ``BATCH``; the index build
    and each batch's scan run in a thread. Entries of a withdrawn item are not looked for (a list imported
    again, or a withdrawn picture hashed again, does not bring it back)."""
    withdrawn = {item.id for item in await store.blocklist_items(state=ItemState.WITHDRAWN)}
    active = [entry for entry in entries if entry.item_id not in withdrawn]
    matcher: RetroMatcher | None = None  # built once there is a stored media to scan: a first import has none
    found = RetroMatches()
    after = ""
    while True:
        rows = await store.perceptual_rows(after, BATCH)
        if not rows:
            return found
        if matcher is None:
            matcher = await asyncio.to_thread(RetroMatcher, active, rules)
        await asyncio.to_thread(matcher.scan, rows, found)
        after = rows[-1].sha256


class RecordsHits(Protocol):
    """What retro-matching records its hits through: the pipeline's steps 4 and 5 (``Pipeline`` is one)."""

    store: Store
    matcher: BlocklistMatcher

    async def record_hits(
        self, sighting: Sighting, counters: RunCounters, refetch: None, preserve: bool = True,
        files: TempFiles = PLAIN, report: ProblemSink = ignore_problem,
    ) -> str | None: ...  # fmt: skip


@dataclass(frozen=True, slots=True)
class RetroReport:
    scanned: int
    media_matched: int
    sightings_matched: int
    hits_recorded: int
    preserved: int
    not_preserved: int
    problems: tuple[RunProblem, ...] = ()  # what preserving the recaptures found wrong (no screenshot, ...)

    @classmethod
    def total(cls, reports: Sequence[RetroReport]) -> RetroReport:
        """The reports of the chunks of one import as one (each chunk scanned the same media: ``scanned``
        is the largest scan, not their sum)."""

        def sum_of(name: str) -> int:
            return sum(getattr(report, name) for report in reports)

        return cls(
            scanned=max((report.scanned for report in reports), default=0),
            media_matched=sum_of("media_matched"),
            sightings_matched=sum_of("sightings_matched"),
            hits_recorded=sum_of("hits_recorded"),
            preserved=sum_of("preserved"),
            not_preserved=sum_of("not_preserved"),
            problems=tuple(problem for report in reports for problem in report.problems),
        )


Recapture = Callable[[Sighting, Path, TempFiles], Awaitable[Sighting | None]]
"""Captures an earlier sighting again (``RecapturesPosts``) into a folder, through its files, or answers ``None``."""


def recapture_with(settings: Settings) -> Recapture:
    """Each sighting recaptured by its kind's crawler, when that kind can (``RecapturesPosts``)."""

    async def recapture(sighting: Sighting, workdir: Path, files: TempFiles) -> Sighting | None:
        try:
            crawler = crawler_for(sighting.source_kind).from_settings(settings)
        except UnknownSourceKind:
            return None
        return await crawler.recapture(sighting, workdir, files) if isinstance(crawler, RecapturesPosts) else None

    return recapture


async def retro_match(
    pipeline: RecordsHits, entries: Sequence[BlocklistEntry], workdir: Path, recapture: Recapture
) -> RetroReport:
    """Record hits on earlier sightings that ``entries`` now match, preserving what is still online."""
    found = await find_retro_matches(pipeline.store, entries, pipeline.matcher.rules)
    counters = RunCounters()
    sightings = await pipeline.store.sightings_of(list(found.by_media))
    not_preserved, problems = 0, list[RunProblem]()
    files = SealedFiles.new()  # the recaptures are sealed with a key that dies with this call (crawlers/temp_files.py)
    with locked_workdir(workdir.parent, f"{workdir.name}-{uuid.uuid4().hex[:12]}") as folder:  # swept if killed
        for sighting in sightings:
            assert sighting.fingerprints is not None
            with_hits = dataclasses.replace(sighting, hits=tuple(found.by_media[sighting.fingerprints.sha256]))
            fresh = await recapture(with_hits, folder, files)
            if fresh is None:
                not_preserved += 1
            await pipeline.record_hits(
                fresh or with_hits, counters, None, preserve=fresh is not None, files=files, report=problems.append
            )
    return RetroReport(
        found.scanned, len(found.by_media), len(sightings), counters.hits, counters.packets, not_preserved,
        tuple(problems),
    )  # fmt: skip

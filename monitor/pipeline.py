"""The monitoring pipeline: every Sighting a crawler yields goes through the same numbered steps.

1. dedupe      — exact hashes of the downloaded file give the sighting its id; a sighting already
                 stored is skipped (a re-run of a crawl adds nothing).
2. fingerprint — media seen before reuses its stored fingerprints; new media is hashed in the process
                 pool. A picture that cannot be decoded keeps its exact hashes and a recorded error.
3. match       — the fingerprints (and their variants) are queried against the blocklist indexes.
4. preserve    — a sighting with hits gets one evidence packet (encrypted at rest, written once).
5. store       — packet, hits, then the sighting itself, last: if jikimi dies midway, the sighting is
                 not yet stored, so the next run redoes it, and every write is an idempotent upsert.

The temporary media files belong to the crawl's work directory, removed when the crawl ends; only
fingerprints and, for hits, the encrypted packet are kept. One bad item is a recorded problem and never
stops the crawl; a store failure stops the run (nothing could be recorded).
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.watchlist import Source
from crawlers.base import Crawler
from crawlers.errors import CrawlError, SourceUnavailable
from crawlers.sighting import BlocklistHit, CrawlProblem, Fingerprints, Sighting, utc_now
from evidence.packet import write_packet
from monitor.counters import RunCounters
from monitor.hash_pool import HashPool
from monitor.hashing import exact_hashes
from monitor.matcher import BlocklistMatcher
from monitor.records import HitRecord, PacketRecord, RunRecord, stable_id
from monitor.store.base import Store

MAX_PROBLEMS_KEPT = 500
ProgressCallback = Callable[[RunCounters], None]


@dataclass(frozen=True, slots=True)
class EvidenceSettings:
    """Where packets go and how they are sealed."""

    root: Path
    key: bytes
    operator: str = ""


class Pipeline:
    """Dedupe → fingerprint → match → preserve → store, with counters per run."""

    def __init__(
        self, store: Store, matcher: BlocklistMatcher, hash_pool: HashPool, evidence: EvidenceSettings,
        concurrency: int = 4,
    ) -> None:  # fmt: skip
        self.store = store
        self.matcher = matcher
        self.hash_pool = hash_pool
        self.evidence = evidence
        self.item_limit = asyncio.Semaphore(concurrency)

    async def process(self, sighting: Sighting, counters: RunCounters) -> Sighting | None:
        """Run the steps on one sighting; return it with fingerprints and hits, or ``None`` if already stored."""
        assert sighting.media.path is not None, "a crawler must hand over the media as a file"
        counters.sightings += 1
        # 1 - dedupe
        exact = await asyncio.to_thread(exact_hashes, sighting.media.path)
        known = await self.store.get_fingerprints(exact["sha256"])
        probe = dataclasses.replace(sighting, fingerprints=known or _exact_only(exact))
        if await self.store.has_sighting(probe.id):
            return None
        counters.new_sightings += 1
        # 2 - fingerprint
        fingerprints = known
        if fingerprints is None:
            fingerprints = await self.hash_pool.fingerprint(sighting.media.path)
            counters.new_media += 1
            await self.store.put_fingerprints(fingerprints)
        if fingerprints.error:
            counters.errors += 1
        # 3 - match
        sighting = dataclasses.replace(sighting, fingerprints=fingerprints, error=fingerprints.error)
        sighting = dataclasses.replace(sighting, hits=self.matcher.match(fingerprints))
        # 4 - preserve
        packet_id = None
        if sighting.hits:
            written = await asyncio.to_thread(
                write_packet, sighting, self.evidence.root, self.evidence.key, self.evidence.operator
            )
            packet_id = written.id
            relative = written.path.relative_to(self.evidence.root.parent).as_posix()
            # 5 - store (packet, hits, and the sighting last)
            if await self.store.put_packet(PacketRecord(written.id, sighting.id, relative, written.manifest_sha256)):
                counters.packets += 1
        for hit in sighting.hits:
            if await self.store.put_hit(_hit_record(sighting, hit, packet_id)):
                counters.hits += 1
        await self.store.put_sighting(sighting)
        return sighting

    async def run_source(
        self, source: Source, crawler: Crawler, workdir: Path, on_progress: ProgressCallback | None = None
    ) -> RunRecord:
        """Crawl ``source`` once through the pipeline and record the run (also when it fails)."""
        started = utc_now()
        run = RunRecord(stable_id(source.id, started.isoformat()), source.id, started)
        await self.store.put_run(run)
        counters = RunCounters()
        problems: list[dict[str, Any]] = []
        workdir = workdir / run.id
        status, error = "ok", None
        try:
            await self._consume(source, crawler, workdir, counters, problems, on_progress)
            if counters.sightings == 0 and problems and all(p["kind"] == "page" for p in problems):
                status, error = "unreachable", problems[0]["reason"]
        except SourceUnavailable as exc:
            status, error = "unreachable", str(exc)
        except CrawlError as exc:
            status, error = "failed", str(exc)
        finally:
            _keep_log(workdir, self.evidence.root.parent / "logs" / f"{source.id}-{run.id}.log")
            shutil.rmtree(workdir, ignore_errors=True)
        run = dataclasses.replace(
            run, finished_at=utc_now(), status=status, counters=counters.as_dict(),
            problems=tuple(problems[:MAX_PROBLEMS_KEPT]), error=error,
        )  # fmt: skip
        await self.store.put_run(run)
        return run

    async def _consume(
        self, source: Source, crawler: Crawler, workdir: Path, counters: RunCounters,
        problems: list[dict[str, Any]], on_progress: ProgressCallback | None,
    ) -> None:  # fmt: skip
        workdir.mkdir(parents=True, exist_ok=True, mode=0o700)

        async def handle(sighting: Sighting) -> None:
            async with self.item_limit:
                try:
                    done = await self.process(sighting, counters)
                except (OSError, ValueError) as exc:
                    counters.errors += 1
                    reason = f"{type(exc).__name__}: {exc}"
                    problems.append(_problem("media", sighting.location, reason, sighting.media.url))
                    return
                if done is not None and done.error:
                    problems.append(_problem("media", done.location, done.error, done.media.url))
                if on_progress:
                    on_progress(counters)

        crawl_error: CrawlError | None = None
        try:
            async with asyncio.TaskGroup() as tasks:
                try:
                    await self._dispatch(source, crawler, workdir, counters, problems, on_progress, tasks, handle)
                except CrawlError as exc:
                    crawl_error = exc
        except BaseExceptionGroup as group:  # a task failed (the store): surface the first error itself
            raise group.exceptions[0] from None
        if crawl_error is not None:
            raise crawl_error

    async def _dispatch(
        self, source: Source, crawler: Crawler, workdir: Path, counters: RunCounters,
        problems: list[dict[str, Any]], on_progress: ProgressCallback | None, tasks: asyncio.TaskGroup,
        handle: Callable[[Sighting], Coroutine[Any, Any, None]],
    ) -> None:  # fmt: skip
        async for record in crawler.crawl(source, workdir):
            if isinstance(record, CrawlProblem):
                counters.errors += 1
                kind = "media" if record.media_url else "page"
                problems.append(_problem(kind, record.location, record.reason, record.media_url))
                if on_progress:
                    on_progress(counters)
                continue
            await self.item_limit.acquire()  # back-pressure: don't read far ahead of the hashing
            self.item_limit.release()
            tasks.create_task(handle(record))


def _keep_log(workdir: Path, target: Path) -> None:
    """Keep the crawler's own log (if it wrote one) after the work directory is removed."""
    log = workdir / "scrapy.log"
    if log.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(log, target)


def _exact_only(exact: dict[str, str]) -> Fingerprints:
    return Fingerprints(values=exact)


def _problem(kind: str, location: str, reason: str, media_url: str | None) -> dict[str, Any]:
    return {"kind": kind, "location": location, "media_url": media_url, "reason": reason, "at": utc_now().isoformat()}


def _hit_record(sighting: Sighting, hit: BlocklistHit, packet_id: str | None) -> HitRecord:
    assert sighting.fingerprints is not None
    return HitRecord(
        sighting_id=sighting.id, entry_id=hit.entry_id, hash_type=hit.hash_type, case=hit.case,
        label=hit.label, distance=hit.distance, matched_value=hit.matched_value, source_id=sighting.source_id,
        location=sighting.location, media_url=sighting.media.url, media_sha256=sighting.fingerprints.sha256,
        posted_at=sighting.distributor.posted_at, seen_at=sighting.seen_at, packet_id=packet_id,
    )  # fmt: skip

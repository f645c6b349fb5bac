"""The monitoring pipeline: every Sighting a crawler yields goes through the same numbered steps.

1. dedupe      — the media's SHA-256 (hashed from the file, or known from the platform's file id) gives
                 the sighting its id; a sighting already stored is skipped (a re-run adds nothing).
2. fingerprint — media seen before reuses its stored fingerprints; new media is hashed in the process
                 pool. A picture that cannot be decoded keeps its exact hashes and a recorded error.
3. match       — the fingerprints (and their variants) are queried against the blocklist indexes.
4. preserve    — a sighting with hits gets one evidence packet (encrypted at rest, written once); media
                 known only by its platform id is fetched again for it.
5. store       — packet, hits, then the sighting itself, last: if jikimi dies midway, the sighting is
                 not yet stored, so the next run redoes it, and every write is an idempotent upsert.

Running a whole crawl (ordering checkpoints, recording the run) is ``monitor/runner.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crawlers.sighting import BlocklistHit, Fingerprints, Sighting
from crawlers.temp_files import PLAIN, TempFiles
from evidence.custody import CustodyKind, next_event
from evidence.packet import media_file_name, packet_id_for, write_packet
from evidence.rendered_capture import render_capture
from evidence.rendering import Renderer
from monitor.counters import ProblemSink, RunCounters, ignore_problem
from monitor.errors import MediaError
from monitor.fingerprint.exact import exact_hashes_of
from monitor.fingerprint.pool import HashPool
from monitor.matching.matcher import BlocklistMatcher
from monitor.packets.custody_log import now_ms
from monitor.packets.timestamps import TimestampSettings, timestamp_packet
from monitor.records import HitRecord, PacketRecord, ProblemKind, RunProblem, channel_of
from monitor.store.base import Store

MediaFetcher = Callable[[Sighting], Awaitable[Path | None]]
MediaSettled = Callable[[Sighting], None]
"""Told once a sighting's media is matched (fingerprints and hits filled in; ``monitor/temp_media.py``)."""


@dataclass(frozen=True, slots=True)
class EvidenceSettings:
    """Where packets go and how they are sealed."""

    root: Path
    key: bytes
    operator: str = ""
    signer: Ed25519PrivateKey | None = None
    timestamps: TimestampSettings = TimestampSettings(None)
    renderer: Renderer | None = None
    renderer_missing: str = "no renderer configured"


class Pipeline:
    """Dedupe → fingerprint → match → preserve → store, one sighting at a time (many concurrently)."""

    def __init__(
        self, store: Store, matcher: BlocklistMatcher, hash_pool: HashPool, evidence: EvidenceSettings
    ) -> None:
        self.store = store
        self.matcher = matcher
        self.hash_pool = hash_pool
        self.evidence = evidence
        self._hashing: dict[str, asyncio.Future[Fingerprints]] = {}  # sha256 → fingerprinting under way

    async def process(
        self, sighting: Sighting, counters: RunCounters, refetch: MediaFetcher | None = None, files: TempFiles = PLAIN,
        report: ProblemSink = ignore_problem, settled: MediaSettled | None = None,
    ) -> Sighting | None:  # fmt: skip
        """Run the steps on one sighting; return it with fingerprints and hits, or ``None`` if already stored.

        Its temporary files are read through ``files``: a crawl's are sealed with the run's key
        (``crawlers/temp_files.py``), decrypted only in memory, here and in the hash pool's processes.
        ``settled`` is told once the media is matched, a skipped sighting's too (matched from its stored
        fingerprints): whether its temporary file may go (``monitor/temp_media.py``).

        Raises ``MediaError`` for media that can be neither read nor recognised (recorded by the runner);
        what went wrong preserving a match (the item itself is stored) goes to ``report``.
        """
        counters.sightings += 1
        # 1 - dedupe
        sha256, known = await self._identify(sighting, files)
        probe = dataclasses.replace(sighting, fingerprints=known or Fingerprints(values={"sha256": sha256}))
        if await self.store.has_sighting(probe.id):
            if settled is not None and known is not None:
                settled(dataclasses.replace(probe, hits=self.matcher.match(known)))
            return None
        counters.new_sightings += 1
        # 2 - fingerprint
        fingerprints = known or await self._fingerprint_once(sha256, sighting, counters, files)
        if sighting.media.platform_file_id:
            await self.store.put_platform_media(sighting.source_kind, sighting.media.platform_file_id, sha256)
        if fingerprints.error:
            counters.errors += 1
        # 3 - match
        sighting = dataclasses.replace(sighting, fingerprints=fingerprints, error=fingerprints.error)
        sighting = dataclasses.replace(sighting, hits=self.matcher.match(fingerprints))
        if settled is not None:
            settled(sighting)
        # 4 - preserve, 5 - store (packet, hits, and the sighting last)
        await self.record_hits(sighting, counters, refetch, files=files, report=report)
        await self.store.put_sighting(sighting)
        return sighting

    async def record_hits(
        self, sighting: Sighting, counters: RunCounters, refetch: MediaFetcher | None, preserve: bool = True,
        files: TempFiles = PLAIN, report: ProblemSink = ignore_problem,
    ) -> str | None:  # fmt: skip
        """Steps 4 and 5 for a sighting's hits: its packet (unless ``preserve`` is off: the media is gone),
        then one hit record per matched entry."""
        packet_id = None
        if sighting.hits and preserve:
            packet_id = await self._preserve(sighting, counters, refetch, files, report)
        for hit in sighting.hits:
            if await self.store.put_hit(_hit_record(sighting, hit, packet_id)):
                counters.hits += 1
        return packet_id

    async def _fingerprint_once(
        self, sha256: str, sighting: Sighting, counters: RunCounters, files: TempFiles
    ) -> Fingerprints:
        """Hash new media once, even when several sightings of the same bytes arrive together. The store is read
        again once this sighting holds the hashing: another sighting of the same bytes may have been hashed and
        stored since this one looked (``_identify``), its hashing already finished."""
        under_way = self._hashing.get(sha256)
        if under_way is not None:
            return await asyncio.shield(under_way)
        future: asyncio.Future[Fingerprints] = asyncio.get_running_loop().create_future()
        self._hashing[sha256] = future
        try:
            stored = await self.store.get_fingerprints(sha256)
            if stored is not None:
                future.set_result(stored)
                return stored
            assert sighting.media.path is not None
            fingerprints = await self.hash_pool.fingerprint(sighting.media.path, files)
            await self.store.put_fingerprints(fingerprints)
            counters.new_media += 1
            future.set_result(fingerprints)
            return fingerprints
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure logs no warning
            raise
        finally:
            del self._hashing[sha256]

    async def _identify(self, sighting: Sighting, files: TempFiles) -> tuple[str, Fingerprints | None]:
        """The media's SHA-256 and its stored fingerprints, if it was hashed before."""
        if sighting.media.path is not None:
            if not await asyncio.to_thread(files.head, sighting.media.path, 1):
                raise MediaError(f"{sighting.media.url}: empty file (the response had 0 bytes), not media")
            sha256 = (await asyncio.to_thread(exact_hashes_of, sighting.media.path, files))["sha256"]
            return sha256, await self.store.get_fingerprints(sha256)
        if sighting.media.sha256 is None:
            raise MediaError(f"{sighting.media.url}: neither downloaded nor known by its platform id")
        known = await self.store.get_fingerprints(sighting.media.sha256)
        if known is None:
            raise MediaError(f"{sighting.media.url}: known by platform id but its fingerprints are missing")
        return sighting.media.sha256, known

    async def _preserve(
        self, sighting: Sighting, counters: RunCounters, refetch: MediaFetcher | None, files: TempFiles,
        report: ProblemSink,
    ) -> str | None:  # fmt: skip
        if sighting.media.path is None:
            path = await refetch(sighting) if refetch else None
            if path is None:
                raise MediaError(f"{sighting.media.url}: matched, but the media could not be fetched again to preserve")
            sighting = dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=path))
        evidence = self.evidence
        rendered = None
        if not (evidence.root / packet_id_for(sighting.id)).exists():
            media_file = await asyncio.to_thread(media_file_name, sighting, files)
            rendered = await render_capture(
                sighting, evidence.renderer, media_file, evidence.renderer_missing, media_files=files
            )
            for reason in rendered.problems:
                report(RunProblem(ProblemKind.EVIDENCE, sighting.location, reason, sighting.media.url))
        written = await asyncio.to_thread(
            write_packet, sighting, evidence.root, evidence.key, evidence.operator, evidence.signer, rendered, files
        )
        relative = written.path.relative_to(self.evidence.root.parent).as_posix()
        if await self.store.put_packet(PacketRecord(written.id, sighting.id, relative, written.manifest_sha256)):
            counters.packets += 1
        if written.created or await self.store.last_custody_event(written.id) is None:
            await self._record_capture(sighting, written.id, written.manifest_sha256, evidence.signer)
        await timestamp_packet(
            self.store, written.id, written.path, self.evidence.key, self.evidence.timestamps,
            self.evidence.operator or "jikimi", signer=evidence.signer,
        )  # fmt: skip
        return written.id

    async def _record_capture(
        self, sighting: Sighting, packet_id: str, manifest_sha256: str, signer: Ed25519PrivateKey | None
    ) -> None:
        """The ``captured`` event, as the first event of the packet's chain or not at all.

        Why not ``append_event``? It appends after whatever is there: two crawls that preserved the same
        sighting at once (or a crawl recovering a packet whose writer died before this event) would both
        record a capture. The first event has ``seq`` 0, which the store gives to one writer only.
        """
        assert sighting.fingerprints is not None
        details = {"manifest_sha256": manifest_sha256, "sighting_id": sighting.id,
                   "location": sighting.location, "media_sha256": sighting.fingerprints.sha256}  # fmt: skip
        operator = self.evidence.operator or "jikimi"
        event = next_event(None, packet_id, CustodyKind.CAPTURED, operator, details, now_ms(), signer)
        await self.store.append_custody(event)  # False: another writer's capture is the first event


def _hit_record(sighting: Sighting, hit: BlocklistHit, packet_id: str | None) -> HitRecord:
    assert sighting.fingerprints is not None
    return HitRecord(
        sighting_id=sighting.id, entry_id=hit.entry_id, hash_type=hit.hash_type, case=hit.case,
        label=hit.label, distance=hit.distance, matched_value=hit.matched_value, source_id=sighting.source_id,
        location=sighting.location, media_url=sighting.media.url, media_sha256=sighting.fingerprints.sha256,
        posted_at=sighting.distributor.posted_at, seen_at=sighting.seen_at, packet_id=packet_id,
        source_kind=sighting.source_kind, item_id=hit.item_id, entry_value=hit.entry_value,
        channel=channel_of(sighting.distributor, sighting.location, sighting.source_kind),
    )  # fmt: skip

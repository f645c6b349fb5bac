"""The ``Store`` protocol: everything jikimi persists, behind one async interface.

Nothing outside ``monitor/store/`` imports a database driver. Implementations: ``SqliteStore`` (the
embedded default) and ``MongoStore`` (PyMongo's async client, for shared deployments); one contract
test-suite (``tests/contracts/store_contract.py``) runs against both.

Contract: every ``put_*`` is an idempotent upsert keyed by the record's deterministic id and returns
whether the record is new; the first write wins (a record once written is not silently replaced),
except runs, whose record is updated as the run progresses. Media bytes never enter the store: only
fingerprints, sightings and references to files in the data directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from crawlers.sighting import Fingerprints, Sighting
from monitor.records import BlocklistEntry, HitRecord, PacketRecord, RunRecord


class Store(Protocol):
    async def open(self) -> None:
        """Connect and create tables/indexes; safe to call on an existing store."""

    async def close(self) -> None: ...

    async def add_blocklist_entries(self, entries: Sequence[BlocklistEntry]) -> int:
        """Add entries atomically (all or none); return how many were new."""

    async def blocklist_entries(self) -> list[BlocklistEntry]: ...

    async def get_fingerprints(self, sha256: str) -> Fingerprints | None: ...

    async def put_fingerprints(self, fingerprints: Fingerprints) -> bool: ...

    async def has_sighting(self, sighting_id: str) -> bool: ...

    async def put_sighting(self, sighting: Sighting) -> bool: ...

    async def sightings(self) -> list[Sighting]: ...

    async def put_hit(self, hit: HitRecord) -> bool: ...

    async def hits(self) -> list[HitRecord]:
        """All hits, newest first."""

    async def put_packet(self, packet: PacketRecord) -> bool: ...

    async def packets(self) -> list[PacketRecord]: ...

    async def put_run(self, run: RunRecord) -> None:
        """Insert or update the run record."""

    async def runs(self, source_id: str | None = None) -> list[RunRecord]:
        """Runs, newest first."""

    async def counts(self) -> dict[str, int]:
        """Totals: blocklist, media, sightings, hits, packets, runs."""

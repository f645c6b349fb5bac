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
from datetime import datetime
from typing import Protocol

from crawlers.base import SourceState
from crawlers.sighting import Fingerprints, Sighting
from evidence.custody import CustodyEvent
from monitor.records import (
    BlocklistEntry,
    Decision,
    HitRecord,
    PacketRecord,
    PerceptualRow,
    RunRecord,
    UserRecord,
)


class Store(Protocol):
    async def open(self) -> None:
        """Connect and create tables/indexes; safe to call on an existing store."""

    async def close(self) -> None: ...

    async def add_blocklist_entries(self, entries: Sequence[BlocklistEntry]) -> int:
        """Add entries atomically (all or none); return how many were new."""

    async def blocklist_entries(self) -> list[BlocklistEntry]: ...

    async def get_fingerprints(self, sha256: str) -> Fingerprints | None: ...

    async def put_fingerprints(self, fingerprints: Fingerprints) -> bool: ...

    async def perceptual_rows(self, after: str, limit: int) -> list[PerceptualRow]:
        """Stored media in SHA-256 order after ``after``: the hashes retro-matching scans (picture and mirror)."""

    async def sightings_of(self, sha256s: Sequence[str]) -> list[Sighting]:
        """Every stored sighting of these media."""

    async def get_platform_media(self, platform: str, file_id: str) -> str | None:
        """The SHA-256 of media a platform knows by ``file_id`` (a Telegram photo or document id)."""

    async def put_platform_media(self, platform: str, file_id: str, sha256: str) -> None: ...

    async def get_source_state(self, source_id: str) -> SourceState:
        """What earlier runs left for this source; an empty state for a new one."""

    async def put_source_state(self, state: SourceState) -> None:
        """Replace the source's state (callers merge: watermarks only grow)."""

    async def has_sighting(self, sighting_id: str) -> bool: ...

    async def put_sighting(self, sighting: Sighting) -> bool: ...

    async def sightings(self) -> list[Sighting]: ...

    async def put_hit(self, hit: HitRecord) -> bool: ...

    async def hits(self) -> list[HitRecord]:
        """All hits, newest first."""

    async def get_hit(self, uid: str) -> HitRecord | None:
        """The hit with this random ``uid`` (the id the review UI uses)."""

    async def set_hit_status(self, hit_id: str, status: str) -> None:
        """The one change a stored hit allows: its review status."""

    async def put_decision(self, decision: Decision) -> bool: ...

    async def decisions(self, hit_id: str) -> list[Decision]:
        """A hit's decisions, oldest first."""

    async def put_user(self, user: UserRecord, replace: bool = False) -> bool:
        """Add a user (``False`` if the name is taken), or with ``replace`` update an existing one."""

    async def get_user(self, name: str) -> UserRecord | None: ...

    async def users(self) -> list[UserRecord]: ...

    async def count_custody(self, actor: str, kind: str, since: datetime) -> int:
        """How many events of ``kind`` by ``actor`` since ``since`` (a reviewer's reveals today)."""

    async def put_packet(self, packet: PacketRecord) -> bool: ...

    async def packets(self) -> list[PacketRecord]: ...

    async def append_custody(self, event: CustodyEvent) -> bool:
        """Add a custody event; ``False`` if its ``(chain, seq)`` is taken (another writer was first)."""

    async def last_custody_event(self, chain: str) -> CustodyEvent | None: ...

    async def custody_events(self, chain: str) -> list[CustodyEvent]:
        """A chain's events in ``seq`` order."""

    async def custody_chains(self) -> list[str]: ...

    async def put_run(self, run: RunRecord) -> None:
        """Insert or update the run record."""

    async def runs(self, source_id: str | None = None) -> list[RunRecord]:
        """Runs, newest first."""

    async def counts(self) -> dict[str, int]:
        """Totals: blocklist, media, sightings, hits, packets, runs."""

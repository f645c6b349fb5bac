"""What jikimi persists, as small protocols per concern, and ``Store``: all of them behind one async object.

Nothing outside ``monitor/store/`` imports a database driver. Implementations: ``SqliteStore`` (the
embedded default) and ``MongoStore`` (PyMongo's async client, for shared deployments); one contract
test-suite (``tests/contracts/store_contract.py``) runs against both.

Why protocols per concern (python-threatexchange's ``storage/interfaces.py``)? A component asks for the
part it uses — the custody log takes a ``CustodyStore``, the review queue a ``HitStore`` — so its needs
are visible in its signature and a test double implements a handful of methods, not all of them.

Contract: every ``put_*`` is an idempotent upsert keyed by the record's deterministic id and returns
whether the record is new; the first write wins (a record once written is not silently replaced),
except runs, whose record is updated as the run progresses. Media bytes never enter the store: only
fingerprints, sightings and references to files in the data directory. Queries that feed a page take a
limit and are answered from an index, with no record decoded beyond those returned; the counts beside them
(a page's total, hits per status) are index counts, which still grow with the hits they count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from crawlers.base import SourceState
from crawlers.sighting import Fingerprints, Sighting
from evidence.custody import CustodyEvent, CustodyKind
from monitor.records import (
    BlocklistEntry,
    BlocklistItem,
    Decision,
    HitRecord,
    HitStatus,
    ItemState,
    PacketRecord,
    PerceptualRow,
    ReviewSession,
    RunRecord,
    RunStatus,
    UserRecord,
)
from monitor.store.notice_records import CardFlags, NoticeRecord, NoticeState
from monitor.store.queries import CardPage, CardQuery, HitFacets, HitPage, HitQuery, RunTotals, SourceRuns


class BlocklistRow(NamedTuple):
    """What the matching index keeps of one entry (``monitor/matching/index_file.py``), whatever its item's
    state: ``key`` orders the entries and pages through them (``blocklist_rows(after=key)``)."""

    key: str
    hash_type: str
    value: str
    case: str
    label: str
    item_id: str
    variant: str


class BlocklistStore(Protocol):
    """Blocklist items (victim pictures) and their entries (the hashes that find them: the item's signals)."""

    async def blocklist_revision(self) -> str:
        """A text that changes whenever an entry is added (entries are never removed; a withdrawal changes the
        state of an item, not this): the persisted matching index is rebuilt only when it changed."""

    async def blocklist_rows(self, after: str, limit: int) -> list[BlocklistRow]:
        """Up to ``limit`` entries after the one keyed ``after`` (``""``: from the first), in key order, as the
        few columns the matching index keeps: no document is decoded."""

    async def add_blocklist_entries(self, entries: Sequence[BlocklistEntry]) -> int:
        """Add entries and the items they name (all or none); return how many entries were new. An item
        already stored keeps its description and state: adding a withdrawn picture again does not revive it."""

    async def blocklist_entries(self) -> list[BlocklistEntry]:
        """Every entry of an active item, in the order added (the matcher indexes them all)."""

    async def blocklist_items(self, case: str | None = None, state: ItemState | None = None) -> list[BlocklistItem]:
        """Every item (of ``case``, in ``state``, when given), in the order added."""

    async def get_blocklist_item(self, item_id: str) -> BlocklistItem | None: ...

    async def withdraw_item(self, item_id: str, at: datetime) -> bool:
        """Withdraw the item and so all its entries at once (``False`` if unknown or withdrawn already)."""

    async def blocklist_counts(self) -> dict[str, dict[str, int]]:
        """``{"case": {case: entries}, "hash_type": {type: entries}}``: what the blocklist holds, not its rows."""


class MediaStore(Protocol):
    async def get_fingerprints(self, sha256: str) -> Fingerprints | None: ...

    async def put_fingerprints(self, fingerprints: Fingerprints) -> bool: ...

    async def perceptual_rows(self, after: str, limit: int) -> list[PerceptualRow]:
        """Stored media in SHA-256 order after ``after``: the hashes retro-matching scans (picture and mirror)."""

    async def get_platform_media(self, platform: str, file_id: str) -> str | None:
        """The SHA-256 of media a platform knows by ``file_id`` (a Telegram photo or document id)."""

    async def put_platform_media(self, platform: str, file_id: str, sha256: str) -> None: ...


class SightingStore(Protocol):
    async def has_sighting(self, sighting_id: str) -> bool: ...

    async def put_sighting(self, sighting: Sighting) -> bool: ...

    async def put_sightings(self, sightings: Sequence[Sighting]) -> int:
        """``put_sighting`` of each, in one write (one transaction where the back end has them): how many
        were new."""

    async def sightings(self) -> list[Sighting]:
        """Every sighting (tests and whole-store checks; pages use ``sightings_of``/``sightings_by_id``)."""

    async def sightings_of(self, sha256s: Sequence[str]) -> list[Sighting]:
        """Every stored sighting of these media."""

    async def sightings_by_id(self, sighting_ids: Sequence[str]) -> list[Sighting]: ...


class SourceStateStore(Protocol):
    async def get_source_state(self, source_id: str) -> SourceState:
        """What earlier runs left for this source; an empty state for a new one."""

    async def put_source_state(self, state: SourceState) -> None:
        """Replace the source's state (callers merge: watermarks only grow)."""


class HitStore(Protocol):
    async def put_hit(self, hit: HitRecord) -> bool: ...

    async def put_hits(self, hits: Sequence[HitRecord]) -> int:
        """``put_hit`` of each, in one write (one transaction where the back end has them): how many were new."""

    async def hits(self) -> list[HitRecord]:
        """All hits, newest first (``jikimi hits`` lists them all; pages use ``find_hits``)."""

    async def find_hits(self, query: HitQuery) -> HitPage:
        """The hits of ``query``, newest first, and how many match in all."""

    async def find_cards(self, query: CardQuery) -> CardPage:
        """The cards of ``query`` in its order, and how many match in all: filtered, sorted, counted and paged
        on the cards' summary, which every write of hits keeps right; only the page's hits are read."""

    async def card_counts(self, query: CardQuery) -> dict[HitStatus, int]:
        """Cards per status under ``query``'s other filters (its statuses and page ignored): the queue's tabs.
        A status no card has is left out."""

    async def hit_facets(self, query: HitQuery | None = None) -> HitFacets:
        """The sources, cases, platforms and channels hits have (of ``query``'s hits, when given), and the number
        of hits per status."""

    async def get_hit(self, uid: str) -> HitRecord | None:
        """The hit with this random ``uid`` (the id the review UI uses)."""

    async def set_hit_status(self, hit_id: str, status: HitStatus) -> None:
        """The one change a stored hit allows: its review status."""


class DecisionStore(Protocol):
    async def put_decision(self, decision: Decision) -> bool: ...

    async def decisions(self, hit_id: str) -> list[Decision]:
        """A hit's decisions, oldest first."""


class UserStore(Protocol):
    async def put_user(self, user: UserRecord, replace: bool = False) -> bool:
        """Add a user (``False`` if the name is taken), or with ``replace`` update an existing one."""

    async def get_user(self, name: str) -> UserRecord | None: ...

    async def users(self) -> list[UserRecord]: ...


class ReviewSessionStore(Protocol):
    """Review UI logins, so that a copied cookie dies at logout (``monitor/review/sessions.py``)."""

    async def put_review_session(self, session: ReviewSession) -> bool: ...

    async def get_review_session(self, session_id: str) -> ReviewSession | None: ...

    async def end_review_session(self, session_id: str, ended_at: datetime) -> bool:
        """Mark the session ended (``False`` if unknown or ended already); it never comes back."""

    async def forget_review_sessions(self, started_before: datetime) -> int:
        """Drop sessions started before ``started_before`` (past any lifetime); returns how many."""


class LoginFailureStore(Protocol):
    """Failed review logins, by throttle key, so that a restart or a second UI process forgets none
    (``monitor/review/login_throttle.py``). ``at`` is seconds since the epoch (the throttle's clock)."""

    async def add_login_failure(self, keys: Sequence[str], at: float) -> None:
        """One failure, counted under each of ``keys``."""

    async def count_login_failures(self, keys: Sequence[str], since: float) -> dict[str, int]:
        """Failures after ``since`` for each of ``keys`` (0 for a key with none)."""

    async def clear_login_failures(self, keys: Sequence[str]) -> None: ...

    async def forget_login_failures(self, before: float) -> int:
        """Drop failures at or before ``before`` (past any lockout); returns how many."""


class PacketStore(Protocol):
    async def put_packet(self, packet: PacketRecord) -> bool: ...

    async def packets(self) -> list[PacketRecord]:
        """Every packet, oldest first."""

    async def packets_by_id(self, packet_ids: Sequence[str]) -> list[PacketRecord]:
        """These packets, oldest first (unknown ids are left out)."""

    async def packets_since(self, since: datetime) -> list[PacketRecord]:
        """Packets made at or after ``since``, oldest first."""

    async def packets_awaiting_timestamp(self) -> list[PacketRecord]:
        """Packets whose custody chain has no ``timestamped`` event, oldest first: what time-stamping asks
        for again, found by the custody index rather than by reading every packet."""


class CustodyStore(Protocol):
    async def append_custody(self, event: CustodyEvent) -> bool:
        """Add a custody event; ``False`` if its ``(chain, seq)`` is taken (another writer was first)."""

    async def last_custody_event(self, chain: str) -> CustodyEvent | None: ...

    async def last_custody_events(self, chains: Sequence[str], kind: CustodyKind) -> dict[str, CustodyEvent]:
        """Per chain, its latest event of ``kind`` (chains without one are left out)."""

    async def custody_events(self, chain: str) -> list[CustodyEvent]:
        """A chain's events in ``seq`` order."""

    async def custody_chains(self) -> list[str]: ...

    async def count_custody(self, actor: str, kind: CustodyKind, since: datetime) -> int:
        """How many events of ``kind`` by ``actor`` since ``since`` (a reviewer's reveals today)."""


class RunStore(Protocol):
    async def put_run(self, run: RunRecord) -> None:
        """Insert or update the run record."""

    async def runs(self, source_id: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first (of one source when ``source_id`` is given; at most ``limit``)."""

    async def runs_with_status(self, status: RunStatus) -> list[RunRecord]:
        """Runs in this state (at start-up: the ``running`` ones a crash left behind)."""

    async def source_runs(self, source_id: str) -> SourceRuns:
        """The source's last run, last success and failures since then, without reading its history."""

    async def run_totals(self) -> RunTotals:
        """Runs per source and status, failed items and last success per source (for ``/metrics``)."""


class NoticeStore(Protocol):
    """The takedown outbox (``monitor/takedown/outbox.py``): one record per notice, changed only by
    compare-and-set on its ``revision``, so two senders (the daemon and ``jikimi notices send``) never both
    claim one notice."""

    async def put_notice(self, notice: NoticeRecord) -> bool:
        """Add a notice (``False`` if its id is stored already: the stored one is kept)."""

    async def get_notice(self, notice_id: str) -> NoticeRecord | None: ...

    async def notices(self, states: Sequence[NoticeState] | None = None) -> list[NoticeRecord]:
        """Every notice (in ``states``, when given), oldest first."""

    async def update_notice(self, notice: NoticeRecord) -> bool:
        """Store ``notice`` over the stored one whose revision is ``notice.revision - 1``; ``False`` (nothing
        written) when that revision is no longer the stored one: someone else changed it first."""


class CardFlagStore(Protocol):
    """What a reviewer sets on a card for routing (suspected minor, category): one record per card, replaced."""

    async def set_card_flags(self, flags: CardFlags) -> None: ...

    async def card_flags(self, card_ids: Sequence[str]) -> dict[str, CardFlags]:
        """The flags of these cards, by card id (cards nobody flagged are left out)."""


class Store(
    BlocklistStore, MediaStore, SightingStore, SourceStateStore, HitStore, DecisionStore, UserStore, PacketStore,
    CustodyStore, RunStore, ReviewSessionStore, LoginFailureStore, NoticeStore, CardFlagStore, Protocol,
):  # fmt: skip
    """Everything, behind one object: what ``store_from_settings`` gives the context that wires components."""

    async def open(self) -> None:
        """Connect and create tables/indexes; safe to call on an existing store."""

    async def close(self) -> None: ...

    async def counts(self) -> dict[str, int]:
        """Totals: blocklist, media, sightings, hits, packets, runs."""

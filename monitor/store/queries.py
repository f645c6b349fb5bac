"""What callers ask the store for, as typed values: which hits, how many, and per-source run summaries.

Why typed queries instead of "load everything and filter"? A review queue, a hit page or ``/metrics`` must
cost what it shows, not what is stored: months of monitoring hold hundreds of thousands of hits. Each
query here is answered by the back end with an index (``monitor/store/sqlite_records.py`` with
``sqlite_queries.py``, and ``mongo_records.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from monitor.cards import Card
from monitor.records import HitRecord, HitStatus, RunRecord


def check_page(kind: str, limit: int | None, offset: int) -> None:
    """A page is a positive number of records (or all: ``None``) from a position that is not negative."""
    if limit is not None and limit <= 0 or offset < 0:
        raise ValueError(f"a {kind} query needs a positive limit and offset (got {limit}, {offset})")


@dataclass(frozen=True, slots=True)
class HitQuery:
    """Hits matching every field that is set (an empty tuple or ``None`` means "any"), newest first.

    ``exclude_sighting`` leaves one sighting's hits out (the hit page's "also seen at"); ``with_packet``
    keeps only hits that have an evidence packet (what can be exported). Pages set ``limit``; a job that
    must see every match (removal re-checks) leaves it ``None``.
    """

    statuses: tuple[HitStatus, ...] = ()
    source_id: str | None = None
    case: str | None = None
    cases: tuple[str, ...] = ()
    platform: str | None = None
    since: datetime | None = None
    entry_id: str | None = None
    item_id: str | None = None
    media_sha256: str | None = None
    ids: tuple[str, ...] = ()
    uids: tuple[str, ...] = ()
    packet_ids: tuple[str, ...] = ()
    exclude_sighting: str | None = None
    with_packet: bool = False
    offset: int = 0
    limit: int | None = 50
    channel: str | None = None

    def __post_init__(self) -> None:
        check_page("hit", self.limit, self.offset)


@dataclass(frozen=True, slots=True)
class HitPage:
    """One page of hits and how many match in all."""

    hits: list[HitRecord]
    total: int


CardOrder = Literal["newest", "priority"]
CARD_ORDERS: tuple[CardOrder, ...] = ("newest", "priority")


@dataclass(frozen=True, slots=True)
class CardQuery:
    """Cards (one media × one item, ``monitor/cards.py``) with every field that is set, in ``order``.

    A card is kept when its status (``monitor/cards.STATUS_ORDER``) is one of ``statuses`` and any of its hits
    has the ``case``, ``source_id``, ``platform`` and ``channel`` asked for; ``since``: a hit of the card was
    made at or after it. ``"newest"`` puts the card with the newest hit first, so a picture seen again comes
    back to the top; ``"priority"`` puts escalated cards first, then pending ones, then the rest, each group
    newest first: what still asks most of a reviewer is on top. In both orders, and under every filter (a
    status tab, a case), the cards a reviewer flagged "suspected minor" (``CardFlags``) come before all others,
    in that order among themselves (issue 14: "first in every queue"). ``card``: only the card of these keys
    (``monitor/cards.card_keys``), with its signals' variants as the queue shows them.
    """

    statuses: tuple[HitStatus, ...] = ()
    case: str | None = None
    source_id: str | None = None
    platform: str | None = None
    since: datetime | None = None
    offset: int = 0
    limit: int | None = 50
    channel: str | None = None
    order: CardOrder = "newest"
    card: tuple[str, str] | None = None  # (media_sha256, item_id): the one card a card page shows

    def __post_init__(self) -> None:
        check_page("card", self.limit, self.offset)
        if self.order not in CARD_ORDERS:
            raise ValueError(f"a card query is ordered by one of {', '.join(CARD_ORDERS)} (got {self.order!r})")


@dataclass(frozen=True, slots=True)
class CardPage:
    """One page of cards and how many match in all."""

    cards: list[Card]
    total: int


@dataclass(frozen=True, slots=True)
class HitFacets:
    """The distinct values the review queue offers as filters, and the count of hits per status."""

    sources: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    by_status: dict[HitStatus, int] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceRuns:
    """A source's runs at a glance: the last one, when it last succeeded, and its failures since then."""

    source_id: str
    last: RunRecord | None
    last_success: datetime | None
    failures_in_a_row: int


@dataclass(frozen=True, slots=True)
class RunTotals:
    """Per (source, status): how many runs; per source: items failed and the end of the last ``ok`` run."""

    runs: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    last_success: dict[str, datetime] = field(default_factory=dict)

"""What routing reads and what it decides: confirmed cards with their places, and the planned notices.

Routing is a pure function of these records (``monitor/takedown/routing.py``); reading them from the store
is ``monitor/takedown/gathering.py``. Keeping the two apart lets the tests state the rules on hand-made
cards, and lets the later outbox feed routing what it has already sent (``NoticeHistory``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from config.recipients import Category
from crawlers.sighting import Distributor
from monitor.cards import Card, CardLocation


@dataclass(frozen=True, slots=True)
class PlaceFacts:
    """One place a confirmed card's media was seen, with what the sighting recorded about it.

    ``distributor``: the channel and poster as observed (``None`` when the sighting is no longer stored).
    ``removed_at``: when the last removal re-check found it gone (``None``: online, or never checked).
    """

    location: CardLocation
    source_kind: str
    distributor: Distributor | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CardFacts:
    """A card as routing sees it. ``suspected_minor`` is a reviewer's flag and ``category`` a reviewer's
    choice for this card (the store's card flags; a card nobody flagged has the defaults)."""

    card: Card
    places: tuple[PlaceFacts, ...]
    suspected_minor: bool = False
    category: Category | None = None
    item_withdrawn: bool = False
    withheld: frozenset[str] = frozenset()  # recipients a reviewer took off this card: never asked about it
    added: frozenset[str] = frozenset()  # recipients a reviewer asked too (routing still checks each role)


class Rule(StrEnum):
    """Which routing rule chose a recipient (``config.recipients.RoutingRules``)."""

    PUBLIC = "public"  # a public place: its operator or platform
    PUBLIC_FALLBACK = "public-fallback"  # a public place no operator contact matches: the rule's next roles
    ESCALATION = "escalation"  # still online after the escalation delay since the first notice
    PRIVATE = "private"  # a private room or invite-only group: authorities only (police by default)
    SUSPECTED_MINOR = "suspected-minor"  # flagged by a reviewer: the competent authorities only, first
    REVIEWER = "reviewer"  # added by a reviewer on the card page, where the place's rule allows its role


class CategorySource(StrEnum):
    """Where a notice's category came from, so that a default is never mistaken for a decision."""

    CARD = "card"  # a reviewer chose it for the card
    SUSPECTED_MINOR = "suspected-minor"  # a suspected minor's material is 아동·청소년성착취물
    CASE = "case"  # recipients.yaml's case_categories
    DEFAULT = "default"  # rules.default_category: nobody said


@dataclass(frozen=True, slots=True)
class Evidence:
    """What proves one sighting at a place: its packet and the SHA-256 of the media (never the media)."""

    packet_id: str | None
    media_sha256: str


@dataclass(frozen=True, slots=True)
class PlannedLocation:
    """One location in a planned notice, with why it is public or private and what identifies it."""

    url: str
    platform: str
    host: str
    public: bool
    publicity: str
    distributor: Distributor | None
    posted_at: datetime | None
    first_seen: datetime
    evidence: tuple[Evidence, ...]
    card_ids: tuple[str, ...]
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedNotice:
    """One notice to one recipient: the locations batched for it, the rule that chose it and why, in words.

    One notice per (recipient, rule, category): a regulator asked about a suspected minor gets that notice
    apart from (and before) its other ones, and each notice states one legal category, as the statutory
    request does. ``first``: it goes ahead of every other notice (a suspected minor)."""

    recipient: str
    rule: Rule
    reason: str
    category: Category
    category_source: CategorySource
    locations: tuple[PlannedLocation, ...]
    first: bool = False


@dataclass(frozen=True, slots=True)
class Unplanned:
    """A place no notice names, and why: removed already, withdrawn, or no recipient for its rule."""

    card_id: str
    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class NoticePlan:
    """Everything routing decided: the notices, most urgent first, and every place left out with its reason."""

    notices: tuple[PlannedNotice, ...]
    unplanned: tuple[Unplanned, ...] = ()


@dataclass(frozen=True, slots=True)
class NoticeHistory:
    """What was sent before, as routing needs it: when each (recipient, location) was first notified.

    Read from the outbox (``monitor/takedown/resending.history_of``); empty, no escalation is due."""

    first_notified: Mapping[tuple[str, str], datetime] = field(default_factory=dict)

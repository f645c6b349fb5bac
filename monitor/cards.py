"""The review card: one distinct media (its SHA-256) × one blocklist item, with every hit that joins them.

A reviewer decides about a *picture*, not about a hash: the SHA-256, MD5, PDQ, pHash and crop-variant
entries of one victim picture that matched one media file, at every place that file was seen, are one
card and take one decision (``monitor/decisions.py`` records it on every hit). The store finds cards
(``find_cards``: grouped, filtered, paged and counted by the back end); this module says what a card is
and how it is built from its hits, in one place for both back ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.records import HitRecord, HitStatus

CARD_ID_SEPARATOR = "."

STATUS_ORDER: tuple[HitStatus, ...] = (
    HitStatus.ESCALATED,
    HitStatus.PENDING,
    HitStatus.CONFIRMED_ONCE,
    HitStatus.REJECTED,
    HitStatus.CONFIRMED,
)
"""A card's status is the first of these that any of its hits has: the one that still asks most of a reviewer.

Why this order? Escalated comes first because someone asked for a second look, and that must not be hidden
by the card's other hits; a pending hit (a new place the picture was seen after a decision) makes the whole
card pending again, since nobody has looked at that place; one confirmation still awaits the second one of
four-eyes review. A card is confirmed (exportable) only when every hit is: a card that mixes confirmed and
rejected hits (decided one hit at a time) shows as rejected, not as something ready to export. Both
stores compute the same rank (``status_rank``) to filter by status without loading hits."""


def status_rank(status: HitStatus) -> int:
    return STATUS_ORDER.index(status)


def card_status(statuses: Sequence[HitStatus]) -> HitStatus:
    """The status of a card whose hits have ``statuses`` (``STATUS_ORDER`` says why)."""
    return min(statuses, key=status_rank, default=HitStatus.PENDING)


def card_id(media_sha256: str, item_id: str) -> str:
    """``<media sha256>.<item id>``: the card's two keys, joined.

    Why not a hash of them, like other ids? The card id must lead back to its hits: ``jikimi hits decide
    CARD_ID`` splits it and reads the hits by the (media_sha256, item_id) index, with no column or table
    of cards to keep in step. Both parts are hex (an item id may also hold letters, ``-`` and ``_``), so
    the id is stable and safe on a command line.
    """
    return f"{media_sha256}{CARD_ID_SEPARATOR}{item_id}"


def card_keys(card: str) -> tuple[str, str] | None:
    """(media_sha256, item_id) of a card id, or ``None`` for text that is not one."""
    media, separator, item = card.strip().partition(CARD_ID_SEPARATOR)
    hex_media = len(media) == 64 and all(c in "0123456789abcdef" for c in media)
    if not separator or not hex_media or not item or not all(c.isascii() and (c.isalnum() or c in "-_") for c in item):
        return None
    return media, item


@dataclass(frozen=True, slots=True)
class CardSignal:
    """One signal of the item that matched the media: which hash, which victim-side variant, how close."""

    hash_type: str
    variant: str
    distance: int
    entry_value: str
    matched_value: str


@dataclass(frozen=True, slots=True)
class CardLocation:
    """One place the media was seen (one sighting), with its own evidence packet."""

    sighting_id: str
    location: str
    media_url: str
    source_id: str
    platform: str
    posted_at: datetime | None
    seen_at: datetime
    packet_id: str | None


@dataclass(frozen=True, slots=True)
class Card:
    """One media × one item: what a reviewer decides once, with every signal and every place."""

    id: str
    media_sha256: str
    item_id: str
    case: str
    label: str
    status: HitStatus
    signals: tuple[CardSignal, ...]
    locations: tuple[CardLocation, ...]
    first_seen: datetime
    last_seen: datetime
    hit_ids: tuple[str, ...]
    newest_hit_at: datetime


def card_of(hits: Sequence[HitRecord], variants: Mapping[str, str] | None = None) -> Card:
    """The card of hits that share one media and one item (at least one hit). ``variants``: the victim-side
    variant of each entry, by entry id (a hit does not carry its entry's ``variant``; the store reads it)."""
    variants = variants or {}
    if not hits:
        raise ValueError("a card needs at least one hit")
    first = hits[0]
    if any((hit.media_sha256, hit.item_id) != (first.media_sha256, first.item_id) for hit in hits):
        raise ValueError("the hits of one card share their media and their item")
    ordered = sorted(hits, key=lambda hit: (hit.seen_at, hit.created_at, hit.id))
    signals: dict[tuple[str, str, str], CardSignal] = {}
    locations: dict[str, CardLocation] = {}
    for hit in ordered:
        signal = CardSignal(
            hit.hash_type, variants.get(hit.entry_id, ""), hit.distance, hit.entry_value, hit.matched_value
        )
        key = (hit.hash_type, signal.variant, hit.entry_value)
        if key not in signals or signal.distance < signals[key].distance:
            signals[key] = signal
        locations.setdefault(hit.sighting_id, CardLocation(
            hit.sighting_id, hit.location, hit.media_url, hit.source_id, hit.platform, hit.posted_at, hit.seen_at,
            hit.packet_id,
        ))  # fmt: skip
    return Card(
        card_id(first.media_sha256, first.item_id), first.media_sha256, first.item_id, first.case, first.label,
        card_status([hit.status for hit in hits]),
        tuple(sorted(signals.values(), key=lambda s: (s.distance, s.hash_type, s.variant, s.entry_value))),
        tuple(locations.values()), ordered[0].seen_at, ordered[-1].seen_at,
        tuple(sorted(hit.id for hit in hits)), max(hit.created_at for hit in hits),
    )  # fmt: skip


def cards_of(hits: Sequence[HitRecord], variants: Mapping[str, str] | None = None) -> dict[tuple[str, str], Card]:
    """The cards of any hits, by (media_sha256, item_id)."""
    grouped: dict[tuple[str, str], list[HitRecord]] = {}
    for hit in hits:
        grouped.setdefault((hit.media_sha256, hit.item_id), []).append(hit)
    return {key: card_of(group, variants) for key, group in grouped.items()}

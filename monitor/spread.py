"""The spread of a victim picture and the matches of a distributor: where it went, who posted it, is it still up.

Two views, no pictures in either (``monitor/spread_rendering.py`` writes them as CSV and JSON):

- **per item** (``item_spread``): every media (SHA-256) that matched one blocklist item, every place each was
  seen, the Telegram forward chain of each place (the channel and message it was forwarded from) and the
  channels and sources that re-posted it, with first and last seen;
- **per distributor** (``source_spread``): every match of one watched source (a Telegram channel, a web site),
  first and last seen, and per poster (sender or author signature) how many and when.

Each place says whether it is still online: the newest ``rechecked`` custody event on the chains of its hits
(``monitor/operations/rechecks.py`` writes them, ``details.online`` True, False or None); no check yet is
``not-checked``, which is not the same as online.

Why only indexed queries? An item seen at ten places must cost ten places, in a store holding months of
monitoring: the hits come from ``find_hits`` by item or by source, their sightings by id, the re-checks by
chain, the card statuses by (media, item). Nothing here reads every hit or every sighting.

``cases`` limits a view to hits of those cases. A bundle for one case must not carry the places of another
case that shares a distributor (``monitor/packets/exporting.py`` says why).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from crawlers.sighting import Distributor, ForwardedFrom, Sighting
from evidence.custody import CustodyEvent, CustodyKind
from monitor.cards import card_status
from monitor.records import BlocklistItem, HitRecord, HitStatus
from monitor.store.base import BlocklistStore, CustodyStore, HitStore, RunStore, SightingStore
from monitor.store.queries import HitQuery

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
CHUNK = 500  # ids per ``IN (…)`` query: a long spread is read in pieces, never as one huge statement


class SpreadStore(HitStore, SightingStore, CustodyStore, BlocklistStore, RunStore, Protocol):
    """What the spread views read: hits by item or source, their sightings, re-checks, items, source runs."""


class Online(StrEnum):
    """A place at its last removal re-check."""

    ONLINE = "online"
    REMOVED = "removed"
    UNKNOWN = "unknown"  # checked, but the check could not tell (a 5xx, a timeout)
    NOT_CHECKED = "not-checked"  # never re-checked (re-checks follow confirmed places only)


def origin_channel(forward: ForwardedFrom) -> str:
    """Where a forward came from as a person names it: the channel's name, else its id, else its link."""
    return forward.name or forward.peer_id or forward.link or ""


@dataclass(frozen=True, slots=True)
class Poster:
    """Who posted inside a source, as observed: a sender (id, @username, display name) or a signature."""

    sender_id: str | None = None
    sender_username: str | None = None
    sender_name: str | None = None
    author_signature: str | None = None

    @property
    def key(self) -> str:
        """One poster is one of these, the most stable first; empty: the source itself (a channel, a page)."""
        return self.sender_id or self.sender_username or self.author_signature or self.sender_name or ""

    @classmethod
    def of(cls, distributor: Distributor) -> Poster:
        return cls(distributor.sender_id, distributor.sender_username, distributor.sender_name,
                   distributor.author_signature)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SpreadPlace:
    """One place one media was seen (one sighting) as a match of one item, with its own packet and state."""

    sighting_id: str
    item_id: str
    case: str
    label: str
    media_sha256: str
    card_status: HitStatus  # the status of the card (media × item) this place belongs to
    location: str
    media_url: str
    source_id: str
    source_kind: str
    platform: str
    channel: str  # channel @username or id; empty on the web
    channel_title: str  # channel title, or the page's title
    message_id: int | None
    poster: Poster
    posted_at: datetime | None
    seen_at: datetime
    packet_id: str | None
    online: Online
    checked_at: datetime | None
    forwarded_from: ForwardedFrom | None  # the channel and message it was forwarded from, as observed


@dataclass(frozen=True, slots=True)
class MediaSpread:
    """One media file (SHA-256) of an item: its card's status, how many places, first and last seen."""

    media_sha256: str
    card_status: HitStatus
    places: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ChannelSpread:
    """One channel (or, on the web, one source) that posted an item's media: how often, first and last seen."""

    source_id: str
    channel: str
    channel_title: str
    platform: str
    places: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class PosterSpread:
    """One poster within a source: their matches, first and last seen."""

    poster: Poster
    places: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ItemSpread:
    """Everywhere one victim picture was seen: its media, its places (oldest first), forwards and channels."""

    item: BlocklistItem
    media: tuple[MediaSpread, ...]
    places: tuple[SpreadPlace, ...]
    channels: tuple[ChannelSpread, ...]

    @property
    def first_seen(self) -> datetime | None:
        return self.places[0].seen_at if self.places else None

    @property
    def forwards(self) -> tuple[SpreadPlace, ...]:
        """The places that were forwards, each naming the channel and message it came from."""
        return tuple(place for place in self.places if place.forwarded_from is not None)


@dataclass(frozen=True, slots=True)
class DistributorSpread:
    """Every match of one watched source (oldest first), and its posters."""

    source_id: str
    source_kind: str
    places: tuple[SpreadPlace, ...]
    posters: tuple[PosterSpread, ...]

    @property
    def first_seen(self) -> datetime | None:
        return self.places[0].seen_at if self.places else None

    @property
    def last_seen(self) -> datetime | None:
        return self.places[-1].seen_at if self.places else None

    def count(self, state: Online) -> int:
        return sum(1 for place in self.places if place.online is state)


async def item_spread(store: SpreadStore, item_id: str, cases: Sequence[str] = ()) -> ItemSpread | None:
    """The spread of one item, or ``None`` when the store has no such item (or it is of none of ``cases``)."""
    item = await store.get_blocklist_item(item_id)
    if item is None or cases and item.case not in cases:
        return None
    hits = (await store.find_hits(HitQuery(item_id=item_id, cases=tuple(cases), limit=None))).hits
    statuses = _statuses(hits)  # every hit of the item: each card whole
    places = await _places(store, hits, statuses)
    return ItemSpread(item, _media_of(places), places, _channels_of(places))


async def source_spread(store: SpreadStore, source_id: str, cases: Sequence[str] = ()) -> DistributorSpread | None:
    """The matches of one source, or ``None`` when the store knows no such source (no match, never crawled)."""
    hits = (await store.find_hits(HitQuery(source_id=source_id, cases=tuple(cases), limit=None))).hits
    if not hits and (cases or (await store.source_runs(source_id)).last is None):
        return None
    statuses: dict[tuple[str, str], HitStatus] = {}
    for media, item in sorted({(hit.media_sha256, hit.item_id) for hit in hits}):  # a card's other places count
        card = (await store.find_hits(HitQuery(media_sha256=media, item_id=item, limit=None))).hits
        statuses |= _statuses(card)
    places = await _places(store, hits, statuses)
    kind = next((hit.source_kind for hit in hits if hit.source_kind), "")
    return DistributorSpread(source_id, kind, places, _posters_of(places))


def _grouped(records: Iterable[R], key: Callable[[R], K]) -> dict[K, list[R]]:
    """Records by ``key``, each group in the records' order (places oldest first: first and last seen)."""
    groups: dict[K, list[R]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return groups


def _statuses(hits: Iterable[HitRecord]) -> dict[tuple[str, str], HitStatus]:
    """(media, item) → the card's status, from every hit of each card."""
    cards = _grouped(hits, lambda hit: (hit.media_sha256, hit.item_id))
    return {key: card_status([hit.status for hit in found]) for key, found in cards.items()}


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    return (values[start : start + CHUNK] for start in range(0, len(values), CHUNK))


async def _places(
    store: SpreadStore, hits: Sequence[HitRecord], statuses: Mapping[tuple[str, str], HitStatus]
) -> tuple[SpreadPlace, ...]:
    """One place per (sighting, item), oldest first, with its sighting's distributor and its last re-check."""
    grouped = _grouped(hits, lambda hit: (hit.sighting_id, hit.item_id))
    sighting_ids = sorted({hit.sighting_id for hit in hits})
    sightings: dict[str, Sighting] = {}
    for chunk in _chunks(sighting_ids):
        sightings |= {sighting.id: sighting for sighting in await store.sightings_by_id(chunk)}
    chains = sorted({hit.custody_chain for hit in hits})
    checks: dict[str, CustodyEvent] = {}
    for chunk in _chunks(chains):
        checks |= await store.last_custody_events(chunk, CustodyKind.RECHECKED)
    places = [
        _place(group, sightings.get(sighting_id), checks, statuses[(group[0].media_sha256, item_id)])
        for (sighting_id, item_id), group in grouped.items()
    ]
    return tuple(sorted(places, key=lambda place: (place.seen_at, place.location, place.item_id, place.sighting_id)))


def _place(
    hits: Sequence[HitRecord], sighting: Sighting | None, checks: Mapping[str, CustodyEvent], status: HitStatus
) -> SpreadPlace:
    """A place from its hits (one sighting, one item); without its sighting, the distributor is unknown."""
    hit = min(hits, key=lambda found: (found.created_at, found.id))
    who = sighting.distributor if sighting is not None else Distributor()
    found = [checks[chain] for chain in {found.custody_chain for found in hits} if chain in checks]
    last = max(found, key=lambda event: event.at, default=None)
    return SpreadPlace(
        hit.sighting_id, hit.item_id, hit.case, hit.label, hit.media_sha256, status, hit.location, hit.media_url,
        hit.source_id, hit.source_kind, hit.platform, who.channel_username or who.channel_id or "",
        who.channel_title or who.page_title or "", who.message_id, Poster.of(who), hit.posted_at, hit.seen_at,
        hit.packet_id, _online(last), last.at if last else None, who.forwarded_from,
    )  # fmt: skip


def _online(check: CustodyEvent | None) -> Online:
    if check is None:
        return Online.NOT_CHECKED
    online = check.details.get("online")
    return Online.UNKNOWN if online is None else Online.ONLINE if online else Online.REMOVED


def _media_of(places: Sequence[SpreadPlace]) -> tuple[MediaSpread, ...]:
    return tuple(
        MediaSpread(media, found[0].card_status, len(found), found[0].seen_at, found[-1].seen_at)
        for media, found in _grouped(places, lambda place: place.media_sha256).items()
    )


def _channels_of(places: Sequence[SpreadPlace]) -> tuple[ChannelSpread, ...]:
    return tuple(
        ChannelSpread(source, channel, found[0].channel_title, found[0].platform, len(found), found[0].seen_at,
                      found[-1].seen_at)
        for (source, channel), found in _grouped(places, lambda place: (place.source_id, place.channel)).items()
    )  # fmt: skip


def _posters_of(places: Sequence[SpreadPlace]) -> tuple[PosterSpread, ...]:
    grouped = _grouped(places, lambda place: place.poster.key)
    posters = [PosterSpread(f[0].poster, len(f), f[0].seen_at, f[-1].seen_at) for f in grouped.values()]
    return tuple(sorted(posters, key=lambda poster: (-poster.places, poster.first_seen, poster.poster.key)))


__all__ = [
    "ChannelSpread", "DistributorSpread", "ItemSpread", "MediaSpread", "Online", "Poster", "PosterSpread",
    "SpreadPlace", "SpreadStore", "item_spread", "origin_channel", "source_spread",
]  # fmt: skip

"""A store as months of monitoring leave it, for the review queue benchmark: sightings, hits and cards.

``fill(store, sightings)`` writes ``sightings`` synthetic sightings and, for a tenth as many cards (one media
× one victim picture), the hits that make them, through the store's batch writes (``put_sightings``,
``put_hits``), as a crawl would but in batches. The shape:
- five sources: two Telegram channels' sources (fifty channels by username) and three websites;
- twenty cases, one item (victim picture) per two cards, so an item is seen in two different media files;
- each card matched by two or three signals (sha256, pdq, a crop variant) at one to three places (about
  3.7 hits per card): 1.5 sightings of ten are matched, the others are media that matched nothing;
- statuses mixed as a queue has them: 40 % pending, 15 % confirmed once, 20 % confirmed, 20 % rejected,
  5 % escalated; one card in eleven was seen again after its decision (one pending place).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from crawlers.sighting import Distributor, Fingerprints, Media, Sighting
from monitor.records import HitRecord, HitStatus, channel_of
from monitor.store.base import Store

T0 = datetime(2026, 6, 1, tzinfo=UTC)
BATCH = 20_000
SIGNALS = (("sha256", ""), ("pdq", ""), ("pdq", "centre crop 5%"))
STATUS_MIX = (
    (HitStatus.PENDING, 8), (HitStatus.CONFIRMED_ONCE, 3), (HitStatus.CONFIRMED, 4), (HitStatus.REJECTED, 4),
    (HitStatus.ESCALATED, 1),
)  # fmt: skip
STATUS_WHEEL = tuple(status for status, weight in STATUS_MIX for _ in range(weight))


def sighting_at(number: int, media: str) -> Sighting:
    """The ``number``-th sighting (the same number, the same sighting), of the media ``media``."""
    source = number % 5
    seen = T0 + timedelta(seconds=number)
    if source < 2:
        channel = f"chan{number % 50}"
        location, kind = f"https://t.me/{channel}/{number}", "telegram"
        distributor = Distributor(channel_id=f"-100{number % 50}", channel_username=channel, message_id=number)
    else:
        location, kind = f"https://site-{source}.example/thread/{number}", "web"
        distributor = Distributor(page_title=f"thread {number}")
    return Sighting(
        source_id=f"source-{source}", source_kind=kind, location=location, seen_at=seen,
        media=Media(f"https://cdn-{source}.example/{number}.jpg"), distributor=distributor,
        fingerprints=Fingerprints({"sha256": media}),
    )  # fmt: skip


def places_of(card: int) -> int:
    return 1 + (card % 3 == 0) + (card % 7 == 0)


def card_hits(card: int, sighting: Sighting, place: int) -> list[HitRecord]:
    """The hits of card ``card`` at one of its places: one per signal that matched."""
    assert sighting.fingerprints is not None
    item = card // 2
    status = STATUS_WHEEL[card % len(STATUS_WHEEL)]
    if place and card % 11 == 0:
        status = HitStatus.PENDING  # seen again after the decision
    signals = SIGNALS[: 2 + card % 2]
    return [
        HitRecord(
            sighting_id=sighting.id,
            entry_id=f"entry-{item}-{n}",
            hash_type=hash_type,
            case=f"case-{item % 20}",
            label=f"picture {item}",
            distance=4 * n,
            matched_value="0" * 64,
            source_id=sighting.source_id,
            location=sighting.location,
            media_url=sighting.media.url,
            media_sha256=sighting.fingerprints.sha256,
            posted_at=None,
            seen_at=sighting.seen_at,
            packet_id=f"packet-{sighting.id}",
            status=status,
            created_at=sighting.seen_at,
            source_kind=sighting.source_kind,
            item_id=f"item-{item}",
            entry_value=f"{item:060x}{n:04x}",
            channel=channel_of(sighting.distributor, sighting.location, sighting.source_kind),
        )  # fmt: skip
        for n, (hash_type, _variant) in enumerate(signals)
    ]


def records(sightings: int) -> Iterator[tuple[Sighting, list[HitRecord]]]:
    """Every sighting with its hits (none for media that matched nothing), in the order they were seen."""
    cards = sightings // 10
    number = 0
    for card in range(cards):
        media = f"{card:064x}"
        for place in range(places_of(card)):
            seen = sighting_at(number, media)
            yield seen, card_hits(card, seen, place)
            number += 1
    while number < sightings:
        yield sighting_at(number, f"{10**12 + number:064x}"), []
        number += 1


async def fill(store: Store, sightings: int) -> int:
    """Write ``sightings`` sightings and their hits in batches; the number of hits."""
    batch: list[Sighting] = []
    hits: list[HitRecord] = []
    written = 0
    for seen, matched in records(sightings):
        batch.append(seen)
        hits += matched
        if len(batch) >= BATCH:
            await store.put_sightings(batch)
            written += await store.put_hits(hits)
            batch, hits = [], []
    await store.put_sightings(batch)
    return written + await store.put_hits(hits)

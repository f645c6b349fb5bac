"""Read what routing needs from the store: every confirmed card, its places' sightings, withdrawals, removals.

All of it comes through the store's queries, a page of cards at a time (``find_cards`` with the confirmed
status), so the cost is the confirmed cards', not the store's. For each page: the sightings of its places
(``sightings_by_id``: who posted, in which channel), and the last removal re-check of each place (the
``rechecked`` custody events on its packets' chains, ``monitor/operations/rechecks.py``). A place whose
newest check found it gone is marked removed; a place never checked, or last found online or unknown, is
taken to be online. A reviewer's flags on a card (suspected minor, legal category: the ``card_facts`` the
store keeps) are read for each page; a card nobody flagged is not a suspected minor and has no category.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from config.recipients import Category
from evidence.custody import CustodyEvent, CustodyKind
from monitor.cards import Card
from monitor.records import HitStatus, ItemState
from monitor.store.base import BlocklistStore, CardFlagStore, CustodyStore, HitStore, SightingStore
from monitor.store.queries import CardQuery
from monitor.takedown.records import CardFacts, PlaceFacts

PAGE = 500


class NoticeSourceStore(HitStore, SightingStore, CustodyStore, BlocklistStore, CardFlagStore, Protocol):
    """What gathering reads: cards, sightings, custody events, withdrawn items and reviewers' card flags."""


async def confirmed_cards(store: NoticeSourceStore, page: int = PAGE) -> list[CardFacts]:
    """Every confirmed card with the facts of its places, newest first."""
    withdrawn = {item.id for item in await store.blocklist_items(state=ItemState.WITHDRAWN)}
    found: list[CardFacts] = []
    offset = 0
    while True:
        result = await store.find_cards(CardQuery(statuses=(HitStatus.CONFIRMED,), offset=offset, limit=page))
        found += await facts_of(store, result.cards, withdrawn)
        offset += len(result.cards)
        if not result.cards or offset >= result.total:
            return found


async def facts_of(store: NoticeSourceStore, cards: Sequence[Card], withdrawn: set[str]) -> list[CardFacts]:
    """The routing facts of ``cards``: their places' source kinds and distributors, removals, and flags."""
    sighting_ids = [place.sighting_id for card in cards for place in card.locations]
    sightings = {sighting.id: sighting for sighting in await store.sightings_by_id(sighting_ids)}
    chains = sorted({place.packet_id for card in cards for place in card.locations if place.packet_id})
    checks = await store.last_custody_events(chains, CustodyKind.RECHECKED) if chains else {}
    newest: dict[str, CustodyEvent] = {}
    for event in checks.values():
        url = str(event.details.get("location", ""))
        if url not in newest or event.at > newest[url].at:
            newest[url] = event
    flags = await store.card_flags([card.id for card in cards]) if cards else {}
    facts = []
    for card in cards:
        places = []
        for place in card.locations:
            sighting = sightings.get(place.sighting_id)
            check = newest.get(place.location)
            removed = check.at if check is not None and check.details.get("online") is False else None
            kind = sighting.source_kind if sighting is not None else ""
            places.append(PlaceFacts(place, kind, sighting.distributor if sighting else None, removed))
        flagged = flags.get(card.id)
        facts.append(CardFacts(
            card, tuple(places), item_withdrawn=card.item_id in withdrawn,
            suspected_minor=flagged.suspected_minor if flagged else False,
            category=Category(flagged.category) if flagged and flagged.category else None,
            withheld=frozenset(flagged.withheld) if flagged else frozenset(),
            added=frozenset(flagged.added) if flagged else frozenset(),
        ))  # fmt: skip
    return facts

"""What every store must do for a card a reviewer flagged "suspected minor": it comes first in every queue.

Issue 14: such a card goes "first in every queue". ``find_cards`` puts it before every other card in each
order (priority and newest) and under every filter (a status tab, a case), then the order as it was;
unflagged, the card goes back to its place; a new sighting or a decision on it keeps it first (the summary
is made again from the card's hits, and must not lose the flag). Mixed into every back end's test class
(``tests/monitor/store/test_stores.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from crawlers.sighting import Sighting
from monitor.cards import card_id
from monitor.records import BlocklistEntry, HitStatus
from monitor.store.base import Store
from monitor.store.notice_records import CardFlags
from monitor.store.queries import CardQuery
from tests.contracts.blocklist_items_contract import picture
from tests.contracts.card_contract import seen
from tests.contracts.store_contract import SHA

FLAGGED_AT = datetime(2026, 12, 2, 9, tzinfo=UTC)
STATUSES = (HitStatus.CONFIRMED, HitStatus.CONFIRMED, HitStatus.PENDING, HitStatus.ESCALATED, HitStatus.PENDING)
"""item-0 … item-4, each seen an hour after the one before: item-0 is the oldest card, and confirmed."""


async def five_cards(store: Store, make_sighting: Callable[..., Sighting]) -> list[list[BlocklistEntry]]:
    items = [picture(f"item-{n}", case=f"case-{n % 2}", label=f"picture {n}") for n in range(5)]
    await store.add_blocklist_entries([entry for item in items for entry in item])
    for number, (item, status) in enumerate(zip(items, STATUSES, strict=True)):
        await seen(store, make_sighting, item, number, hours=number, status=status)
    return items


async def flag(store: Store, item: str, suspected_minor: bool = True) -> None:
    await store.set_card_flags(CardFlags(card_id(SHA, item), suspected_minor, "", "vera", FLAGGED_AT))


async def order(store: Store, **query: Any) -> list[str]:
    """The item ids of every card ``CardQuery(**query)`` finds, in its order."""
    return [card.item_id for card in (await store.find_cards(CardQuery(limit=None, **query))).cards]


PRIORITY = ["item-3", "item-4", "item-2", "item-1", "item-0"]  # escalated, pending newest first, the rest
NEWEST = ["item-4", "item-3", "item-2", "item-1", "item-0"]


class MinorFirstContract:
    async def test_a_suspected_minors_card_comes_first_in_every_order_then_the_order_as_it_was(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        await five_cards(store, make_sighting)
        assert await order(store, order="priority") == PRIORITY
        assert await order(store) == NEWEST
        await flag(store, "item-0")  # the oldest card, and already decided
        assert await order(store, order="priority") == ["item-0", "item-3", "item-4", "item-2", "item-1"]
        assert await order(store) == ["item-0", "item-4", "item-3", "item-2", "item-1"]
        page = await store.find_cards(CardQuery(order="priority", limit=2))
        assert [card.item_id for card in page.cards] == ["item-0", "item-3"] and page.total == 5
        later = await store.find_cards(CardQuery(order="priority", offset=2, limit=2))
        assert [card.item_id for card in later.cards] == ["item-4", "item-2"]  # paging follows the same order

    async def test_a_suspected_minors_card_comes_first_in_its_status_tab_and_under_a_filter(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        await five_cards(store, make_sighting)
        confirmed = (HitStatus.CONFIRMED,)
        assert await order(store, order="priority", statuses=confirmed) == ["item-1", "item-0"]
        await flag(store, "item-0")
        await flag(store, "item-2")  # a pending card
        for ordered in ("priority", "newest"):
            assert await order(store, order=ordered, statuses=confirmed) == ["item-0", "item-1"]
            assert await order(store, order=ordered, statuses=(HitStatus.PENDING,)) == ["item-2", "item-4"]
            assert await order(store, order=ordered, case="case-0") == ["item-2", "item-0", "item-4"]
        assert await order(store, order="priority", statuses=(HitStatus.PENDING, HitStatus.ESCALATED)) == [
            "item-2", "item-3", "item-4",
        ]  # fmt: skip
        assert await order(store, order="priority") == ["item-2", "item-0", "item-3", "item-4", "item-1"]
        assert await store.card_counts(CardQuery()) == {
            HitStatus.CONFIRMED: 2, HitStatus.PENDING: 2, HitStatus.ESCALATED: 1,
        }  # fmt: skip  # the flag moves a card up, never into another tab

    async def test_a_card_unflagged_goes_back_to_its_place(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        await five_cards(store, make_sighting)
        await flag(store, "item-1")
        assert (await order(store, order="priority"))[0] == "item-1"
        await flag(store, "item-1", suspected_minor=False)  # a reviewer took the flag back
        assert await order(store, order="priority") == PRIORITY
        assert await order(store) == NEWEST
        assert await order(store, statuses=(HitStatus.CONFIRMED,)) == ["item-1", "item-0"]

    async def test_a_new_sighting_or_a_decision_on_a_flagged_card_keeps_it_first(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        items = await five_cards(store, make_sighting)
        await flag(store, "item-0")
        await seen(store, make_sighting, items[1], 9, hours=9)  # another card seen again: newest of all
        hits = await seen(store, make_sighting, items[0], 8, hours=8)  # the flagged card seen at a new place
        assert await order(store) == ["item-0", "item-1", "item-4", "item-3", "item-2"]
        for hit in hits:
            await store.set_hit_status(hit.id, HitStatus.REJECTED)
        assert await order(store, order="priority") == ["item-0", "item-3", "item-1", "item-4", "item-2"]
        assert await order(store, statuses=(HitStatus.REJECTED,)) == ["item-0"]

    async def test_a_flag_saved_before_a_cards_first_hit_puts_it_first_when_it_is_seen(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        await five_cards(store, make_sighting)
        late = picture("item-9", label="picture 9")
        await store.add_blocklist_entries(late)
        await flag(store, "item-9")  # the flags are kept by card id: the card's summary finds them when made
        await seen(store, make_sighting, late, 10, hours=-5, status=HitStatus.CONFIRMED)
        assert await order(store, order="priority") == ["item-9", *PRIORITY]

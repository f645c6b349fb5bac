"""What every store must answer about review cards: one media × one item, every signal, every place.

Mixed into every back end's test class (``tests/monitor/store/test_stores.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from crawlers.sighting import Distributor, Fingerprints, Sighting
from monitor.cards import card_id, card_keys
from monitor.records import BlocklistEntry, HitRecord, HitStatus, channel_of
from monitor.store.base import Store
from monitor.store.queries import CardQuery, HitQuery
from tests.contracts.blocklist_items_contract import picture
from tests.contracts.store_contract import SHA, hit_for

T0 = datetime(2026, 11, 1, tzinfo=UTC)
OTHER = "ef" * 32


async def seen(
    store: Store, make_sighting: Callable[..., Sighting], entries: list[BlocklistEntry], place: int,
    media: str = SHA, hours: int = 0, status: HitStatus = HitStatus.PENDING, source: str = "src-0",
    telegram: str | None = None,
) -> list[HitRecord]:  # fmt: skip
    """One sighting of ``media`` at place ``place`` that matched every entry of ``entries``: on a web page of
    site.example, or in the Telegram channel ``telegram`` (a username) when given."""
    where: dict[str, object] = {"location": f"http://site.example/t/{place}", "source_kind": "web"}
    if telegram is not None:
        where = {"location": f"https://t.me/{telegram}/{place}", "source_kind": "telegram",
                 "distributor": Distributor(channel_id=f"-100{place}", channel_username=telegram)}  # fmt: skip
    sighting = make_sighting(
        fingerprints=Fingerprints({"sha256": media}), source_id=source, seen_at=T0 + timedelta(hours=hours), **where
    )
    channel = channel_of(sighting.distributor, sighting.location, sighting.source_kind)
    hits = [
        hit_for(sighting, entry, media_sha256=media, created_at=T0 + timedelta(hours=hours), status=status,
                packet_id=f"packet-{place}", distance=index * 4, source_kind=sighting.source_kind, channel=channel)
        for index, entry in enumerate(entries)
    ]  # fmt: skip
    for hit in hits:
        assert await store.put_hit(hit)
    return hits


class CardContract:
    async def test_one_media_and_one_item_is_one_card_with_every_signal_and_every_place(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries = picture("item-a")
        await store.add_blocklist_entries(entries)
        first = await seen(store, make_sighting, entries, 1)
        second = await seen(store, make_sighting, entries, 2, hours=1)
        page = await store.find_cards(CardQuery())
        assert page.total == 1
        (card,) = page.cards
        assert card.id == card_id(SHA, "item-a") and card_keys(card.id) == (SHA, "item-a")
        assert (card.media_sha256, card.item_id, card.case, card.label) == (SHA, "item-a", "case-1", "picture 1")
        assert card.status == HitStatus.PENDING
        assert [(s.hash_type, s.variant, s.distance, s.entry_value) for s in card.signals] == [
            ("sha256", "", 0, entries[0].value), ("pdq", "", 4, entries[1].value),
            ("pdq", "centre crop 5%", 8, entries[2].value),
        ]  # fmt: skip
        assert [(place.location, place.packet_id) for place in card.locations] == [
            ("http://site.example/t/1", "packet-1"), ("http://site.example/t/2", "packet-2"),
        ]  # fmt: skip
        assert (card.first_seen, card.last_seen) == (T0, T0 + timedelta(hours=1))
        assert set(card.hit_ids) == {hit.id for hit in first + second}

    async def test_cards_are_newest_first_paged_counted_and_filtered(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        a, b = picture("item-a"), picture("item-b", case="case-2", label="picture 2")
        await store.add_blocklist_entries(a + b)
        await seen(store, make_sighting, a, 1, hours=0, status=HitStatus.CONFIRMED)
        await seen(store, make_sighting, b, 2, hours=1, status=HitStatus.REJECTED, source="src-1")
        await seen(store, make_sighting, a, 3, media=OTHER, hours=2, status=HitStatus.ESCALATED)
        every = await store.find_cards(CardQuery())
        assert [(c.media_sha256, c.item_id) for c in every.cards] == [
            (OTHER, "item-a"),
            (SHA, "item-b"),
            (SHA, "item-a"),
        ]
        assert every.total == 3
        second_page = await store.find_cards(CardQuery(offset=1, limit=1))
        assert ([c.item_id for c in second_page.cards], second_page.total) == (["item-b"], 3)
        assert [c.item_id for c in (await store.find_cards(CardQuery(case="case-2"))).cards] == ["item-b"]
        assert [c.item_id for c in (await store.find_cards(CardQuery(source_id="src-1"))).cards] == ["item-b"]
        assert (await store.find_cards(CardQuery(platform="nowhere"))).total == 0
        assert [c.media_sha256 for c in (await store.find_cards(CardQuery(since=T0 + timedelta(hours=2)))).cards] == [
            OTHER
        ]
        confirmed = await store.find_cards(CardQuery(statuses=(HitStatus.CONFIRMED,)))
        assert [(c.item_id, c.status) for c in confirmed.cards] == [("item-a", HitStatus.CONFIRMED)]
        assert confirmed.total == 1

    async def test_a_card_shows_the_least_decided_status_of_its_hits(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries = picture("item-a")
        await store.add_blocklist_entries(entries)
        await seen(store, make_sighting, entries, 1, status=HitStatus.CONFIRMED)
        assert (await store.find_cards(CardQuery())).cards[0].status == HitStatus.CONFIRMED
        await seen(store, make_sighting, entries, 2, hours=1)  # seen again after the decision: look again
        assert (await store.find_cards(CardQuery())).cards[0].status == HitStatus.PENDING
        assert (await store.find_cards(CardQuery(statuses=(HitStatus.CONFIRMED,)))).total == 0
        await seen(store, make_sighting, entries, 3, hours=2, status=HitStatus.ESCALATED)
        assert (await store.find_cards(CardQuery(statuses=(HitStatus.ESCALATED,)))).total == 1

    async def test_an_empty_store_has_no_cards(self, store: Store) -> None:
        page = await store.find_cards(CardQuery())
        assert (page.cards, page.total) == ([], 0)

    async def test_a_new_place_of_a_decided_card_shows_at_once_in_its_status_filters_and_counts(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries = picture("item-a")
        await store.add_blocklist_entries(entries)
        await seen(store, make_sighting, entries, 1, status=HitStatus.CONFIRMED)
        assert await store.card_counts(CardQuery()) == {HitStatus.CONFIRMED: 1}
        assert (await store.find_cards(CardQuery(source_id="src-1"))).total == 0
        await seen(store, make_sighting, entries, 2, hours=3, source="src-1", telegram="leaks")
        assert await store.card_counts(CardQuery()) == {HitStatus.PENDING: 1}
        (card,) = (await store.find_cards(CardQuery(statuses=(HitStatus.PENDING,), source_id="src-1"))).cards
        assert (len(card.locations), card.last_seen, card.newest_hit_at) == (2, T0 + timedelta(hours=3),
                                                                            T0 + timedelta(hours=3))  # fmt: skip
        assert (await store.find_cards(CardQuery(source_id="src-0", channel="@leaks", platform="telegram"))).total == 1
        assert (await store.find_cards(CardQuery(since=T0 + timedelta(hours=3)))).total == 1

    async def test_a_status_change_moves_the_card_between_statuses_at_once(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries = picture("item-a")
        await store.add_blocklist_entries(entries)
        hits = await seen(store, make_sighting, entries, 1)
        for hit in hits[:-1]:
            await store.set_hit_status(hit.id, HitStatus.CONFIRMED)
        assert await store.card_counts(CardQuery()) == {HitStatus.PENDING: 1}  # one signal is still undecided
        await store.set_hit_status(hits[-1].id, HitStatus.CONFIRMED)
        assert await store.card_counts(CardQuery()) == {HitStatus.CONFIRMED: 1}
        confirmed = await store.find_cards(CardQuery(statuses=(HitStatus.CONFIRMED,)))
        assert [card.status for card in confirmed.cards] == [HitStatus.CONFIRMED] and confirmed.total == 1
        await store.set_hit_status(hits[0].id, HitStatus.ESCALATED)
        assert (await store.find_cards(CardQuery(statuses=(HitStatus.CONFIRMED,)))).total == 0
        assert await store.card_counts(CardQuery()) == {HitStatus.ESCALATED: 1}
        assert (await store.hit_facets()).by_status == {HitStatus.CONFIRMED: 2, HitStatus.ESCALATED: 1}

    async def test_cards_are_filtered_by_the_channel_any_of_their_places_was_posted_in(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        a, b = picture("item-a"), picture("item-b", case="case-2", label="picture 2")
        await store.add_blocklist_entries(a + b)
        await seen(store, make_sighting, a, 1, telegram="leaks")
        await seen(store, make_sighting, a, 2, hours=1)  # the same picture on a web page too
        await seen(store, make_sighting, b, 3, hours=2, telegram="other")
        assert [c.item_id for c in (await store.find_cards(CardQuery(channel="@leaks"))).cards] == ["item-a"]
        assert [c.item_id for c in (await store.find_cards(CardQuery(channel="site.example"))).cards] == ["item-a"]
        assert (await store.find_cards(CardQuery(channel="@nowhere"))).total == 0
        assert (await store.card_counts(CardQuery(channel="@other"))) == {HitStatus.PENDING: 1}
        assert (await store.hit_facets()).channels == ["@leaks", "@other", "site.example"]
        leaks = await store.find_hits(HitQuery(channel="@leaks"))
        assert leaks.total == 3 and {hit.channel for hit in leaks.hits} == {"@leaks"}

    async def test_priority_order_puts_escalated_then_pending_cards_first_each_newest_first(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        items = [picture(f"item-{n}", label=f"picture {n}") for n in range(5)]
        await store.add_blocklist_entries([entry for item in items for entry in item])
        statuses = (HitStatus.ESCALATED, HitStatus.PENDING, HitStatus.CONFIRMED, HitStatus.PENDING,
                    HitStatus.ESCALATED)  # fmt: skip
        for number, (item, status) in enumerate(zip(items, statuses, strict=True)):
            await seen(store, make_sighting, item, number, hours=number, status=status)
        newest = await store.find_cards(CardQuery())
        assert [card.item_id for card in newest.cards] == ["item-4", "item-3", "item-2", "item-1", "item-0"]
        priority = await store.find_cards(CardQuery(order="priority"))
        assert [card.item_id for card in priority.cards] == ["item-4", "item-0", "item-3", "item-1", "item-2"]
        second = await store.find_cards(CardQuery(order="priority", offset=2, limit=2))
        assert ([card.item_id for card in second.cards], second.total) == (["item-3", "item-1"], 5)
        pending = await store.find_cards(CardQuery(order="priority", statuses=(HitStatus.PENDING,)))
        assert [card.item_id for card in pending.cards] == ["item-3", "item-1"]

    async def test_card_counts_are_per_status_under_the_other_filters(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        a, b = picture("item-a"), picture("item-b", case="case-2", label="picture 2")
        await store.add_blocklist_entries(a + b)
        await seen(store, make_sighting, a, 1, status=HitStatus.REJECTED)
        await seen(store, make_sighting, b, 2, status=HitStatus.REJECTED, source="src-1")
        await seen(store, make_sighting, a, 3, media=OTHER, status=HitStatus.CONFIRMED_ONCE, source="src-1")
        assert await store.card_counts(CardQuery()) == {HitStatus.REJECTED: 2, HitStatus.CONFIRMED_ONCE: 1}
        every_status = CardQuery(statuses=(HitStatus.PENDING,), source_id="src-1", offset=5, limit=1)
        assert await store.card_counts(every_status) == {HitStatus.REJECTED: 1, HitStatus.CONFIRMED_ONCE: 1}
        assert await store.card_counts(CardQuery(case="case-2")) == {HitStatus.REJECTED: 1}
        assert await store.card_counts(CardQuery(platform="telegram")) == {}

    async def test_one_card_is_found_by_its_keys_with_its_variants(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries, others = picture("item-a"), picture("item-b")
        await store.add_blocklist_entries(entries + others)
        await seen(store, make_sighting, entries, 1)
        await seen(store, make_sighting, others, 2, media=OTHER, hours=1)
        page = await store.find_cards(CardQuery(card=(SHA, "item-a")))
        assert [card.id for card in page.cards] == [card_id(SHA, "item-a")] and page.total == 1
        assert "centre crop 5%" in {signal.variant for signal in page.cards[0].signals}
        assert (await store.find_cards(CardQuery(card=(OTHER, "item-a")))).total == 0  # the keys go together

"""Gathering: routing's input read from a real store — confirmed cards only, with each place's sighting, its
last removal re-check and its item's withdrawal."""

from __future__ import annotations

from pathlib import Path

from monitor.store.sqlite import SqliteStore
from monitor.takedown.gathering import confirmed_cards
from tests.monitor.cli.test_notices_plan import FORUM, ITEM, PRIVATE_GROUP, T0, media, seed


async def test_only_confirmed_cards_are_read_with_their_sightings_and_removals(tmp_path: Path) -> None:
    await seed(tmp_path)
    store = SqliteStore(tmp_path / "jikimi.sqlite3")
    await store.open()
    try:
        cards = await confirmed_cards(store, page=1)  # one card a page: paging reads them all
    finally:
        await store.close()
    by_media = {facts.card.media_sha256: facts for facts in cards}
    assert set(by_media) == {media(1), media(4)}  # /2 rejected and /3 pending are not read
    places = {place.location.location: place for place in by_media[media(1)].places}
    assert set(places) == {f"{FORUM}/1", PRIVATE_GROUP}
    group = places[PRIVATE_GROUP]
    assert group.source_kind == "telegram" and group.distributor is not None
    assert group.distributor.channel_id == "1234567890" and group.distributor.channel_username is None
    assert all(place.removed_at is None for place in places.values())
    (gone,) = by_media[media(4)].places
    assert gone.removed_at is not None  # its last re-check found it gone
    assert not any(facts.item_withdrawn or facts.suspected_minor for facts in cards)


async def test_a_withdrawn_pictures_cards_are_marked_withdrawn(tmp_path: Path) -> None:
    await seed(tmp_path)
    store = SqliteStore(tmp_path / "jikimi.sqlite3")
    await store.open()
    try:
        assert await store.withdraw_item(ITEM, T0)
        cards = await confirmed_cards(store)
    finally:
        await store.close()
    assert cards and all(facts.item_withdrawn for facts in cards)


async def test_a_reviewers_suspected_minor_flag_and_category_on_a_card_are_read(tmp_path: Path) -> None:
    from config.recipients import Category
    from monitor.cards import card_id
    from monitor.store.notice_records import CardFlags

    await seed(tmp_path)
    store = SqliteStore(tmp_path / "jikimi.sqlite3")
    await store.open()
    try:
        await store.set_card_flags(CardFlags(card_id(media(1), ITEM), True, "child_exploitation", "vera", T0))
        await store.set_card_flags(CardFlags(card_id(media(4), ITEM), False, "", "vera", T0))
        by_media = {facts.card.media_sha256: facts for facts in await confirmed_cards(store)}
    finally:
        await store.close()
    assert by_media[media(1)].suspected_minor and by_media[media(1)].category is Category.CHILD_EXPLOITATION
    assert not by_media[media(4)].suspected_minor and by_media[media(4)].category is None  # empty: nobody chose

"""The spread views as specifications: where a victim picture went and what a distributor posted, from the
store's indexes alone (``tests/monitor/spread_world.py`` describes the world)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from monitor.records import HitStatus
from monitor.spread import Online, Poster, item_spread, origin_channel, source_spread
from monitor.store.base import Store
from monitor.store.queries import HitQuery
from monitor.store.sqlite import SqliteStore
from tests.monitor.spread_world import CROP, DAY, FORUM, ITEM, KANAL9, ORIGINAL, OTHER_ITEM, RELAY, T0, fill


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = SqliteStore(tmp_path / "store.sqlite3")
    await store.open()
    await fill(store)
    yield store
    await store.close()


async def test_an_items_spread_lists_every_media_and_place_oldest_first_from_its_first_sighting(store: Store) -> None:
    spread = await item_spread(store, ITEM)
    assert spread is not None and spread.item.case == "case-7" and spread.item.label == "picture 1"
    assert [p.location for p in spread.places] == [
        "https://t.me/kanal9/12",
        "https://t.me/relay/5",
        "https://forum.example/t/1",
    ]  # one place per sighting, however many signals matched there
    assert spread.first_seen == T0
    assert [(m.media_sha256, m.places, m.first_seen, m.last_seen) for m in spread.media] == [
        (ORIGINAL, 2, T0, T0 + DAY),
        (CROP, 1, T0 + 2 * DAY, T0 + 2 * DAY),
    ]
    assert [p.packet_id for p in spread.places] == ["p-kanal9", "p-relay", "p-forum"]
    assert spread.places[0].posted_at == T0 - DAY and spread.places[0].platform == "telegram"


async def test_a_place_shows_the_status_of_its_card_so_a_new_place_makes_the_picture_pending_again(
    store: Store,
) -> None:
    spread = await item_spread(store, ITEM)
    assert spread is not None
    statuses = {(p.media_sha256, p.location): p.card_status for p in spread.places}
    assert statuses[(ORIGINAL, "https://t.me/kanal9/12")] is HitStatus.PENDING  # relay's copy awaits a decision
    assert statuses[(CROP, "https://forum.example/t/1")] is HitStatus.CONFIRMED
    assert {m.media_sha256: m.card_status for m in spread.media} == {ORIGINAL: "pending", CROP: "confirmed"}


async def test_a_forwarded_post_names_the_channel_and_message_it_was_forwarded_from(store: Store) -> None:
    spread = await item_spread(store, ITEM)
    assert spread is not None
    (forward,) = spread.forwards
    assert forward.location == "https://t.me/relay/5" and forward.channel == "relay"
    assert forward.forwarded_from is not None
    came = forward.forwarded_from
    assert (origin_channel(came), came.peer_id, came.message_id) == ("Kanal 9", "-1009", 12)


async def test_the_channels_that_posted_an_item_are_listed_with_their_first_sighting(store: Store) -> None:
    spread = await item_spread(store, ITEM)
    assert spread is not None
    assert [(c.source_id, c.channel, c.places, c.first_seen) for c in spread.channels] == [
        (KANAL9, "kanal9", 1, T0),
        (RELAY, "relay", 1, T0 + DAY),
        (FORUM, "", 1, T0 + 2 * DAY),
    ]


async def test_a_place_is_removed_online_or_not_checked_as_its_last_recheck_says(store: Store) -> None:
    spread = await item_spread(store, ITEM)
    assert spread is not None
    online = {p.location: p.online for p in spread.places}
    assert online == {
        "https://t.me/kanal9/12": Online.REMOVED,  # online at the first check, gone at the last
        "https://t.me/relay/5": Online.NOT_CHECKED,  # never checked is not "online"
        "https://forum.example/t/1": Online.ONLINE,
    }
    assert spread.places[1].checked_at is None and spread.places[0].checked_at is not None


async def test_a_distributors_spread_holds_all_its_matches_and_counts_each_poster(store: Store) -> None:
    spread = await source_spread(store, KANAL9)
    assert spread is not None and spread.source_kind == "telegram"
    assert [(p.location, p.item_id) for p in spread.places] == [
        ("https://t.me/kanal9/12", ITEM),
        ("https://t.me/kanal9/40", OTHER_ITEM),
    ]
    assert (spread.first_seen, spread.last_seen) == (T0, T0 + 3 * DAY)
    assert (spread.count(Online.REMOVED), spread.count(Online.NOT_CHECKED)) == (1, 1)
    assert [(p.poster.key, p.places, p.first_seen, p.last_seen) for p in spread.posters] == [
        ("777", 1, T0, T0),
        ("Ann", 1, T0 + 3 * DAY, T0 + 3 * DAY),
    ]
    assert spread.posters[0].poster == Poster("777", "mun_42", "Mun", None)


async def test_a_case_limited_spread_leaves_the_places_of_other_cases_out(store: Store) -> None:
    spread = await source_spread(store, KANAL9, cases=("case-7",))
    assert spread is not None and {p.case for p in spread.places} == {"case-7"}
    assert await item_spread(store, OTHER_ITEM, cases=("case-7",)) is None


async def test_an_unknown_item_or_source_has_no_spread_and_a_crawled_source_without_matches_an_empty_one(
    store: Store,
) -> None:
    assert await item_spread(store, "no-such-item") is None
    assert await source_spread(store, "no-such-source") is None
    quiet = await source_spread(store, "quiet-site")
    assert quiet is not None and quiet.places == () and quiet.first_seen is None


class Watched:
    """The store, with every hit query written down and the reads of everything refused."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries: list[HitQuery] = []

    async def find_hits(self, query: HitQuery) -> Any:
        self.queries.append(query)
        return await self.store.find_hits(query)

    async def hits(self) -> None:
        raise AssertionError("a spread view read every hit")

    async def sightings(self) -> None:
        raise AssertionError("a spread view read every sighting")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def test_a_spread_reads_only_its_own_hits_through_the_index_never_the_whole_store(store: Store) -> None:
    watched = Watched(store)
    await item_spread(watched, ITEM)  # type: ignore[arg-type]
    await source_spread(watched, KANAL9)  # type: ignore[arg-type]
    assert all(q.item_id or q.source_id or (q.media_sha256 and q.item_id) for q in watched.queries)
    assert [q.item_id for q in watched.queries if q.item_id and not q.media_sha256] == [ITEM]

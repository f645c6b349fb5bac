"""What every store must do with a batch of hits or sightings: exactly what one ``put_*`` per record would do.

Mixed into every back end's test class (``tests/monitor/store/test_stores.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from crawlers.sighting import Fingerprints, Sighting
from monitor.records import HitStatus
from monitor.store.base import Store
from monitor.store.queries import CardQuery
from tests.contracts.blocklist_items_contract import picture
from tests.contracts.store_contract import SHA, hit_for


def places(make_sighting: Callable[..., Sighting], count: int) -> list[Sighting]:
    return [
        make_sighting(fingerprints=Fingerprints({"sha256": SHA}), location=f"http://site.example/t/{n}")
        for n in range(count)
    ]


class BatchWriteContract:
    async def test_a_batch_of_sightings_stores_the_new_ones_and_says_how_many(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        first, second, third = places(make_sighting, 3)
        assert await store.put_sighting(first)
        assert await store.put_sightings([first, second, third, second]) == 2
        assert await store.put_sightings([third]) == 0 and await store.put_sightings([]) == 0
        assert sorted(s.id for s in await store.sightings()) == sorted(s.id for s in (first, second, third))
        assert len(await store.sightings_of([SHA])) == 3

    async def test_a_batch_of_hits_is_stored_as_single_writes_would_store_it_with_its_cards(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        entries = picture("item-a")
        await store.add_blocklist_entries(entries)
        sightings = places(make_sighting, 3)
        hits = [hit_for(s, entry) for s in sightings for entry in entries]
        assert await store.put_hit(hits[0])
        changed = dataclasses.replace(hits[0], status=HitStatus.REJECTED, label="not this one")
        assert await store.put_hits([changed, *hits[1:], hits[1]]) == len(hits) - 1  # the first write wins
        assert await store.put_hits(hits) == 0 and await store.put_hits([]) == 0
        stored = {hit.id: hit for hit in await store.hits()}
        assert stored == {hit.id: hit for hit in hits}
        (card,) = (await store.find_cards(CardQuery())).cards
        assert (len(card.locations), len(card.hit_ids), card.status) == (3, 9, HitStatus.PENDING)
        assert await store.card_counts(CardQuery()) == {HitStatus.PENDING: 1}

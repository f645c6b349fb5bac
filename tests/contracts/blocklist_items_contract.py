"""What every store must do with blocklist items: one victim picture, many hashes (its entries), one state.

Subclass it and provide a ``store`` fixture (``tests/monitor/store/test_stores.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from crawlers.sighting import Sighting
from monitor.records import BlocklistEntry, ItemState, own_item_id
from monitor.store.base import Store
from monitor.store.queries import HitQuery
from tests.contracts.store_contract import SHA, fingerprinted, hit_for

PDQ = "0f" * 32
WITHDRAWN_AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def picture(item_id: str, case: str = "case-1", label: str = "picture 1") -> list[BlocklistEntry]:
    """The hashes of one victim picture, as ``add-images`` makes them."""
    return [
        BlocklistEntry("sha256", SHA if item_id == "item-a" else "cd" * 32, case, label, "victim intake",
                       item_id=item_id),
        BlocklistEntry("pdq", PDQ if item_id == "item-a" else "f0" * 32, case, label, "victim intake",
                       item_id=item_id),
        BlocklistEntry("pdq", "ff" * 32 if item_id == "item-a" else "00" * 32, case, label, "victim intake",
                       variant="centre crop 5%", item_id=item_id),
    ]  # fmt: skip


class BlocklistItemContract:
    async def test_the_entries_of_one_picture_are_one_item_stored_once(self, store: Store) -> None:
        entries = picture("item-a")
        assert await store.add_blocklist_entries(entries) == 3
        assert await store.add_blocklist_entries(entries) == 0
        (item,) = await store.blocklist_items()
        assert (item.id, item.case, item.label, item.origin, item.state) == (
            "item-a", "case-1", "picture 1", "victim intake", ItemState.ACTIVE,
        )  # fmt: skip
        assert await store.get_blocklist_item("item-a") == item
        assert await store.get_blocklist_item("item-z") is None
        assert {e.item_id for e in await store.blocklist_entries()} == {"item-a"}

    async def test_an_entry_that_names_no_item_is_an_item_of_its_own(self, store: Store) -> None:
        alone = BlocklistEntry("md5", "12" * 16, "case-2", "shared list", "stopncii")
        await store.add_blocklist_entries([alone, *picture("item-a")])
        items = {item.id: item for item in await store.blocklist_items()}
        assert set(items) == {"item-a", own_item_id(alone.id)}
        assert items[alone.item_id].origin == "stopncii"
        assert [item.id for item in await store.blocklist_items("case-2")] == [alone.item_id]

    async def test_withdrawing_an_item_withdraws_all_its_entries_at_once(self, store: Store) -> None:
        await store.add_blocklist_entries(picture("item-a") + picture("item-b", label="picture 2"))
        assert await store.withdraw_item("item-a", WITHDRAWN_AT)
        assert not await store.withdraw_item("item-a", WITHDRAWN_AT)  # once
        assert not await store.withdraw_item("item-z", WITHDRAWN_AT)  # unknown
        assert {e.item_id for e in await store.blocklist_entries()} == {"item-b"}
        withdrawn = await store.get_blocklist_item("item-a")
        assert withdrawn is not None and withdrawn.state == ItemState.WITHDRAWN
        assert withdrawn.withdrawn_at == WITHDRAWN_AT
        await store.add_blocklist_entries(picture("item-a"))  # hashing the picture again does not revive it
        assert {e.item_id for e in await store.blocklist_entries()} == {"item-b"}
        assert len(await store.blocklist_items()) == 2  # a withdrawn item is kept, not deleted
        assert [item.id for item in await store.blocklist_items(state=ItemState.WITHDRAWN)] == ["item-a"]
        assert [item.id for item in await store.blocklist_items("case-1", ItemState.ACTIVE)] == ["item-b"]

    async def test_a_hit_keeps_its_item_and_the_entry_s_own_hash_and_is_found_by_item(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        sighting = fingerprinted(make_sighting)
        crop = picture("item-a")[2]
        hit = hit_for(sighting, crop, matched_value="fe" * 32, distance=8)
        other = hit_for(sighting, picture("item-b")[0])
        assert await store.put_hit(hit) and await store.put_hit(other)
        (found,) = (await store.find_hits(HitQuery(item_id="item-a"))).hits
        assert found == hit
        assert (found.item_id, found.entry_value, found.matched_value) == ("item-a", "ff" * 32, "fe" * 32)
        assert (await store.find_hits(HitQuery(item_id="item-z"))).total == 0

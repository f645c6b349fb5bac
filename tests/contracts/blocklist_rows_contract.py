"""What every store must give the persisted matching index: a revision that changes with every added entry,
and every entry's few indexed columns, page by page. Subclass it with a ``store`` fixture."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.records import BlocklistEntry
from monitor.store.base import Store
from tests.contracts.blocklist_items_contract import picture


class BlocklistRowsContract:
    async def test_the_revision_changes_with_every_added_entry_and_only_then(self, store: Store) -> None:
        empty = await store.blocklist_revision()
        await store.add_blocklist_entries(picture("item-a"))
        first = await store.blocklist_revision()
        await store.add_blocklist_entries(picture("item-a"))  # already there: nothing added
        assert await store.blocklist_revision() == first != empty
        await store.withdraw_item("item-a", datetime(2026, 12, 1, tzinfo=UTC))  # a state, not an entry
        assert await store.blocklist_revision() == first
        await store.add_blocklist_entries([BlocklistEntry("md5", "ab" * 16, "case-2")])
        assert await store.blocklist_revision() not in (first, empty)

    async def test_rows_page_through_every_entry_withdrawn_ones_included(self, store: Store) -> None:
        entries = picture("item-a") + picture("item-b")
        await store.add_blocklist_entries(entries)
        await store.withdraw_item("item-b", datetime(2026, 12, 1, tzinfo=UTC))
        pages, after = [], ""
        while page := await store.blocklist_rows(after, 4):
            assert len(page) <= 4
            pages.append(page)
            after = page[-1].key
        rows = [row for page in pages for row in page]
        assert len(pages) == 2
        assert {(r.hash_type, r.value, r.case, r.label, r.item_id, r.variant) for r in rows} == {
            (e.hash_type, e.value, e.case, e.label, e.item_id, e.variant) for e in entries
        }
        assert len({row.key for row in rows}) == len(entries)

"""The fast encoder of blocklist records writes the very text the codec writes, so either reads the other's."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.records import BlocklistEntry, BlocklistItem, ItemState
from monitor.store.flat_json import flat_json
from monitor.store.serialise import from_json, to_json

AT = datetime(2026, 3, 1, 12, 30, 5, 123, tzinfo=UTC)


def test_an_entry_is_encoded_as_the_codec_encodes_it() -> None:
    entry = BlocklistEntry("pdq", "0f" * 32, "case-1", '레이블 "quoted"', "partner", AT, "centre crop 5%", "item-1")
    assert flat_json(entry) == to_json(entry)
    assert from_json(BlocklistEntry, flat_json(entry)) == entry


def test_an_item_is_encoded_as_the_codec_encodes_it_withdrawn_or_not() -> None:
    for item in (
        BlocklistItem("item-1", "case-1", "picture 1", "victim intake", AT),
        BlocklistItem("item-2", "case-1", "", "import", AT, ItemState.WITHDRAWN, AT),
    ):
        assert flat_json(item) == to_json(item)
        assert from_json(BlocklistItem, flat_json(item)) == item

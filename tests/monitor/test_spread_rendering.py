"""The spread views as files: stable columns, UTF-8, UTC times, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from monitor.spread import DistributorSpread, ItemSpread, item_spread, source_spread
from monitor.spread_rendering import PLACE_COLUMNS, item_json, items_csv, json_bytes, source_json, sources_csv
from monitor.store.sqlite import SqliteStore
from tests.monitor.spread_world import FORUM, ITEM, KANAL9, fill


@pytest.fixture
async def spreads(tmp_path: Path) -> AsyncIterator[tuple[ItemSpread, DistributorSpread, DistributorSpread]]:
    store = SqliteStore(tmp_path / "store.sqlite3")
    await store.open()
    await fill(store)
    item, kanal9 = await item_spread(store, ITEM), await source_spread(store, KANAL9)
    forum = await source_spread(store, FORUM)
    assert item is not None and kanal9 is not None and forum is not None
    yield item, kanal9, forum
    await store.close()


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_csv_has_the_place_columns_in_order_and_utc_times(
    spreads: tuple[ItemSpread, DistributorSpread, DistributorSpread],
) -> None:
    item, _, _ = spreads
    data = items_csv([item])
    assert data.decode("utf-8").splitlines()[0] == ",".join(PLACE_COLUMNS)
    first = rows(data)[0]
    assert (first["seen_at_utc"], first["posted_at_utc"]) == ("2026-11-01T12:00:00.000Z", "2026-10-31T12:00:00.000Z")
    assert first["online"] == "removed" and first["card_status"] == "pending" and first["sender_username"] == "mun_42"
    forwarded = rows(data)[1]
    assert (forwarded["forwarded_from_channel"], forwarded["forwarded_from_message_id"]) == ("Kanal 9", "12")


def test_a_page_title_shaped_like_a_formula_is_written_so_no_spreadsheet_runs_it(
    spreads: tuple[ItemSpread, DistributorSpread, DistributorSpread],
) -> None:
    _, _, forum = spreads
    (row,) = rows(sources_csv([forum]))
    assert row["channel_title"] == "'=cmd()"
    assert source_json(forum)["places"][0]["channel_title"] == "=cmd()"  # the JSON keeps the evidence as it was


def test_the_json_holds_the_whole_view_in_utf_8_with_utc_times(
    spreads: tuple[ItemSpread, DistributorSpread, DistributorSpread],
) -> None:
    item, kanal9, _ = spreads
    document = json.loads(json_bytes({"items": [item_json(item)]}).decode("utf-8"))["items"][0]
    assert list(document) == ["item", "first_seen", "media", "channels", "forwards", "places"]
    assert document["channels"][0] == {
        "source_id": KANAL9, "channel": "kanal9", "channel_title": "Kanal 9", "platform": "telegram", "places": 1,
        "first_seen": "2026-11-01T12:00:00.000Z", "last_seen": "2026-11-01T12:00:00.000Z",
    }  # fmt: skip
    source = source_json(kanal9)
    assert source["online"] == {"online": 0, "removed": 1, "unknown": 0, "not-checked": 1}
    assert [p["key"] for p in source["posters"]] == ["777", "Ann"]

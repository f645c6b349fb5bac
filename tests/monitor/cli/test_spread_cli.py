"""``jikimi spread item|source``: the spread views on the command line, as a table, JSON or CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from monitor.spread_rendering import PLACE_COLUMNS
from monitor.store.sqlite import SqliteStore
from tests.monitor.cli.test_cli import jikimi
from tests.monitor.spread_world import ITEM, KANAL9, fill


async def seed(data_dir: Path) -> None:
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    await fill(store)
    await store.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("spread") / "data"
    directory.mkdir(mode=0o700)
    asyncio.run(seed(directory))
    return directory


def test_spread_item_json_names_every_place_its_forward_and_whether_it_is_still_online(data_dir: Path) -> None:
    done = jikimi(data_dir, "spread", "item", ITEM, "--json")
    assert done.returncode == 0, done.stderr
    spread = json.loads(done.stdout)
    assert spread["item"]["id"] == ITEM and spread["first_seen"] == "2026-11-01T12:00:00.000Z"
    assert [p["online"] for p in spread["places"]] == ["removed", "not-checked", "online"]
    (forward,) = spread["forwards"]
    assert forward["forwarded_from"]["channel"] == "Kanal 9" and forward["forwarded_from"]["message_id"] == 12


def test_spread_source_csv_has_one_row_per_match_in_the_stable_columns(data_dir: Path) -> None:
    done = jikimi(data_dir, "spread", "source", KANAL9, "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert tuple(rows[0]) == PLACE_COLUMNS
    assert [row[PLACE_COLUMNS.index("poster")] for row in rows[1:]] == ["777", "Ann"]


def test_spread_prints_a_table_by_default(data_dir: Path) -> None:
    done = jikimi(data_dir, "spread", "item", ITEM)
    assert done.returncode == 0, done.stderr
    assert "https://t.me/relay/5" in done.stdout and "Kanal 9 #12" in done.stdout and "removed" in done.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("item", "no-such-item"), "no blocklist item 'no-such-item'"),
        (("source", "no-such-source"), "no source 'no-such-source'"),
        (("item", ITEM, "--json", "--csv"), "choose one"),
    ],
)
def test_an_unknown_item_or_source_exits_with_status_2_and_says_so(
    data_dir: Path, args: tuple[str, ...], said: str
) -> None:
    done = jikimi(data_dir, "spread", *args)
    assert done.returncode == 2 and said in done.stderr, done.stderr

"""The persisted matching index: mapped when current, rebuilt when the blocklist changed or the file is damaged,
matching what a matcher over the entries matches, and honouring withdrawals at once without a rebuild."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.sighting import BlocklistHit, Fingerprints
from monitor.matching import index_file
from monitor.matching.index_file import INDEX_FILE, MAGIC, load_blocklist
from monitor.matching.matcher import BlocklistMatcher
from monitor.records import BlocklistEntry
from monitor.store import SqliteStore

PDQ = "0f" * 32
PDQ_NEAR = "0e" + "0f" * 31  # one bit away
ENTRIES = [
    BlocklistEntry("sha256", "ab" * 32, "case-1", "picture 1", item_id="item-1"),
    BlocklistEntry("md5", "cd" * 16, "case-1", "picture 1", item_id="item-1"),
    BlocklistEntry("pdq", PDQ, "case-2", "레이블 2", item_id="item-2"),
    BlocklistEntry("pdq", "f0" * 32, "case-2", "crop", variant="centre crop 5%", item_id="item-2"),
    BlocklistEntry("phash", "0123456789abcdef", "case-3", "picture 3"),
    BlocklistEntry("video_pdq", f"{'00' * 32},{'ff' * 32}", "case-4", "video"),
]
PROBES = [
    Fingerprints(values={"sha256": "ab" * 32, "md5": "cd" * 16}),
    Fingerprints(values={"pdq": PDQ_NEAR}, pdq_quality=100),
    Fingerprints(values={"pdq": "f0" * 32}, pdq_quality=100),
    Fingerprints(values={"phash": "0123456789abcdee"}),
    Fingerprints(values={"sha256": "00" * 32}, frames=("00" * 32, "ff" * 32)),
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "store.sqlite3")
    await opened.open()
    await opened.add_blocklist_entries(ENTRIES)
    yield opened
    await opened.close()


async def loaded(store: SqliteStore, data_dir: Path) -> BlocklistMatcher:
    matcher = BlocklistMatcher()
    await load_blocklist(matcher, store, data_dir)
    return matcher


def hits_of(matcher: BlocklistMatcher) -> list[tuple[BlocklistHit, ...]]:
    return [matcher.match(probe) for probe in PROBES]


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    build = index_file.build_parts

    def counted(*args: Any) -> index_file.IndexParts:
        builds.append(1)
        return build(*args)

    monkeypatch.setattr(index_file, "build_parts", counted)
    return builds


async def test_a_loaded_matcher_finds_what_a_matcher_over_the_entries_finds(store: SqliteStore, tmp_path: Path) -> None:
    reference = BlocklistMatcher()
    reference.add(ENTRIES)
    first, again = await loaded(store, tmp_path), await loaded(store, tmp_path)  # built, then mapped
    assert hits_of(first) == hits_of(again) == hits_of(reference)
    assert all(hits_of(reference)), "every probe matches something"


async def test_a_second_process_maps_the_file_instead_of_rebuilding(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    await loaded(store, tmp_path)
    await loaded(store, tmp_path)
    assert len(builds) == 1
    assert (tmp_path / INDEX_FILE).stat().st_mode & 0o777 == 0o600  # it names cases and labels


async def test_an_added_entry_makes_the_next_load_rebuild_and_match_it(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = count_builds(monkeypatch)
    await loaded(store, tmp_path)
    await store.add_blocklist_entries([BlocklistEntry("sha256", "99" * 32, "case-9")])
    matcher = await loaded(store, tmp_path)
    assert len(builds) == 2
    assert [hit.case for hit in matcher.match(Fingerprints(values={"sha256": "99" * 32}))] == ["case-9"]


async def test_a_damaged_file_is_rebuilt_never_trusted(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = hits_of(await loaded(store, tmp_path))
    path = tmp_path / INDEX_FILE
    damaged = bytearray(path.read_bytes())
    damaged[-10] ^= 0x01  # one bit of the entry records
    path.write_bytes(bytes(damaged))
    builds = count_builds(monkeypatch)
    assert hits_of(await loaded(store, tmp_path)) == reference
    assert len(builds) == 1
    await loaded(store, tmp_path)
    assert len(builds) == 1, "the rebuilt file is whole again"


@pytest.mark.parametrize("change", ["format", "radius", "truncated", "not an index"])
async def test_a_file_of_another_version_or_radius_or_cut_short_is_rebuilt(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    await loaded(store, tmp_path)
    path = tmp_path / INDEX_FILE
    data = path.read_bytes()
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    header = json.loads(data[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
    if change == "format":
        header["format"] += 1
    if change == "radius":
        header["radii"]["pdq"] += 1
    if change in ("format", "radius"):
        head = json.dumps(header).encode().ljust(size)
        data = data[: len(MAGIC) + 8] + head + data[len(MAGIC) + 8 + size :]
    data = data[: len(data) // 2] if change == "truncated" else data
    data = b"PK" + data[2:] if change == "not an index" else data
    path.write_bytes(data)
    builds = count_builds(monkeypatch)
    assert all(hits_of(await loaded(store, tmp_path)))
    assert len(builds) == 1


async def test_a_withdrawn_item_is_not_matched_after_a_load_and_costs_no_rebuild(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await loaded(store, tmp_path)
    await store.withdraw_item("item-1", datetime(2026, 12, 1, tzinfo=UTC))
    builds = count_builds(monkeypatch)
    matcher = await loaded(store, tmp_path)
    assert matcher.match(PROBES[0]) == ()
    assert matcher.match(PROBES[1]), "other items still match"
    assert builds == []


async def test_a_live_withdrawal_stops_matching_at_once(store: SqliteStore, tmp_path: Path) -> None:
    matcher = await loaded(store, tmp_path)
    assert {hit.item_id for hit in matcher.match(PROBES[1])} == {"item-2"}
    matcher.withdraw(["item-2"])
    assert matcher.match(PROBES[1]) == () and matcher.match(PROBES[2]) == ()


async def test_entries_added_to_a_loaded_matcher_match_at_once(store: SqliteStore, tmp_path: Path) -> None:
    matcher = await loaded(store, tmp_path)
    matcher.add([BlocklistEntry("pdq", "33" * 32, "case-7"), BlocklistEntry("md5", "77" * 16, "case-7")])
    assert [hit.case for hit in matcher.match(Fingerprints(values={"pdq": "33" * 32}, pdq_quality=100))] == ["case-7"]
    assert [hit.case for hit in matcher.match(Fingerprints(values={"md5": "77" * 16}))] == ["case-7"]

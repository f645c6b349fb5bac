"""Retro-matching: a blocklist that grows finds what was seen before, and preserves what is still online."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.sighting import Fingerprints
from crawlers.source_configs import WebSourceConfig
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app, demo_media
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.matching.retro import RetroMatcher, RetroMatches, find_retro_matches, recapture_with, retro_match
from monitor.records import BlocklistEntry, PerceptualRow
from monitor.runner import crawl_sources
from monitor.signals.kept import perceptual_row, row_columns
from monitor.store import MongoStore, SqliteStore


@pytest.mark.slow
async def test_an_import_after_the_crawl_finds_the_copies_seen_before_and_preserves_them(
    hash_pool: HashPool, settings: Settings
) -> None:
    site = RunningSite(demo_app())
    url = await site.start(0)
    source = Source("forum", "web", Schedule(every=parse_duration("1h")),
                    WebSourceConfig(start_urls=[url + "/"], allowed_domains=["127.0.0.1"], max_depth=3,  # type: ignore[list-item]
                                    allow_private_addresses=True))  # fmt: skip
    async with open_context(settings, hash_pool=hash_pool) as context:
        await crawl_sources(context, [source])
        assert await context.store.hits() == []
        entries = read_blocklist(make_demo_blocklist(settings.data_dir, settings))
        await context.store.add_blocklist_entries(entries)
        report = await retro_match(
            await context.pipeline(), entries, context.workdir / "retro", recapture_with(settings)
        )
        hit_media = {h.media_url.rsplit("/", 1)[-1] for h in await context.store.hits()}
        packets = await context.store.packets()
        await site.stop()
        gone = BlocklistEntry("sha256", hashlib.sha256(demo_media()["photo-205.jpg"].body).hexdigest(), "case-late")
        await context.store.add_blocklist_entries([gone])
        offline = await retro_match(
            await context.pipeline(), [gone], context.workdir / "retro", recapture_with(settings)
        )
    # picture and mirror hashes are stored per media; a bordered copy needs the crawl-time trim variant
    assert hit_media == {"copy-exact.jpg", "copy-resized.jpg", "copy-resized-small.jpg", "copy-mirrored.jpg",
                         "copy-recompressed.jpg"}  # fmt: skip
    assert report.preserved == len(packets) == report.sightings_matched and report.not_preserved == 0
    assert (offline.media_matched, offline.hits_recorded, offline.preserved, offline.not_preserved) == (1, 1, 0, 1)


def test_retro_matching_compares_exact_and_perceptual_hashes_and_ignores_untrusted_pdq() -> None:
    entries = [
        BlocklistEntry("md5", "ab" * 16, "c1"),
        BlocklistEntry("pdq", "f" * 64, "c2"),
        BlocklistEntry("phash", "0" * 16, "c3"),
    ]
    rows = [
        PerceptualRow("1" * 64, {"md5": ("ab" * 16,)}),
        PerceptualRow("2" * 64, {"pdq": ("f" * 60 + "0000",)}, {"pdq": 90}),
        PerceptualRow("3" * 64, {"pdq": ("f" * 64,)}, {"pdq": 10}),  # PDQ too flat to trust
        PerceptualRow("4" * 64, {"phash": ("f" * 16, "0" * 15 + "3")}),  # its mirror matches
    ]
    found = RetroMatches()
    RetroMatcher(entries).scan(rows, found)
    assert {sha[:1]: [h.case for h in hits] for sha, hits in found.by_media.items()} == {
        "1": ["c1"], "2": ["c2"], "4": ["c3"]
    }  # fmt: skip
    assert found.scanned == 4


EARLIER_MEDIA = (
    "CREATE TABLE media (sha256 TEXT PRIMARY KEY, body TEXT NOT NULL, md5 TEXT, pdq TEXT, pdq_mirror TEXT, "
    "pdq_quality INTEGER, phash TEXT, phash_mirror TEXT)"
)
OLD_ROWS = [  # sha256, md5, pdq, pdq_mirror, pdq_quality, phash, phash_mirror
    ("1" * 64, "ab" * 16, None, None, None, None, None),
    ("2" * 64, None, "0" * 64, "f" * 60 + "0000", 90, None, None),  # the mirror matches, within 31 bits
    ("3" * 64, None, "f" * 64, None, 10, None, None),  # PDQ too flat to trust
    ("4" * 64, None, None, None, None, "f" * 16, "0" * 15 + "3"),
]
OLD_ENTRIES = [
    BlocklistEntry("md5", "ab" * 16, "c1"),
    BlocklistEntry("pdq", "f" * 64, "c2"),
    BlocklistEntry("phash", "0" * 16, "c3"),
]


async def test_media_kept_by_an_earlier_version_in_sqlite_are_retro_matched_without_a_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(EARLIER_MEDIA)
        db.executemany("INSERT INTO media VALUES (?, '{}', ?, ?, ?, ?, ?, ?)", OLD_ROWS)
    columns_before = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(media)")]
    store = SqliteStore(path)
    await store.open()
    found = await find_retro_matches(store, OLD_ENTRIES)
    await store.close()
    assert [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(media)")] == columns_before
    assert {sha[:1]: [(h.case, h.distance) for h in hits] for sha, hits in found.by_media.items()} == {
        "1": [("c1", 0)], "2": [("c2", 16)], "4": [("c3", 2)]
    }  # fmt: skip


async def test_media_kept_by_an_earlier_version_in_mongodb_are_retro_matched_as_they_are() -> None:
    from pymongo_async_mock import AsyncMongoMockClient

    store = MongoStore(AsyncMongoMockClient(tz_aware=True), "jikimi_test")
    await store.open()
    names = ("sha256", "md5", "pdq", "pdq_mirror", "pdq_quality", "phash", "phash_mirror")
    for row in OLD_ROWS:
        document = {"_id": row[0], "values": {"sha256": row[0]}, "row": dict(zip(names, row, strict=True))}
        await store.db["media"].insert_one(document)
    found = await find_retro_matches(store, OLD_ENTRIES)
    await store.close()
    assert sorted(sha[:1] for sha in found.by_media) == ["1", "2", "4"]


def test_a_stored_media_row_has_the_columns_earlier_versions_wrote() -> None:
    fingerprints = Fingerprints(
        {"sha256": "1" * 64, "md5": "ab" * 16, "pdq": "f" * 64, "phash": "0" * 16},
        {"pdq": ("1" * 64,) * 5, "phash": ("2" * 16,)},
        pdq_quality=77,
    )
    assert row_columns(perceptual_row(fingerprints)) == {
        "sha256": "1" * 64, "md5": "ab" * 16, "pdq": "f" * 64, "pdq_mirror": "1" * 64, "pdq_quality": 77,
        "phash": "0" * 16, "phash_mirror": "2" * 16,
    }  # fmt: skip


async def test_a_withdrawn_item_is_not_retro_matched_when_its_hashes_are_added_again() -> None:
    from datetime import UTC, datetime

    store = SqliteStore(":memory:")
    await store.open()
    try:
        await store.put_fingerprints(Fingerprints({"sha256": "1" * 64, "md5": "ab" * 16}))
        entry = BlocklistEntry("md5", "ab" * 16, "c1", item_id="item-1")
        await store.add_blocklist_entries([entry])
        assert set((await find_retro_matches(store, [entry])).by_media) == {"1" * 64}
        assert await store.withdraw_item("item-1", datetime(2026, 12, 1, tzinfo=UTC))
        assert (await find_retro_matches(store, [entry])).by_media == {}
    finally:
        await store.close()

"""Retro-matching: a blocklist that grows finds what was seen before, and preserves what is still online."""

from __future__ import annotations

import hashlib

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import WebSourceConfig
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app, demo_media
from monitor.matching.hash_lists import read_blocklist
from monitor.matching.retro import RetroMatcher, RetroMatches, retro_match
from monitor.records import BlocklistEntry, PerceptualRow
from monitor.runner import crawl_sources

pytestmark = pytest.mark.slow


async def test_an_import_after_the_crawl_finds_the_copies_seen_before_and_preserves_them(settings: Settings) -> None:
    site = RunningSite(demo_app())
    url = await site.start(0)
    source = Source("forum", "web", Schedule(every=parse_duration("1h")),
                    WebSourceConfig(start_urls=[url + "/"], allowed_domains=["127.0.0.1"], max_depth=3))  # type: ignore[list-item]  # fmt: skip
    async with open_context(settings) as context:
        await crawl_sources(context, [source])
        assert await context.store.hits() == []
        entries = read_blocklist(make_demo_blocklist(settings.data_dir, settings))
        await context.store.add_blocklist_entries(entries)
        report = await retro_match(await context.pipeline(), entries, context.workdir / "retro")
        hit_media = {h.media_url.rsplit("/", 1)[-1] for h in await context.store.hits()}
        packets = await context.store.packets()
        await site.stop()
        gone = BlocklistEntry("sha256", hashlib.sha256(demo_media()["photo-205.jpg"].body).hexdigest(), "case-late")
        await context.store.add_blocklist_entries([gone])
        offline = await retro_match(await context.pipeline(), [gone], context.workdir / "retro")
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
        PerceptualRow("1" * 64, "ab" * 16, None, None, None, None, None),
        PerceptualRow("2" * 64, None, "f" * 60 + "0000", None, 90, None, None),
        PerceptualRow("3" * 64, None, "f" * 64, None, 10, None, None),  # PDQ too flat to trust
        PerceptualRow("4" * 64, None, None, None, None, "f" * 16, "0" * 15 + "3"),  # its mirror matches
    ]
    found = RetroMatches()
    RetroMatcher(entries, {"pdq": 31, "phash": 10}, 50).scan(rows, found)
    assert {sha[:1]: [h.case for h in hits] for sha, hits in found.by_media.items()} == {
        "1": ["c1"], "2": ["c2"], "4": ["c3"]
    }  # fmt: skip
    assert found.scanned == 4

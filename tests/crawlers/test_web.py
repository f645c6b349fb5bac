"""The web crawler against the demo forum and hostile content on 127.0.0.1 (real HTTP, real Scrapy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.base import CrawlContext, SourceState
from crawlers.sighting import CrawlProblem, Sighting
from crawlers.source_configs import WebSourceConfig
from crawlers.temp_files import SealedFiles
from crawlers.web import WebCrawler

pytestmark = pytest.mark.slow


def web_source(url: str, **fields: Any) -> Source:
    config = WebSourceConfig.model_validate(
        {"start_urls": [url], "allowed_domains": ["127.0.0.1"], "allow_private_addresses": True, **fields}
    )
    return Source("site", "web", Schedule(every=parse_duration("1h")), config)


FILES = SealedFiles.new()  # the test's run key: the crawl's files are sealed with it


async def crawl(settings: Settings, source: Source, workdir: Path) -> tuple[list[Sighting], list[CrawlProblem]]:
    sightings, problems = [], []
    context = CrawlContext(workdir, SourceState(source.id), files=FILES)
    async for record in WebCrawler.from_settings(settings).crawl(source, context):
        (sightings if isinstance(record, Sighting) else problems).append(record)
    return sightings, problems


async def test_every_picture_on_every_page_becomes_a_sighting_with_its_page_capture(
    settings: Settings, test_site: str, tmp_path: Path
) -> None:
    sightings, problems = await crawl(settings, web_source(test_site + "/", max_depth=2), tmp_path / "work")
    assert problems == []
    by_media = {(s.location, s.media.url.rsplit("/", 1)[-1]) for s in sightings}
    assert (test_site + "/thread/1", "copy-exact.jpg") in by_media
    assert (test_site + "/thread/1", "copy-resized-small.jpg") in by_media  # from srcset
    assert (test_site + "/thread/2", "copy-bordered.png") in by_media  # a link to a media file
    assert (test_site + "/", "photo-200.jpg") in by_media  # og:image
    assert not any("hostile" in location for location, _ in by_media)  # not linked from the forum
    sample = next(s for s in sightings if s.media.url.endswith("copy-exact.jpg"))
    assert sample.capture is not None and sample.capture.http_status == 200
    assert sample.capture.raw_path is not None and b"copy-exact.jpg" in FILES.read(sample.capture.raw_path)
    assert ("Content-Type", "text/html; charset=utf-8") in sample.capture.http_headers
    assert sample.seen_at.tzinfo is not None
    assert sample.media.path is not None and len(FILES.read(sample.media.path)) == sample.media.size
    assert FILES.read(sample.media.path) not in sample.media.path.read_bytes()  # sealed on disk
    assert sample.distributor.page_title == "Thread 1: weekend pictures"


async def test_a_picture_shown_on_two_pages_is_downloaded_once_and_sighted_twice(
    settings: Settings, test_site: str, tmp_path: Path
) -> None:
    sightings, _ = await crawl(settings, web_source(test_site + "/", max_depth=2), tmp_path / "work")
    photo_200 = [s for s in sightings if s.media.url.endswith("/photo-200.jpg")]
    assert {s.location for s in photo_200} == {test_site + "/", test_site + "/thread/1"}
    assert len({s.media.path for s in photo_200}) == 1


async def test_the_depth_limit_stops_following_links(settings: Settings, test_site: str, tmp_path: Path) -> None:
    sightings, _ = await crawl(settings, web_source(test_site + "/", max_depth=0), tmp_path / "work")
    assert {s.location for s in sightings} == {test_site + "/"}


async def test_deny_patterns_keep_the_crawler_off_matching_pages(
    settings: Settings, test_site: str, tmp_path: Path
) -> None:
    source = web_source(test_site + "/", max_depth=3, deny=[r"/thread/2"])
    sightings, _ = await crawl(settings, source, tmp_path / "work")
    locations = {s.location for s in sightings}
    assert test_site + "/thread/1" in locations and test_site + "/thread/2" not in locations


async def test_failing_and_hanging_media_are_recorded_problems_and_the_crawl_finishes(
    settings: Settings, test_site: str, tmp_path: Path
) -> None:
    fast = settings.model_copy(update={"crawl_download_timeout": 3.0})
    sightings, problems = await crawl(fast, web_source(test_site + "/thread/hostile", max_depth=1), tmp_path / "w")
    reasons = {p.media_url.rsplit("/", 1)[-1]: p.reason for p in problems if p.media_url}
    assert "HTTP 500" in reasons["error.jpg"]
    assert "timed out" in reasons["hang.jpg"]
    media = {s.media.url.rsplit("/", 1)[-1] for s in sightings}
    assert {"truncated.jpg", "bomb.png", "photo-211.jpg", "empty.jpg", "not-a-picture.jpg"} <= media
    assert "photo-210.jpg" in media  # found on the page of 10,000 broken tags


async def test_a_dead_site_yields_a_page_problem_not_an_exception(settings: Settings, tmp_path: Path) -> None:
    sightings, problems = await crawl(settings, web_source("http://127.0.0.1:9/"), tmp_path / "work")
    assert sightings == []
    assert len(problems) == 1 and problems[0].reason.startswith("page fetch failed")

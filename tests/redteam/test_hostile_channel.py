"""Red team: a hostile channel operator against the t.me/s crawler (issue 12).

The channel's preview pages are served by ``tests/doubles/hostile_site.py`` on 127.0.0.1: one that ignores
``?before=`` (the same page for ever), and one whose pages each carry a post claiming another channel, a
post time without a time zone, and a post without a usable id.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.base import CrawlContext, SourceState
from crawlers.codec import to_jsonable
from crawlers.sighting import Checkpoint, CrawlProblem, CrawlRecord, Sighting
from crawlers.source_configs import TelegramWebSourceConfig
from crawlers.telegram_web import TelegramWebCrawler
from crawlers.tme_markup import parse_tme_page, post_time
from monitor.demo.site import RunningSite
from tests.doubles.hostile_site import FORGED_CHANNEL, OTHER_CHANNEL, hostile_app

FIXTURE = (Path(__file__).parents[1] / "crawlers" / "fixtures" / "tme_s_page.html").read_text()


@pytest.fixture
async def site() -> AsyncIterator[str]:
    running = RunningSite(hostile_app())
    yield await running.start(0)
    await running.stop()


async def crawl(settings: Settings, base_url: str, channel: str, workdir: Path, **fields: Any) -> list[CrawlRecord]:
    config = TelegramWebSourceConfig(channel=channel, base_url=base_url, allow_private_addresses=True, **fields)
    source = Source(f"tme-{channel}", "telegram_web", Schedule(every=parse_duration("30m")), config)
    crawler = TelegramWebCrawler.from_settings(settings)
    return [record async for record in crawler.crawl(source, CrawlContext(workdir, SourceState(source.id)))]


@pytest.mark.slow
async def test_a_preview_that_ignores_before_stops_with_a_recorded_problem_and_keeps_the_watermark(
    settings: Settings, site: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    records = await crawl(settings, site, "stuck_channel", tmp_path / "work")
    assert time.monotonic() - started < 60
    problems = [r for r in records if isinstance(r, CrawlProblem)]
    assert [p.reason.split(":")[0] for p in problems] == ["paging does not move back"]
    assert "?before=" in problems[0].reason
    assert not any(isinstance(r, Checkpoint) for r in records)  # posts behind the stuck page are unread
    assert any(isinstance(r, Sighting) for r in records)  # what the page showed is kept


@pytest.mark.slow
async def test_bad_posts_cost_only_themselves_and_every_post_is_recorded_under_the_crawled_channel(
    settings: Settings, site: str, tmp_path: Path
) -> None:
    records = await crawl(settings, site, FORGED_CHANNEL, tmp_path / "work")
    sightings = [r for r in records if isinstance(r, Sighting)]
    reasons = [r.reason for r in records if isinstance(r, CrawlProblem)]
    assert len({s.distributor.message_id for s in sightings}) > 30  # the pages were read, not dropped
    assert all(s.location.startswith(f"{site}/{FORGED_CHANNEL}/") for s in sightings)
    assert {s.distributor.channel_username for s in sightings} == {FORGED_CHANNEL}
    assert any(f"claims to be from channel '{OTHER_CHANNEL}'" in reason for reason in reasons)
    assert any("has no time zone" in reason for reason in reasons)
    assert any("without a usable data-post" in reason for reason in reasons)
    assert all(s.distributor.posted_at is None or s.distributor.posted_at.tzinfo is UTC for s in sightings)
    assert any(isinstance(r, Checkpoint) for r in records)  # bad posts do not stop the watermark


def test_one_unreadable_post_leaves_the_others_on_the_page() -> None:
    broken = FIXTURE.replace('data-post="synthetic_channel/121"', 'data-post="synthetic_channel/"', 1)
    page = parse_tme_page(broken, "https://t.me", "synthetic_channel")
    assert [post.message_id for post in page.posts] == [120, 124]
    assert len(page.problems) == 1 and "data-post" in page.problems[0].reason


@pytest.mark.parametrize(
    ("stamp", "problem"),
    [("2026-10-30T21:04:05", "has no time zone"), ("yesterday", "is not an ISO 8601 time"), ("", None)],
)
def test_post_times_are_aware_utc_or_a_recorded_reason(stamp: str, problem: str | None) -> None:
    when, reason = post_time(stamp)
    assert when is None and (reason is None if problem is None else problem in reason)
    local, no_reason = post_time("2026-10-31T06:04:05+09:00")
    assert no_reason is None and local is not None and local.tzinfo is UTC and local.hour == 21


def test_a_post_naming_another_channel_is_kept_under_the_crawled_one_with_the_claim_recorded() -> None:
    forged = FIXTURE.replace('data-post="synthetic_channel/124"', 'data-post="victims_channel/124"', 1)
    page = parse_tme_page(forged, "https://t.me", "synthetic_channel")
    assert [post.channel for post in page.posts] == ["synthetic_channel"] * 3
    assert [problem.message_id for problem in page.problems] == [124]
    assert "victims_channel" in page.problems[0].reason


def test_a_garbled_view_count_or_album_link_costs_only_that_attribute() -> None:
    garbled = FIXTURE.replace(">1.2K<", ">1.2.3K<", 1).replace(
        "/synthetic_channel/122?single", "/synthetic_channel/1²2"
    )
    page = parse_tme_page(garbled, "https://t.me", "synthetic_channel")
    assert [post.message_id for post in page.posts] == [120, 121, 124] and page.problems == ()
    assert page.posts[0].views is None


@pytest.mark.slow
async def test_credentials_in_a_preview_base_url_are_not_recorded(
    settings: Settings, site: str, tmp_path: Path
) -> None:
    records = await crawl(settings, site.replace("http://", "http://watcher:hunter2@"), "demo_channel", tmp_path / "w")
    assert any(isinstance(r, Sighting) for r in records)
    assert "hunter2" not in repr(to_jsonable(records))


@pytest.mark.slow
async def test_a_run_reads_at_most_max_pages_pages_and_says_so(settings: Settings, site: str, tmp_path: Path) -> None:
    records = await crawl(settings, site, "demo_channel", tmp_path / "work", max_pages=2)
    reasons = [r.reason for r in records if isinstance(r, CrawlProblem)]
    assert len(reasons) == 1 and reasons[0].startswith("page budget reached: max_pages=2")
    assert not any(isinstance(r, Checkpoint) for r in records)

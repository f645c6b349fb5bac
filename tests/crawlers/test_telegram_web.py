"""The t.me/s crawler against the synthetic channel preview on 127.0.0.1 (real HTTP, real Scrapy, real pipeline)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import TelegramWebSourceConfig
from crawlers.telegram_web import TelegramWebCrawler
from monitor.context import MonitorContext, open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite
from monitor.demo.tme_site import TME_CHANNELS, DemoChannel, demo_channel
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.records import RunRecord
from monitor.runner import SourceRun
from tests.doubles.hostile_site import hostile_app

pytestmark = pytest.mark.slow


@pytest.fixture
async def site() -> AsyncIterator[tuple[str, DemoChannel]]:
    app = hostile_app()
    channel = app[TME_CHANNELS]["demo_channel"]
    running = RunningSite(app)
    yield await running.start(0), channel
    await running.stop()


@pytest.fixture
async def context(hash_pool: HashPool, settings: Settings) -> AsyncIterator[MonitorContext]:
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(settings.data_dir, settings)))
        yield context


def channel_source(base_url: str, channel: str = "demo_channel", **fields: object) -> Source:
    config = TelegramWebSourceConfig(channel=channel, base_url=base_url, allow_private_addresses=True, **fields)  # type: ignore[arg-type]
    return Source(f"tme-{channel}", "telegram_web", Schedule(every=parse_duration("30m")), config)


async def crawl(context: MonitorContext, source: Source) -> RunRecord:
    crawler = TelegramWebCrawler.from_settings(context.settings)
    return await SourceRun(await context.pipeline(), source, crawler, 4).execute(context.workdir)


def media_items(channel: DemoChannel) -> dict[int, str]:
    items = {item_id: name for post in channel.posts for item_id, name in post.media}
    items |= {post.message_id: post.video for post in channel.posts if post.video}
    return items


async def test_every_page_back_to_the_first_post_is_read_and_each_item_sighted(
    context: MonitorContext, site: tuple[str, DemoChannel]
) -> None:
    base_url, channel = site
    run = await crawl(context, channel_source(base_url))
    sightings = {s.distributor.message_id: s for s in await context.store.sightings()}
    assert run.status == "ok", run.error
    assert set(sightings) == set(media_items(channel))
    album = sorted(i for i, s in sightings.items() if s.distributor.grouped_id == 12)
    assert album == [12, 13, 14]
    first = sightings[1]
    assert first.location == f"{base_url}/demo_channel/1" and first.distributor.channel_username == "demo_channel"
    assert first.distributor.channel_title == "Synthetic demo channel"
    assert first.distributor.posted_at is not None and first.distributor.views == 37
    forwarded = next(s for s in sightings.values() if s.distributor.forwarded_from)
    assert forwarded.distributor.forwarded_from.name == "Reposting Channel"  # type: ignore[union-attr]
    assert (await context.store.get_source_state("tme-demo_channel")).watermark == channel.last_id
    hit_media = {h.media_url.rsplit("/", 1)[-1] for h in await context.store.hits()}
    assert hit_media == {"victim-102-resized.jpg", "victim-103-mirrored.jpg", "victim-101-q40.jpg"}


async def test_a_later_run_reads_only_new_posts(context: MonitorContext, site: tuple[str, DemoChannel]) -> None:
    base_url, channel = site
    source = channel_source(base_url)
    await crawl(context, source)
    before = len(await context.store.sightings())
    channel.add_photo_post("fresh", "photo-990.jpg")
    channel.add_photo_post("fresher", "victim-104-resized.jpg")
    second = await crawl(context, source)
    assert second.counters["sightings"] == 2 and second.counters["new_sightings"] == 2
    assert len(await context.store.sightings()) == before + 2
    assert (await context.store.get_source_state(source.id)).watermark == channel.last_id


async def test_a_first_run_reads_back_only_the_backfill(context: MonitorContext, site: tuple[str, DemoChannel]) -> None:
    base_url, channel = site
    run = await crawl(context, channel_source(base_url, backfill_messages=10))
    ids = [s.distributor.message_id or 0 for s in await context.store.sightings()]
    assert run.status == "ok" and min(ids) > channel.last_id - 30  # one or two pages, not five


async def test_a_page_whose_markup_changed_stops_the_source_with_a_clear_status(
    context: MonitorContext, site: tuple[str, DemoChannel]
) -> None:
    run = await crawl(context, channel_source(site[0], "changed_markup"))
    assert run.status == "markup-unrecognised"
    assert run.error is not None and "unrecognised t.me/s markup" in run.error
    assert (await context.store.get_source_state("tme-changed_markup")).watermark is None


async def test_a_channel_without_public_preview_is_not_found(
    context: MonitorContext, site: tuple[str, DemoChannel]
) -> None:
    run = await crawl(context, channel_source(site[0], "no_such_channel"))
    assert run.status == "not-found" and "no public preview" in (run.error or "")


def test_a_numeric_channel_id_is_refused_for_the_preview() -> None:
    with pytest.raises(ValueError, match="public @username"):
        TelegramWebSourceConfig(channel="-1001234567890")


def test_the_demo_channel_has_what_the_tests_rely_on() -> None:
    channel = demo_channel()
    assert channel.last_id == 54 and sum(len(p.media) > 1 for p in channel.posts) == 2

"""A crawl's temporary media go as soon as they are matched and matched nothing, so its disk stays bounded.

``monitor/temp_media.py`` removes each file once every sighting of it is done; ``crawlers/scrapy_media_budget.py``
holds a Scrapy crawl back while its media folder is full. A crawler double yields one sighting at a time and
waits to see its file go (removed, or moved to ``kept/``); a real web crawl of a generated gallery far larger
than the budget is watched by polling its media folder.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.base import CrawlContext
from crawlers.politeness import scrapy_settings_for
from crawlers.scrapy_media_budget import MAX_FILES_SETTING, media_on_disk
from crawlers.sighting import CrawlRecord, Media, Sighting, utc_now
from crawlers.source_configs import WebSourceConfig
from crawlers.web import WebCrawler
from evidence.encryption import decrypt_bytes
from monitor.context import MonitorContext, open_context
from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import RunningSite
from monitor.fingerprint.pool import HashPool
from monitor.records import BlocklistEntry
from monitor.runner import SourceRun
from tests.doubles.gallery_site import Gallery

PATIENCE = 30.0  # seconds a double waits for a file to go before it says it stayed (never reached when it works)


class NoFields(BaseModel):
    pass


def picture(seed: int) -> bytes:
    return encode(make_picture(seed, (160, 120)), quality=85)


class OneAtATime:
    """Yields a sighting per post ``(file name, bytes)``, then waits until its file has left the media folder.

    A name given again is the same file, not written again: a crawler that downloads a media once and hands
    every later sighting of it the same path (the web spider, Telegram by file id). ``gone[i]`` says whether
    post ``i``'s file left ``media/`` before the next post; ``kept[i]`` whether it was then in ``media/kept/``.
    """

    kind: ClassVar[str] = "listed"
    config_model: ClassVar[type[BaseModel]] = NoFields

    def __init__(self, posts: Sequence[tuple[str, bytes]]) -> None:
        self.posts = posts
        self.gone: list[bool] = []
        self.kept: list[bool] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> OneAtATime:
        return cls([])

    async def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        media = context.workdir / "media"
        media.mkdir()
        written: set[str] = set()
        for number, (name, body) in enumerate(self.posts):
            path = media / name
            if name not in written:
                context.files.write(path, body)
                written.add(name)
            link = f"https://t.me/demo/{number}"
            yield Sighting(source.id, "listed", link, utc_now(), Media(link + "?single", path))
            self.gone.append(await _gone(path))
            self.kept.append((media / "kept" / name).exists())


async def _gone(path: Path) -> bool:
    for _ in range(int(PATIENCE / 0.02)):
        if not path.exists():
            return True
        await asyncio.sleep(0.02)
    return False


SOURCE = Source("chan", "listed", Schedule(every=parse_duration("1h")), NoFields())


async def crawl(context: MonitorContext, crawler: Any, source: Source = SOURCE) -> Any:
    return await SourceRun(await context.pipeline(), source, crawler, 4).execute(context.workdir)


async def test_each_file_goes_once_its_sighting_is_stored_and_matched_nothing(
    hash_pool: HashPool, settings: Settings
) -> None:
    crawler = OneAtATime([(f"{seed}.jpg", picture(seed)) for seed in range(3)])
    async with open_context(settings, hash_pool=hash_pool) as context:
        run = await crawl(context, crawler)
        stored = await context.store.sightings()
    assert crawler.gone == [True, True, True] and crawler.kept == [False, False, False]
    assert run.counters["new_sightings"] == 3 and len(stored) == 3 and run.problems == ()


async def test_a_later_sighting_of_a_file_already_removed_is_stored_from_its_fingerprints(
    hash_pool: HashPool, settings: Settings
) -> None:
    crawler = OneAtATime([("logo.jpg", picture(7)), ("other.jpg", picture(8)), ("logo.jpg", picture(7))])
    async with open_context(settings, hash_pool=hash_pool) as context:
        run = await crawl(context, crawler)
        stored = {s.location: s.fingerprints.sha256 for s in await context.store.sightings() if s.fingerprints}
    logo = hashlib.sha256(picture(7)).hexdigest()
    assert crawler.gone == [True, True, True]
    assert run.problems == () and run.counters["new_sightings"] == 3
    assert run.counters["new_media"] == 2  # the logo was hashed once; its second sighting reused what was stored
    assert stored["https://t.me/demo/0"] == stored["https://t.me/demo/2"] == logo


async def test_a_sighting_skipped_as_already_stored_frees_its_file_too(hash_pool: HashPool, settings: Settings) -> None:
    posts = [(f"{seed}.jpg", picture(seed)) for seed in range(3)]
    async with open_context(settings, hash_pool=hash_pool) as context:
        await crawl(context, OneAtATime(posts))
        again = OneAtATime(posts)
        run = await crawl(context, again)
    assert run.counters["sightings"] == 3 and run.counters["new_sightings"] == 0
    assert again.gone == [True, True, True]


async def test_undecodable_media_is_recorded_and_its_file_removed(hash_pool: HashPool, settings: Settings) -> None:
    crawler = OneAtATime([("broken.jpg", b"\xff\xd8\xff not a picture at all"), ("fine.jpg", picture(3))])
    async with open_context(settings, hash_pool=hash_pool) as context:
        run = await crawl(context, crawler)
    assert crawler.gone == [True, True]
    assert [(p.kind, p.location) for p in run.problems] == [("media", "https://t.me/demo/0")]


async def test_matched_media_is_kept_for_a_later_sighting_and_each_packet_holds_its_bytes(
    hash_pool: HashPool, settings: Settings
) -> None:
    victim = picture(101)
    crawler = OneAtATime([("victim.jpg", victim), ("other.jpg", picture(9)), ("victim.jpg", victim)])
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries([BlocklistEntry("sha256", hashlib.sha256(victim).hexdigest(), "c1")])
        run = await crawl(context, crawler)
        packets = await context.store.packets()
        preserved = [
            decrypt_bytes(next((settings.data_dir / packet.path).glob("media/*")), context.key) for packet in packets
        ]
        leftovers = list(context.workdir.iterdir())
    assert crawler.gone == [True, True, True] and crawler.kept == [True, False, True]
    assert run.problems == () and run.counters["packets"] == 2 and run.counters["hits"] == 2
    assert preserved == [victim, victim]
    assert leftovers == []  # kept media go with the work folder when the run ends


@pytest.mark.slow
async def test_a_web_crawl_keeps_at_most_its_budget_of_media_on_disk_however_many_pictures_the_site_has(
    hash_pool: HashPool, settings: Settings
) -> None:
    budget, victim = 8, picture(102)
    gallery = Gallery(pages=6, per_page=20, picture_size=(160, 120), shared=True, shared_body=victim)
    site = RunningSite(gallery.app())
    url = await site.start(0)
    config = WebSourceConfig.model_validate(
        {"start_urls": [url + "/page/0"], "allowed_domains": ["127.0.0.1"], "allow_private_addresses": True}
    )
    source = Source("gallery", "web", Schedule(every=parse_duration("1h")), config)
    scrapy_settings = scrapy_settings_for(settings)
    crawler = WebCrawler({**scrapy_settings, MAX_FILES_SETTING: budget}, settings.crawl_max_media_bytes, 120.0)
    peak = 0
    try:
        async with open_context(settings, hash_pool=hash_pool) as context:
            await context.store.add_blocklist_entries(
                [BlocklistEntry("sha256", hashlib.sha256(victim).hexdigest(), "c")]
            )
            watching = True

            async def watch() -> None:
                nonlocal peak
                while watching:
                    for folder in context.workdir.glob("*/media"):
                        peak = max(peak, media_on_disk(folder))
                    await asyncio.sleep(0.005)

            watcher = asyncio.create_task(watch())
            run = await crawl(context, crawler, source)
            watching = False
            await watcher
            packets = await context.store.packets()
    finally:
        await site.stop()
    assert run.problems == () and run.counters["new_sightings"] == gallery.pictures + gallery.pages
    assert run.counters["new_media"] == gallery.pictures + 1
    assert run.counters["packets"] == gallery.pages  # the logo, matched on every page: each page its packet
    assert 0 < peak <= budget < gallery.pictures
    assert len(packets) == gallery.pages

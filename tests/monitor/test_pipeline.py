"""End to end: the demo forum and hostile pages on 127.0.0.1, real Scrapy, real hashing, real SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import WebSourceConfig
from monitor.context import MonitorContext, open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import demo_media
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.runner import crawl_sources

pytestmark = pytest.mark.slow

COPIES = {name for name in demo_media() if name.startswith("copy-")}


def web_source(source_id: str, url: str, max_depth: int = 3) -> Source:
    config = WebSourceConfig(
        start_urls=[url], allowed_domains=["127.0.0.1"], max_depth=max_depth, allow_private_addresses=True
    )  # type: ignore[list-item]
    return Source(source_id, "web", Schedule(every=parse_duration("30m")), config)


async def prepared(context: MonitorContext, settings: Settings) -> None:
    blocklist = make_demo_blocklist(settings.data_dir, settings)
    await context.store.add_blocklist_entries(read_blocklist(blocklist))


async def test_edited_copies_are_hit_unrelated_pictures_are_not_and_each_hit_is_preserved(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        await prepared(context, settings)
        (run,) = await crawl_sources(context, [web_source("forum", test_site + "/")])
        hits = await context.store.hits()
        packets = await context.store.packets()
        entries = {entry.id: entry for entry in await context.store.blocklist_entries()}
    assert run.status == "ok" and run.problems == ()
    hit_media = {hit.media_url.rsplit("/", 1)[-1] for hit in hits}
    assert hit_media == COPIES
    for hit in hits:  # each hit names the victim picture (item) and the blocklist's own hash it matched
        assert (hit.item_id, hit.entry_value) == (entries[hit.entry_id].item_id, entries[hit.entry_id].value)
    assert len({hit.item_id for hit in hits}) < len(hits)  # several hashes of one picture: one item
    assert len(packets) == len({hit.sighting_id for hit in hits}) == len(COPIES)
    assert all(hit.packet_id in {p.id for p in packets} for hit in hits)
    assert run.counters["hits"] == len(hits) and run.counters["packets"] == len(packets)


async def test_a_second_run_of_the_same_crawl_adds_nothing(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    source = web_source("forum", test_site + "/")
    async with open_context(settings, hash_pool=hash_pool) as context:
        await prepared(context, settings)
        (first,) = await crawl_sources(context, [source])
        counts = await context.store.counts()
        (second,) = await crawl_sources(context, [source])
        assert (await context.store.counts()) | {"runs": 0} == counts | {"runs": 0}
    assert first.counters["new_sightings"] > 0
    assert second.counters["sightings"] == first.counters["sightings"]
    assert second.counters["new_sightings"] == second.counters["hits"] == second.counters["packets"] == 0


async def test_hostile_media_is_recorded_per_item_and_the_crawl_finishes(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    fast = settings.model_copy(update={"crawl_download_timeout": 3.0})
    async with open_context(fast, hash_pool=hash_pool) as context:
        await prepared(context, fast)
        (run,) = await crawl_sources(context, [web_source("hostile", test_site + "/thread/hostile", 1)])
        sightings = {s.media.url.rsplit("/", 1)[-1]: s for s in await context.store.sightings()}
    assert run.status == "ok"
    reasons = {str(p.media_url).rsplit("/", 1)[-1]: p.reason for p in run.problems}
    assert "truncated or corrupt" in reasons["truncated.jpg"]
    assert "decompression bomb" in reasons["bomb.png"]
    assert "empty file" in reasons["empty.jpg"]
    assert "neither a picture nor a video" in reasons["not-a-picture.jpg"]
    assert "HTTP 500" in reasons["error.jpg"]
    assert "timed out" in reasons["hang.jpg"]
    assert run.counters["errors"] == 6
    assert sightings["truncated.jpg"].error and sightings["truncated.jpg"].fingerprints.values["sha256"]  # type: ignore[union-attr]
    assert sightings["photo-211.jpg"].error is None and "photo-210.jpg" in sightings


async def test_a_dead_site_is_marked_unreachable_and_the_next_source_is_still_crawled(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        dead, alive = await crawl_sources(
            context, [web_source("dead", "http://127.0.0.1:9/"), web_source("alive", test_site + "/", 0)]
        )
    assert dead.status == "unreachable" and dead.error is not None and "page fetch failed" in dead.error
    assert alive.status == "ok" and alive.counters["sightings"] > 0


async def test_no_plaintext_media_is_left_in_the_data_directory(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        await prepared(context, settings)
        await crawl_sources(context, [web_source("forum", test_site + "/")])
    samples = [item.body[1000:1256] for item in demo_media().values()]
    for path in Path(settings.data_dir).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(sample in content for sample in samples), f"plaintext media in {path}"
    assert not any(Path(settings.data_dir, "tmp").rglob("*.*"))


def test_work_directories_left_by_a_killed_crawl_are_swept_but_fresh_ones_kept(tmp_path: Path) -> None:
    import os

    from monitor.runner import sweep_stale_workdirs

    stale, fresh = tmp_path / "run-old", tmp_path / "run-new"
    for folder in (stale, fresh):
        (folder / "media").mkdir(parents=True)
        (folder / "media" / "x").write_bytes(b"left behind")
    os.utime(stale, (0, 0))
    sweep_stale_workdirs(tmp_path, unlocked_older_than=3600)
    assert not stale.exists() and fresh.exists()


async def test_a_web_packet_keeps_the_http_exchange_as_a_warc_with_the_exact_page(
    hash_pool: HashPool, settings: Settings, test_site: str
) -> None:
    import io

    from warcio.archiveiterator import ArchiveIterator

    from evidence.encryption import decrypt_bytes

    async with open_context(settings, hash_pool=hash_pool) as context:
        await prepared(context, settings)
        await crawl_sources(context, [web_source("forum", test_site + "/", 1)])
        packet = (await context.store.packets())[0]
        folder = settings.data_dir / packet.path
        warc = decrypt_bytes(folder / "page.warc.gz.enc", context.key)
        page = decrypt_bytes(folder / "page.html.txt.enc", context.key)
    records = {}
    for record in ArchiveIterator(io.BytesIO(warc)):  # a stream: read each body before the next record
        records[record.rec_type] = (record, record.content_stream().read())
    response, body = records["response"]
    assert response.rec_headers.get_header("WARC-Target-URI").startswith(test_site + "/thread/")
    assert response.http_headers.get_statuscode() == "200" and body == page
    request = records["request"][0].http_headers
    assert request.protocol == "GET" and request.statusline.startswith("/thread/")
    assert request.get_header("User-Agent").startswith("jikimi/")

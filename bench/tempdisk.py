"""Peak temporary disk of a web crawl: a generated gallery of N and 10·N pictures (issue 15, item 5).

The gallery (``tests/doubles/gallery_site.py``) is served on 127.0.0.1: pages of 20 distinct pictures, and a
logo shown on every page. Each crawl runs through ``SourceRun`` into a fresh store, as ``jikimi crawl`` does.
While it runs, the work folder is polled (every 50 ms; a peak between two looks can be missed): the peak
of its bytes (media, pages, WARCs), of its media bytes, and of its media files still to be processed
(``media/``, not ``media/kept/``).

Baseline, in the same rounds: the crawl as before this change, which kept every fetched picture until the
run ended — the run's ``TempMedia`` replaced by one that removes nothing, and the Scrapy worker's media
budget lifted (``JIKIMI_MAX_MEDIA_FILES`` far above the site's size). Seconds are wall time of the whole
crawl (best and median of ``REPEATS`` rounds), so the cost of waiting for the budget shows.

``BENCH_TEMPDISK_PICTURES`` sets N (default 100).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import REPEATS, Samples, conditions, ratio, write_result
from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.politeness import scrapy_settings_for
from crawlers.scrapy_media_budget import DEFAULT_MAX_FILES, MAX_FILES_SETTING, media_on_disk
from crawlers.sighting import Sighting
from crawlers.source_configs import WebSourceConfig
from crawlers.web import WebCrawler
from monitor.context import open_context
from monitor.demo.site import RunningSite
from monitor.fingerprint.pool import HashPool
from monitor.runner import SourceRun
from tests.doubles.gallery_site import Gallery

PICTURES = int(os.environ.get("BENCH_TEMPDISK_PICTURES", "100"))
PER_PAGE = 20
PICTURE_SIZE = (640, 480)
WAYS = ("baseline", "jikimi")


class KeepsEverything:
    """The baseline's ``TempMedia``: every file stays until the run's work folder is removed."""

    def take(self, sighting: Sighting) -> Sighting:
        return sighting

    def settled(self, sighting: Sighting) -> None:
        pass

    def release(self, sighting: Sighting) -> None:
        pass


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Bytes of every file under ``folder``, and of those under its ``media/``."""
    total = media = 0
    for path in folder.rglob("*"):
        try:
            size = path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:
            continue
        total += size
        media += size if "media" in path.relative_to(folder).parts else 0
    return total, media


async def crawl_once(way: str, gallery: Gallery, url: str, data_dir: Path, pool: HashPool) -> dict[str, float]:
    settings = Settings(
        data_dir=data_dir, crawl_autothrottle=False, crawl_retry_times=0, hash_workers=pool.workers,
        evidence_screenshots=False, _env_file=None,  # type: ignore[call-arg]
    )  # fmt: skip
    config = WebSourceConfig.model_validate(
        {"start_urls": [url + "/page/0"], "allowed_domains": ["127.0.0.1"], "allow_private_addresses": True}
    )
    source = Source("gallery", "web", Schedule(every=parse_duration("1h")), config)
    budget = DEFAULT_MAX_FILES if way == "jikimi" else 10 * gallery.pictures
    crawler = WebCrawler(
        {**scrapy_settings_for(settings), MAX_FILES_SETTING: budget}, settings.crawl_max_media_bytes, 3600.0
    )
    peak = {"total_bytes": 0, "media_bytes": 0, "media_files": 0}
    async with open_context(settings, hash_pool=pool) as context:
        run = SourceRun(await context.pipeline(), source, crawler, 2 * pool.workers)
        if way == "baseline":
            run.temp_media = KeepsEverything()  # type: ignore[assignment]
        watching = True

        async def watch() -> None:
            while watching:
                for folder in context.workdir.glob("*"):
                    total, media = await asyncio.to_thread(folder_bytes, folder)
                    peak["total_bytes"] = max(peak["total_bytes"], total)
                    peak["media_bytes"] = max(peak["media_bytes"], media)
                    peak["media_files"] = max(peak["media_files"], media_on_disk(folder / "media"))
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        start = time.perf_counter()
        record = await run.execute(context.workdir)
        seconds = time.perf_counter() - start
        watching = False
        await watcher
    expected = gallery.pictures + gallery.pages
    if record.counters["new_sightings"] != expected or record.problems:
        raise RuntimeError(f"{way}: {record.counters} {record.problems[:3]}: the crawl missed pictures")
    return {"seconds": seconds, **peak}


async def measure(pictures: int, pool: HashPool) -> dict[str, Any]:
    gallery = Gallery(pages=pictures // PER_PAGE, per_page=PER_PAGE, picture_size=PICTURE_SIZE, shared=True)
    site = RunningSite(gallery.app())
    url = await site.start(0)
    taken: dict[str, dict[str, list[float]]] = {way: {} for way in WAYS}
    try:
        for _ in range(REPEATS):
            for way in WAYS:
                with tempfile.TemporaryDirectory() as folder:
                    for name, value in (await crawl_once(way, gallery, url, Path(folder), pool)).items():
                        taken[way].setdefault(name, []).append(value)
    finally:
        await site.stop()
    fetched = sum(len(gallery.picture(n)) for n in range(gallery.pictures)) + len(gallery.shared_picture)
    result: dict[str, Any] = {"pictures": gallery.pictures, "pages": gallery.pages, "media_bytes_fetched": fetched}
    for way in WAYS:
        seconds = Samples(tuple(taken[way]["seconds"]))
        result[way] = {
            "seconds": seconds.to_json(),
            **{name: statistics.median(values) for name, values in taken[way].items() if name != "seconds"},
        }
    result["seconds_ratio"] = ratio(
        Samples(tuple(taken["jikimi"]["seconds"])), Samples(tuple(taken["baseline"]["seconds"]))
    )
    return result


def main() -> None:
    start = conditions()
    with HashPool(workers=2, max_pixels=89_478_485) as pool:
        sizes = [asyncio.run(measure(pictures, pool)) for pictures in (PICTURES, 10 * PICTURES)]
    small, large = sizes
    growth = {
        way: {
            name: large[way][name] / max(small[way][name], 1) for name in ("total_bytes", "media_bytes", "media_files")
        }
        for way in WAYS
    }
    result = {
        "conditions": start,
        "what": "peak temporary disk of a web crawl of a generated gallery (medians of the rounds' peaks)",
        "baseline": "every fetched picture kept until the run ends (TempMedia removing nothing, no media budget)",
        "budget_files": DEFAULT_MAX_FILES,
        "sizes": sizes,
        "growth_for_10x_pictures": growth,
    }
    out = write_result("tempdisk", result)
    for size in sizes:
        for way in WAYS:
            figures = size[way]
            print(
                f"{size['pictures']:>6} pictures {way:>8}: peak {figures['total_bytes'] / 2**20:7.1f} MiB in all, "
                f"{figures['media_bytes'] / 2**20:7.1f} MiB / {figures['media_files']:.0f} files of media; "
                f"{figures['seconds']['best']:.1f} s best, {figures['seconds']['median']:.1f} s median"
            )
        print(f"{'':>15}time jikimi / baseline: {size['seconds_ratio']['best']:.2f} best, "
              f"{size['seconds_ratio']['median']:.2f} median")  # fmt: skip
    for way in WAYS:
        print(f"growth for 10x pictures, {way}: " + ", ".join(f"{k} {v:.1f}x" for k, v in growth[way].items()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Telegram crawl throughput at two channel sizes 10× apart (1,000 and 10,000 messages by default), end to end:
a synthetic channel through the telethon crawler (the real ``TelegramClient`` with its wire replaced, no
network): parse → download → fingerprint → match → store in SQLite. Then an immediate second run, which
must do almost nothing (target < 5 % of the first).

Baseline, in the same rounds: the same channel read as a user of telethon writes it, with the same client
double: ``iter_messages`` over the whole channel (``wait_time=0``, as the crawler's ``history_wait=0`` here: telethon
otherwise sleeps a second between history pages) and ``download_media`` of every photo into memory, with
its SHA-256 (the least any crawler does). The ratio is what jikimi's pipeline costs on top of the wire.

Pictures: one distinct generated picture per ``MESSAGES_PER_PICTURE`` messages, spread over the photo posts
(each post its own Telegram photo id, so each is downloaded and its SHA-256 computed; each distinct picture
hashed once), so both sizes have the same mix. Every round starts from an empty data directory, with the
hash pool's worker processes started before the clock (as in the daemon, where the pool outlives runs).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, NamedTuple

from bench.timing import Samples, conditions, ratio, rounds, write_result
from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import TelegramSourceConfig
from crawlers.telegram import TelegramCrawler
from crawlers.telegram_session import session_lease
from monitor.context import open_context
from monitor.fingerprint.pool import HashPool
from monitor.runner import SourceRun
from tests.doubles.telegram import SyntheticTelegram, TelegramClientDouble, build_channel, picture_bytes

LARGEST = int(os.environ.get("BENCH_TELEGRAM_MESSAGES", "10000"))
SIZES = (LARGEST // 10, LARGEST)
MESSAGES_PER_PICTURE = 25


def synthetic_channel(messages: int) -> SyntheticTelegram:
    distinct = max(1, messages // MESSAGES_PER_PICTURE)
    server = SyntheticTelegram()
    build_channel(server, 1001, "bench_channel", messages, picture_seed=lambda i: None if i % 9 == 0 else i % distinct)
    for seed in range(distinct):
        picture_bytes(seed)  # generated before timing
    return server


async def read_with_telethon(server: SyntheticTelegram) -> int:
    """The baseline: every message, every photo downloaded and hashed; returns the photos read."""
    client = TelegramClientDouble(server)
    await client.connect()
    photos = 0
    async for message in client.iter_messages("bench_channel", wait_time=0):
        if message.photo is not None:
            hashlib.sha256(await client.download_media(message, file=bytes)).hexdigest()
            photos += 1
    return photos


async def start_workers(pool: HashPool, folder: Path) -> None:
    """Spawn every worker of the pool (they start on demand and import the hashing libraries)."""
    picture = folder / "warm-up.jpg"
    picture.write_bytes(picture_bytes(0))
    await asyncio.gather(*(pool.fingerprint(picture) for _ in range(2 * pool.workers)))
    picture.unlink()


class TwoCrawls(NamedTuple):
    first_seconds: float
    second_seconds: float
    sightings: int
    hash_workers: int


async def crawl_twice(server: SyntheticTelegram, messages: int, folder: Path) -> TwoCrawls:
    """jikimi's first and second run over the channel, from an empty data directory."""
    settings = Settings(data_dir=folder / "data", _env_file=None)  # type: ignore[call-arg]

    def lease() -> AbstractAsyncContextManager[None]:
        return session_lease(folder / "session.lock", wait=5)

    crawler = TelegramCrawler(lambda: TelegramClientDouble(server), lease, 2**30, 60.0, messages, history_wait=0)
    config = TelegramSourceConfig.model_validate({"channel": "@bench_channel"})
    source = Source("bench", "telegram", Schedule(every=parse_duration("1h")), config)
    async with open_context(settings) as context:
        pipeline = await context.pipeline()
        await start_workers(context.hash_pool, folder)
        concurrency = 2 * context.hash_pool.workers
        start = time.perf_counter()
        first = await SourceRun(pipeline, source, crawler, concurrency).execute(context.workdir)
        first_seconds = time.perf_counter() - start
        start = time.perf_counter()
        second = await SourceRun(pipeline, source, crawler, concurrency).execute(context.workdir)
        second_seconds = time.perf_counter() - start
    assert first.status == "ok" and second.counters["sightings"] == 0, (first, second)
    return TwoCrawls(first_seconds, second_seconds, first.counters["sightings"], context.hash_pool.workers)


def measure_size(messages: int) -> dict[str, Any]:
    server = synthetic_channel(messages)
    crawls: list[TwoCrawls] = []

    def one_round() -> dict[str, float]:
        start = time.perf_counter()
        asyncio.run(read_with_telethon(server))
        baseline = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as folder:
            crawls.append(asyncio.run(crawl_twice(server, messages, Path(folder))))
        return {"baseline": baseline, "first": crawls[-1].first_seconds, "second": crawls[-1].second_seconds}

    timings = rounds(one_round)
    assert len({crawl.sightings for crawl in crawls}) == 1, f"rounds found different sightings: {crawls}"
    baseline, first, second = timings["baseline"], timings["first"], timings["second"]
    return {
        "size": messages,
        "sightings": crawls[0].sightings,
        "hash_workers": crawls[0].hash_workers,
        "distinct_pictures": max(1, messages // MESSAGES_PER_PICTURE),
        "first_run": first.to_json(),
        "messages_per_s": first.per_second(messages),
        "baseline_telethon_read_and_download": baseline.to_json(),
        "baseline_messages_per_s": baseline.per_second(messages),
        "first_run_over_baseline": ratio(first, baseline),
        "second_run": second.to_json(),
        "second_run_share_of_first": ratio(second, first),
    }


def measure() -> dict[str, Any]:
    start = conditions()
    sizes = [measure_size(messages) for messages in SIZES]
    small, large = (Samples(tuple(size["first_run"]["samples"])) for size in sizes)
    return {
        "conditions": start,
        "size_unit": "messages",
        "sizes": sizes,
        "cost_growth_at_10x_size": ratio(large, small),
    }


def main() -> None:
    result = measure()
    out = write_result("telegram", result)
    print("telegram crawl, end to end; best / median")
    for size in result["sizes"]:
        rate, base, over = size["messages_per_s"], size["baseline_messages_per_s"], size["first_run_over_baseline"]
        share = size["second_run_share_of_first"]
        print(
            f"  {size['size']:>7,} messages: {rate['best']:.0f} / {rate['median']:.0f} messages/s"
            f" (telethon alone {base['best']:.0f} / {base['median']:.0f}: {over['best']:.1f}x / {over['median']:.1f}x"
            f" its time); second run {100 * share['best']:.2f} / {100 * share['median']:.2f} % of the first"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""Telegram crawl throughput: a synthetic 10,000-message channel through the telethon crawler (the real
``TelegramClient`` with its wire replaced, no network), end to end: parse → download → fingerprint →
match → store in SQLite. Then an immediate second run, which must do almost nothing (target < 5 %).

Pictures: ``DISTINCT`` generated pictures spread over the channel's photo posts (each post its own
Telegram photo id, so each is downloaded and its SHA-256 computed; each distinct picture hashed once).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.telegram import TelegramCrawler, TelegramSourceConfig
from crawlers.telegram_session import session_lease
from monitor.context import open_context
from monitor.runner import SourceRun
from tests.doubles.telegram import SyntheticTelegram, TelegramClientDouble, build_channel, picture_bytes

MESSAGES = int(os.environ.get("BENCH_TELEGRAM_MESSAGES", "10000"))
DISTINCT = 400


async def measure(folder: Path) -> dict[str, float]:
    server = SyntheticTelegram()
    build_channel(server, 1001, "bench_channel", MESSAGES, picture_seed=lambda i: None if i % 9 == 0 else i % DISTINCT)
    for seed in range(DISTINCT):
        picture_bytes(seed)  # generated before timing
    settings = Settings(data_dir=folder / "data", _env_file=None)  # type: ignore[call-arg]

    def lease() -> AbstractAsyncContextManager[None]:
        return session_lease(folder / "session.lock", wait=5)

    crawler = TelegramCrawler(lambda: TelegramClientDouble(server), lease, 2**30, 60.0, MESSAGES, history_wait=0)
    source = Source(
        "bench", "telegram", Schedule(every=parse_duration("1h")), TelegramSourceConfig(channel="@bench_channel")
    )
    async with open_context(settings) as context:
        pipeline = await context.pipeline()
        workers = context.hash_pool.workers
        start = time.perf_counter()
        first = await SourceRun(pipeline, source, crawler, 2 * workers).execute(context.workdir)
        first_seconds = time.perf_counter() - start
        start = time.perf_counter()
        second = await SourceRun(pipeline, source, crawler, 2 * workers).execute(context.workdir)
        second_seconds = time.perf_counter() - start
    assert first.status == "ok" and second.counters["sightings"] == 0, (first, second)
    return {
        "messages": MESSAGES,
        "sightings": first.counters["sightings"],
        "distinct_pictures": DISTINCT,
        "hash_workers": workers,
        "first_run_seconds": first_seconds,
        "messages_per_second": MESSAGES / first_seconds,
        "second_run_seconds": second_seconds,
        "second_run_share_of_first": second_seconds / first_seconds,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(Path(folder)))
    out = Path(__file__).parent / "results" / "telegram.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    workers = result["hash_workers"]
    print(
        f"telegram crawl ({result['messages']} messages, {result['sightings']} sightings, {workers:.0f} hash workers)"
    )
    print(
        f"  first run:  {result['first_run_seconds']:.1f} s = {result['messages_per_second']:.0f} messages/s end to end"
    )
    share = 100 * result["second_run_share_of_first"]
    print(f"  second run: {result['second_run_seconds']:.2f} s = {share:.2f} % of the first")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

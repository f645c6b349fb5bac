"""``jikimi demo``: a whole monitoring pass on the bundled synthetic forum.

1. make the demo blocklist the way a victim would: hash the generated "victim" pictures in a private
   temporary folder (``add-images``), delete them, keep only the hashes (``data/demo-blocklist.csv``);
2. import it (``blocklist import``);
3. serve the synthetic forum and a synthetic public channel preview (``/s/demo_channel``) on 127.0.0.1,
   and write ``data/demo-watchlist.yaml`` pointing at them;
4. crawl both (web crawler, t.me/s crawler) through the pipeline;
5. export every packet to one bundle.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from config.watchlist import load_watchlist
from crawlers.registry import config_models
from evidence.bundle import ExportSummary
from monitor.cards import Card
from monitor.context import open_context
from monitor.counters import ProgressCallback
from monitor.demo.site import RunningSite, demo_app, victim_originals
from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
from monitor.matching.intake import hash_pictures
from monitor.packets.exporting import export_packets
from monitor.records import HitRecord, Role, RunRecord
from monitor.review.accounts import one_time_login
from monitor.runner import crawl_sources
from monitor.store.queries import CardQuery

DEMO_CASE = "demo-case-1"
DEMO_REVIEWER = "demo"


@dataclass(frozen=True, slots=True)
class DemoResult:
    site_url: str
    runs: list[RunRecord]
    hits: list[HitRecord]
    cards: list[Card]  # one per distinct media × victim picture: what a reviewer decides
    counts: dict[str, int]
    bundle: ExportSummary
    login: tuple[str, str]  # the demo reviewer's name and one-time password


def make_demo_blocklist(data_dir: Path, settings: Settings) -> Path:
    """Hash the demo victim pictures in a private temporary folder and keep only the hashes."""
    with tempfile.TemporaryDirectory(prefix="jikimi-intake-") as folder:
        for number, picture in enumerate(victim_originals(), 1):
            (Path(folder) / f"{number}.jpg").write_bytes(picture)
        intake = hash_pictures(
            Path(folder), DEMO_CASE, "demo picture", settings.match_pdq_min_quality, settings.hash_max_pixels
        )
    path = data_dir / "demo-blocklist.csv"
    write_blocklist_csv(intake.entries, path)
    return path


def write_demo_watchlist(data_dir: Path, site_url: str) -> Path:
    path = data_dir / "demo-watchlist.yaml"
    path.write_text(
        "# Written by `jikimi demo`: the synthetic forum it serves on 127.0.0.1.\n"
        "sources:\n"
        "  - id: demo-forum\n"
        "    kind: web\n"
        f"    start_urls: [{site_url}/]\n"
        "    allowed_domains: [127.0.0.1]\n"
        "    allow_private_addresses: true\n"
        "    max_depth: 3\n"
        "    schedule: {every: 30m}\n"
        "  - id: demo-channel\n"
        "    kind: telegram_web\n"
        "    channel: demo_channel\n"
        f"    base_url: {site_url}\n"
        "    allow_private_addresses: true\n"
        "    schedule: {every: 15m}\n",
        encoding="utf-8",
    )
    return path


async def run_demo(settings: Settings, port: int, on_progress: ProgressCallback | None = None) -> DemoResult:
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    blocklist_path = await asyncio.to_thread(make_demo_blocklist, data_dir, settings)
    site = RunningSite(demo_app())
    site_url = await site.start(port)
    try:
        watchlist = write_demo_watchlist(data_dir, site_url)
        sources = load_watchlist(watchlist, config_models())
        async with open_context(settings) as context:
            await context.store.add_blocklist_entries(read_blocklist(blocklist_path, origin="demo"))
            runs = await crawl_sources(context, sources, on_progress)
            hits = await context.store.hits()
            cards = (await context.store.find_cards(CardQuery(limit=None))).cards
            bundle = await export_packets(
                context, data_dir / "exports" / "demo-bundle.zip", recipient="demo", reason="demonstration"
            )
            counts = await context.store.counts()
            login = (DEMO_REVIEWER, await one_time_login(context.store, DEMO_REVIEWER, Role.INVESTIGATOR))
    finally:
        await site.stop()
    return DemoResult(site_url, runs, hits, cards, counts, bundle, login)

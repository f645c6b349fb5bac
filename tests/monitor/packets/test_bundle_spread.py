"""A bundle carries the spread of its pictures and distributors, signed and verifiable, within its cases only."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from config.settings import Settings
from crawlers.sighting import BlocklistHit, Media, Sighting
from evidence.bundle_layout import DOCUMENT_LIST
from evidence.verify import verify_bundle
from monitor.context import MonitorContext, open_context
from monitor.counters import RunCounters
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.packets import exporting
from monitor.records import BlocklistEntry

SPREAD_FILES = ("spread-items.csv", "spread-items.json", "spread-sources.csv", "spread-sources.json")
SEVEN = BlocklistEntry("pdq", "0f" * 32, "case-7", "picture 1", item_id="item-of-case-7")
EIGHT = BlocklistEntry("pdq", "f0" * 32, "case-8", "picture 2", item_id="item-of-case-8")


async def preserve(context: MonitorContext, sighting: Sighting, entry: BlocklistEntry) -> None:
    """A matched sighting with its packet, as a crawl records it."""
    assert sighting.media.path is not None
    matched = BlocklistHit(entry.id, entry.hash_type, entry.case, entry.label, 3, "00" * 32, entry.item_id, entry.value)
    fingerprinted = dataclasses.replace(sighting, fingerprints=fingerprint_file(sighting.media.path), hits=(matched,))
    await (await context.pipeline()).record_hits(fingerprinted, RunCounters(), None)
    await context.store.put_sighting(fingerprinted)


async def export_two_cases_of_one_site(
    settings: Settings, hash_pool: HashPool, make_sighting: Callable[..., Sighting], make_image: Callable[..., Path],
    out: Path, cases: tuple[str, ...],
) -> Path:  # fmt: skip
    """One forum (source ``test-site``) posted a picture of case-7 and one of case-8; export ``cases``."""
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries([SEVEN, EIGHT])
        await preserve(context, make_sighting(location="http://127.0.0.1/thread/7"), SEVEN)
        other = make_image(8)
        media = Media("http://127.0.0.1/b.jpg", other, "image/jpeg", other.stat().st_size)
        await preserve(context, make_sighting(location="http://127.0.0.1/thread/8", media=media), EIGHT)
        return (await exporting.export_packets(context, out, recipient="police", cases=cases)).path


async def test_an_export_carries_the_spread_files_in_its_signed_document_list_and_still_verifies(
    settings: Settings, hash_pool: HashPool, make_sighting: Callable[..., Sighting], make_image: Callable[..., Path],
    tmp_path: Path,
) -> None:  # fmt: skip
    bundle = await export_two_cases_of_one_site(settings, hash_pool, make_sighting, make_image, tmp_path / "b.zip", ())
    assert len(verify_bundle(bundle).packets) == 2
    with zipfile.ZipFile(bundle) as opened:
        listed = opened.read(DOCUMENT_LIST).decode()
        assert all(f"data/{name}" in listed for name in SPREAD_FILES)
        items = json.loads(opened.read("data/spread-items.json"))
        sources = list(csv.DictReader(io.StringIO(opened.read("data/spread-sources.csv").decode("utf-8"))))
        index = opened.read("data/index.html").decode()
        steps = opened.read("data/VERIFY.md").decode()
    assert [item["item"]["id"] for item in items["items"]] == ["item-of-case-7", "item-of-case-8"]
    assert sorted(row["location"] for row in sources) == ["http://127.0.0.1/thread/7", "http://127.0.0.1/thread/8"]
    assert all(f"<code>{name}</code>" in index and f"`{name}`" in steps for name in SPREAD_FILES)


async def test_a_case_limited_export_names_no_place_of_another_case_even_at_the_same_distributor(
    settings: Settings, hash_pool: HashPool, make_sighting: Callable[..., Sighting], make_image: Callable[..., Path],
    tmp_path: Path,
) -> None:  # fmt: skip
    cases = ("case-7",)
    bundle = await export_two_cases_of_one_site(
        settings, hash_pool, make_sighting, make_image, tmp_path / "b.zip", cases
    )
    assert len(verify_bundle(bundle).packets) == 1
    with zipfile.ZipFile(bundle) as opened:
        spread = {name: opened.read(f"data/{name}").decode("utf-8") for name in SPREAD_FILES}
    assert json.loads(spread["spread-sources.json"])["cases"] == ["case-7"]
    for name, text in spread.items():
        assert "thread/7" in text and "thread/8" not in text and "case-8" not in text, name

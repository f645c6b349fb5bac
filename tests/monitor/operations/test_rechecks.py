"""Removal re-checks: exact per platform, recorded as custody events, reported in takedown.csv and status."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from config.settings import Settings
from crawlers.sighting import Sighting
from monitor.context import MonitorContext, open_context
from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import RunningSite
from monitor.fingerprint.pool import HashPool
from monitor.operations.rechecks import checkers_from, recheck_confirmed, removal_stats
from monitor.packets.custody_log import last_check
from monitor.packets.exporting import export_packets
from monitor.records import HitRecord, HitStatus
from tests.monitor.review.conftest import add_hit_with_packet

FIXTURE = Path(__file__).parents[3] / "tests" / "crawlers" / "fixtures" / "tme_s_page.html"
DAY = timedelta(days=1)


async def recheck(context: MonitorContext, now: datetime | None = None) -> dict[str, int]:
    return await recheck_confirmed(context.store, DAY, checkers_from(context.settings), now=now, signer=context.signer)


@dataclasses.dataclass
class Site:
    url: str
    pages: dict[str, tuple[int, bytes]]  # path → (status, body): the test changes them to take things down


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    pages: dict[str, tuple[int, bytes]] = {}

    async def serve(request: web.Request) -> web.Response:
        status, body = pages.get(request.path_qs, pages.get(request.path, (404, b"not found")))
        return web.Response(status=status, body=body)

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    running = RunningSite(app)
    url = await running.start(0)
    yield Site(url, pages)
    await running.stop()


@pytest.fixture
async def context(hash_pool: HashPool, settings: Settings) -> AsyncIterator[MonitorContext]:
    async with open_context(settings, hash_pool=hash_pool) as opened:
        yield opened


async def confirmed_hit(context: MonitorContext, make: Callable[..., Sighting], location: str, media_url: str,
                        kind: str = "web") -> HitRecord:  # fmt: skip
    sighting = make(location=location, source_kind=kind)
    sighting = dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, url=media_url))
    (hit,) = await add_hit_with_packet(context, sighting)
    await context.store.set_hit_status(hit.id, HitStatus.CONFIRMED)
    return dataclasses.replace(hit, status=HitStatus.CONFIRMED)


async def results(context: MonitorContext, hit: HitRecord) -> list[tuple[Any, str]]:
    events = await context.store.custody_events(hit.custody_chain)
    return [(e.details["online"], e.details["result"]) for e in events if e.kind == "rechecked"]


async def test_a_web_page_is_online_until_its_page_or_media_goes_and_then_is_no_longer_checked(
    context: MonitorContext, make_sighting: Callable[..., Sighting], site: Site
) -> None:
    media = (make_sighting().media.path or Path()).read_bytes()
    shows = (200, b"<img src='/media/a.jpg'>")
    site.pages |= {"/thread/1": shows, "/thread/2": shows, "/thread/3": shows, "/media/a.jpg": (200, media)}
    hits = [await confirmed_hit(context, make_sighting, f"{site.url}/thread/{n}", f"{site.url}/media/a.jpg")
            for n in (1, 2, 3)]  # fmt: skip
    assert await recheck(context) == {
        "online": 3,
        "gone": 0,
        "unknown": 0,
    }, [await results(context, hit) for hit in hits]
    site.pages |= {"/thread/1": (410, b"gone"), "/thread/2": (200, b"<p>removed by moderators</p>"),
                   "/thread/3": (503, b"busy")}  # fmt: skip
    later = datetime.now(UTC) + 2 * DAY
    assert await recheck(context, now=later) == {
        "online": 0,
        "gone": 2,
        "unknown": 1,
    }
    assert (await results(context, hits[0]))[-1] == (False, "page gone (HTTP 410)")
    assert (await results(context, hits[1]))[-1] == (False, "page no longer shows the media")
    assert (await results(context, hits[2]))[-1] == (None, "page unreachable (HTTP 503)")
    assert await recheck(context, now=later + 2 * DAY) == {
        "online": 0,
        "gone": 0,
        "unknown": 1,
    }
    assert last_check(await context.store.custody_events(hits[0].custody_chain)).startswith("no (")


async def test_replaced_media_bytes_count_as_gone(
    context: MonitorContext, make_sighting: Callable[..., Sighting], site: Site
) -> None:
    site.pages |= {"/t": (200, b"<img src='/m.jpg'>"), "/m.jpg": (200, encode(make_picture(99)))}
    hit = await confirmed_hit(context, make_sighting, f"{site.url}/t", f"{site.url}/m.jpg")
    await recheck(context)
    assert await results(context, hit) == [(False, "media replaced by other bytes")]


async def test_a_deleted_message_is_absent_from_the_tme_preview(
    context: MonitorContext, make_sighting: Callable[..., Sighting], site: Site
) -> None:
    page = FIXTURE.read_bytes()
    site.pages |= {"/s/synthetic_channel?before=122": (200, page), "/s/synthetic_channel?before=123": (200, page)}
    still = await confirmed_hit(context, make_sighting, f"{site.url}/synthetic_channel/121", f"{site.url}/a.jpg",
                                "telegram_web")  # fmt: skip
    deleted = await confirmed_hit(context, make_sighting, f"{site.url}/synthetic_channel/122", f"{site.url}/b.jpg",
                                  "telegram_web")  # fmt: skip
    await recheck(context)
    assert await results(context, still) == [(True, "still in the channel preview")]
    assert await results(context, deleted) == [(False, "message deleted (absent from the channel preview)")]


async def test_takedown_csv_and_status_report_the_last_check_and_removal_latency(
    context: MonitorContext, make_sighting: Callable[..., Sighting], site: Site, tmp_path: Path
) -> None:
    import csv
    import io
    import zipfile

    site.pages |= {"/t": (404, b"")}
    hit = await confirmed_hit(context, make_sighting, f"{site.url}/t", f"{site.url}/m.jpg")
    await recheck(context)
    (stats,) = await removal_stats(context.store)
    assert (stats.platform, stats.confirmed, stats.removed, stats.still_online) == ("127.0.0.1", 1, 1, 0)
    assert stats.median_hours is not None and stats.median_hours > 0
    summary = await export_packets(context, tmp_path / "b.zip", recipient="police", reason="case")
    with zipfile.ZipFile(summary.path) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("takedown.csv"))
        (row,) = csv.DictReader(io.StringIO(bundle.read(name).decode()))
    assert row["still_online_at_last_check"].startswith("no (") and "HTTP 404" in row["still_online_at_last_check"]
    assert row["location"] == hit.location and row["packet_id"] == hit.packet_id

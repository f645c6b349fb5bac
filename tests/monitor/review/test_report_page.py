"""The accountability report in the review UI: the figures and plots of ``jikimi report``, full for the group
and counts-only to publish, and its files to download — for investigators only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from evidence.custody import CustodyKind
from monitor.packets.custody_log import append_event
from monitor.takedown.report_records import RemovalOutcome
from tests.browser import needs_chromium
from tests.doubles.smtp import Mailbox, smtp_server
from tests.monitor.review.conftest import World, post
from tests.monitor.review.test_browser import image_width, logged_in_page
from tests.monitor.review.test_notice_plan_page import PLACE, confirmed, with_recipients

GONE = {"location": PLACE, "online": False, "result": "page gone (HTTP 404)", "http_status": 404}


@pytest.fixture
def smtp() -> Iterator[tuple[str, Mailbox]]:
    with smtp_server() as served:
        yield served


@pytest.fixture
def settings_overrides(tmp_path: Path, smtp: tuple[str, Mailbox]) -> dict[str, Any]:
    return with_recipients(tmp_path, smtp[0])


async def one_removal(world: World) -> Any:
    """The world's place confirmed, its notice sent by the UI, then found gone by a re-check; ian's client."""
    await confirmed(world)
    ian = await world.client_for("ian")
    assert (await post(ian, "/notices/send")).status == 303
    chain = world.hits[0].custody_chain
    await append_event(world.context.store, chain, CustodyKind.RECHECKED, "jikimi", GONE, signer=world.context.signer)
    return ian


def cells(page: str, table: str, group: str) -> list[str]:
    """The cells of ``group``'s row in the table with id ``table``, as text."""
    body = page[page.index(f'id="{table}"') :]
    row = re.search(rf'<tr data-group="{re.escape(group)}">(.*?)</tr>', body, re.S)
    assert row is not None, body[:2000]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


async def test_the_report_shows_the_removal_with_its_counts_and_plots(world: World) -> None:
    ian = await one_removal(world)
    page = await (await ian.get("/report")).text()
    assert "1 confirmed place(s), 1 removed; 1 request(s) sent about 1 of them." in page
    locations, sent, removed = cells(page, "report-all", "all")[1:4]
    assert (locations, sent, removed) == ("1", "1", "1")
    assert cells(page, "report-recipients", "host-abuse")[1:4] == ["1", "1", "1"]
    assert cells(page, "report-platforms", "127.0.0.1")[1:4] == ["1", "1", "1"]
    outcomes = page[page.index('id="report-outcomes"') :]
    assert "page gone" in outcomes
    for plot in ("online", "outcomes"):
        assert f'src="/report/plots/full/{plot}.svg"' in page
        svg = await ian.get(f"/report/plots/full/{plot}.svg")
        assert svg.status == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
        assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")  # its own styles, no more
        text = await svg.text()
        assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<script" not in text
    assert "page gone" in await (await ian.get("/report/plots/full/outcomes.svg")).text()
    assert "'unsafe-inline'" not in (await ian.get("/report")).headers["Content-Security-Policy"]  # the UI's policy


async def test_the_files_are_those_jikimi_report_writes(world: World) -> None:
    ian = await one_removal(world)
    figures = await ian.get("/report/full/report.csv")
    assert 'filename="report.csv"' in figures.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(await figures.text())))
    overall = next(row for row in rows if row["scope"] == "all")
    assert (overall["locations"], overall["removed"], overall[f"outcome: {RemovalOutcome.PAGE_GONE}"]) == (
        "1",
        "1",
        "1",
    )
    places = list(csv.DictReader(io.StringIO(await (await ian.get("/report/full/locations.csv")).text())))
    assert [(row["location"], row["outcome"]) for row in places] == [(PLACE, "page gone")]
    document = await (await ian.get("/report/full/index.html")).text()
    assert "<svg" in document and PLACE in document  # the standalone page, its plots inline


async def test_the_public_variant_names_no_place(world: World) -> None:
    ian = await one_removal(world)
    page = await (await ian.get("/report?variant=public")).text()
    assert "1 confirmed place(s), 1 removed" in page and cells(page, "report-platforms", "web sites")[1:4] == [
        "1", "1", "1"
    ]  # fmt: skip
    downloads = [await (await ian.get(f"/report/public/{name}")).text() for name in ("index.html", "report.csv")]
    svgs = [await (await ian.get(f"/report/plots/public/{plot}.svg")).text() for plot in ("online", "outcomes")]
    for shown in (page, *downloads, *svgs):
        assert "127.0.0.1" not in shown and "/thread/1" not in shown and world.hits[0].item_id not in shown
    assert 'href="/report/full/locations.csv"' not in page
    assert (await ian.get("/report/public/locations.csv")).status == 404  # counts only: no such file
    assert 'filename="public-report.csv"' in (await ian.get("/report/public/report.csv")).headers[
        "Content-Disposition"
    ]  # fmt: skip


async def test_the_report_is_for_investigators_only(world: World) -> None:
    vera = await world.client_for("vera")
    for path in ("/report", "/report?variant=public", "/report/plots/full/online.svg", "/report/full/report.csv",
                 "/report/full/index.html", "/report/public/report.csv", "/report/full/locations.csv"):  # fmt: skip
        assert (await vera.get(path)).status == 403, path
    assert 'href="/report"' not in await (await vera.get("/hits")).text()


async def test_a_report_with_nothing_confirmed_says_so(world: World) -> None:
    ian = await world.client_for("ian")
    page = await (await ian.get("/report")).text()
    assert "0 confirmed place(s), 0 removed" in page and "No request has been sent yet" in page
    assert (await ian.get("/report/plots/full/online.svg")).status == 200


@needs_chromium
async def test_the_plots_show_in_a_browser_with_their_own_colours(world: World, browser: Any) -> None:
    """An SVG image keeps its inline styles under the UI's policy: a plot blocked by it would be black shapes."""
    await one_removal(world)
    page = await logged_in_page(browser, world, "ian")
    await page.goto(world.base_url + "/report")
    for plot in ("#plot-online", "#plot-outcomes"):
        assert await image_width(page, plot) > 100
        shot = Image.open(io.BytesIO(await (await page.query_selector(plot)).screenshot())).convert("RGB")
        assert shot.getpixel((2, 2)) == (255, 255, 255)  # the figure's white background, styled by the SVG itself
        assert len(shot.getcolors(1 << 20) or ()) > 8  # lines, bars and text in colour, not a blank or a black box
    assert page.csp_errors == []

"""The review UI in headless Chromium (Debian's package, driven by Playwright): what a volunteer and an
investigator actually do, keyboard shortcut and file download included."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crawlers.sighting import BlocklistHit
from evidence.verify import verify_bundle
from monitor.records import HitStatus
from monitor.store.queries import CardQuery
from tests.browser import needs_chromium
from tests.monitor.review.conftest import PASSWORD, World, add_hit_with_packet

pytestmark = needs_chromium


async def logged_in_page(browser: Any, world: World, name: str) -> Any:
    page = await (await browser.new_context(accept_downloads=True, locale="en-GB")).new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.csp_errors = errors
    await page.goto(world.base_url + "/hits")
    assert page.url.endswith("/login")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form.login button")
    await page.wait_for_url(re.compile(r"/hits$"))
    return page


async def image_width(page: Any, selector: str) -> int:
    """The natural width of an image once loaded (polled from Python: a string predicate would need
    ``eval``, which the page's CSP rightly forbids)."""
    await page.wait_for_selector(selector)
    for _ in range(200):
        width = int(await page.eval_on_selector(selector, "img => img.complete ? img.naturalWidth : -1"))
        if width >= 0:
            return width
        await page.wait_for_timeout(50)
    raise AssertionError(f"{selector} did not load")


async def test_a_volunteer_opens_a_picture_sees_it_blurred_confirms_it_by_keyboard_and_finds_it_in_the_history(
    browser: Any, world: World
) -> None:
    page = await logged_in_page(browser, world, "vera")
    rows = page.locator("table.cards tbody tr")
    assert await rows.count() == 1 and "case-7" in await rows.first.inner_text()
    assert await page.locator("table.cards img").count() == 0  # no pictures in lists
    await page.click("a.open")
    assert await image_width(page, "#preview") > 0
    assert await page.locator("#revealed").count() == 0 and await page.locator("#reveal-button").count() == 0
    await page.keyboard.press("c")  # the confirm shortcut
    await page.wait_for_selector("p.flash")
    history = await page.inner_text("#history")
    assert "viewed · vera" in history and "decided · vera" in history and "confirm" in history
    assert await page.get_attribute("#card-status", "data-status") == "confirmed"
    assert page.csp_errors == []  # no script or style was blocked by the CSP


async def test_an_investigator_reveals_for_a_limited_time_and_exports_a_bundle_that_verifies(
    browser: Any, world: World, tmp_path: Path
) -> None:
    page = await logged_in_page(browser, world, "ian")
    await page.click("a.open")
    assert await image_width(page, "#preview") > 0
    await page.keyboard.press("c")
    await page.wait_for_selector("p.flash")
    await page.click("#reveal-button")
    assert await image_width(page, "#revealed") > 0
    assert "Revealed until" in await page.inner_text("section.picture")
    await page.click("nav >> text=Export")
    await page.select_option("#export-case", "case-7")
    await page.fill("#export-recipient", "Seoul police")
    await page.fill("#export-reason", "case 7 takedown")
    async with page.expect_download() as waiting:
        await page.click("#export-button")
    download = await waiting.value
    bundle = tmp_path / download.suggested_filename
    await download.save_as(bundle)
    assert verify_bundle(bundle).packets == (world.hits[0].packet_id,)
    events = await world.context.store.custody_events(world.hits[0].packet_id or "")
    kinds = [e.kind for e in events if "media" not in e.details]
    assert kinds == ["captured", "viewed", "decided", "viewed", "revealed", "viewed", "exported"]
    shown = {e.details["media"] for e in events if "media" in e.details and e.actor == "ian"}
    assert shown == {"preview", "original"}  # every picture that reached the screen is in the log


async def test_a_volunteer_moves_through_the_queue_by_keyboard_ticks_two_pictures_and_rejects_both(
    browser: Any, world: World, make_sighting: Any
) -> None:
    for number, location in enumerate(("http://127.0.0.1/thread/2", "http://127.0.0.1/thread/3"), start=2):
        match = BlocklistHit(f"entry-{number}", "pdq", "case-7", f"picture {number}", 6, "00" * 32, f"item-{number}")
        await add_hit_with_packet(world.context, make_sighting(location=location), (match,))
    page = await logged_in_page(browser, world, "vera")
    rows = page.locator("table.cards tbody tr")
    assert await rows.count() == 3
    for key in ("j", "x", "j", "j", "x"):  # the first and the third card, by keyboard alone
        await page.keyboard.press(key)
    assert await page.locator("tr.current").get_attribute("data-card") == await rows.nth(2).get_attribute("data-card")
    ticked = [
        await row.get_attribute("data-card") for row in await rows.all() if await row.locator("input:checked").count()
    ]
    assert len(ticked) == 2
    await page.keyboard.press("r")
    await page.wait_for_selector("p.flash")
    assert "Decided: 2. Refused: 0" in await page.inner_text("p.flash")
    cards = await world.context.store.find_cards(CardQuery(statuses=(HitStatus.REJECTED,), limit=None))
    assert sorted(card.id for card in cards.cards) == sorted(ticked)
    await page.keyboard.press("j")
    await page.keyboard.press("o")  # open the current card
    await page.wait_for_url(re.compile(r"/cards/"))
    assert await image_width(page, "#preview") > 0
    assert page.csp_errors == []

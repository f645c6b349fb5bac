"""Rendered captures in real headless Chromium (Debian's ``chromium``; ``make test`` installs it).

The stamp is found in the PNG by its colour, the page height cap by the PNG's size, and the packet's
manifest and metadata by reading the packet back.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image

from crawlers.sighting import BlocklistHit, Capture, Distributor, ForwardedFrom, Sighting
from evidence.encryption import decrypt_bytes
from evidence.packet import media_file_name, packet_files, write_packet
from evidence.rendered_capture import POST_HTML_NAME, SCREENSHOT_NAME, post_html, render_capture
from evidence.rendering import BANNER_COLOUR, BANNER_HEIGHT, ChromiumRenderer, RenderingError
from monitor.demo.site import RunningSite
from monitor.fingerprint.media import fingerprint_file
from tests.browser import chromium, needs_chromium

KEY = bytes(range(32))


@pytest.fixture
async def renderer() -> AsyncIterator[ChromiumRenderer]:
    browser = ChromiumRenderer(chromium(), timeout=10, max_height=3000)
    yield browser
    await browser.close()


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        rows = int(request.query.get("rows", "10"))
        body = "".join(f"<p style='height:100px;margin:0'>row {i}</p>" for i in range(rows))
        return web.Response(text=f"<html><body style='margin:0'>{body}</body></html>", content_type="text/html")

    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=410, text="gone")

    app = web.Application()
    app.router.add_get("/page", page)
    app.router.add_get("/gone", gone)
    running = RunningSite(app)
    url = await running.start(0)
    yield url
    await running.stop()


def picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def stamp_colour_at_right(image: Image.Image) -> object:
    """The colour at the right end of the stamp band, past its text."""
    return image.getpixel((image.width - 4, BANNER_HEIGHT - 4))


def telegram_sighting(sighting: Sighting, text: str = "a synthetic post") -> Sighting:
    captured = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    distributor = Distributor(
        channel_id="1001", channel_username="public_one", channel_title="Public One", message_id=42,
        grouped_id=7, author_signature="admin", text=text, posted_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        views=12, forwarded_from=ForwardedFrom(peer_id="424242", name="Reposting Channel"),
    )  # fmt: skip
    assert sighting.capture is not None
    capture = Capture(
        captured, "telegram", "test telethon/1", final_url="https://t.me/public_one/42",
        raw_path=sighting.capture.raw_path, raw_mime="application/json", account_id="777000123",
    )  # fmt: skip
    return dataclasses.replace(
        sighting, source_kind="telegram", location="https://t.me/public_one/42", distributor=distributor,
        capture=capture, seen_at=captured,
    )  # fmt: skip


@needs_chromium
async def test_a_web_page_is_screenshotted_in_full_with_the_stamp_on_top(renderer: ChromiumRenderer, site: str) -> None:
    shot = await renderer.render_url(site + "/page?rows=12", "jikimi capture · stamp")
    image = picture(shot.png)
    assert image.width == 1280 and image.height >= 12 * 100 + BANNER_HEIGHT  # the whole page, not the viewport
    assert image.getpixel((4, 4)) == stamp_colour_at_right(image) == BANNER_COLOUR
    assert image.getpixel((640, BANNER_HEIGHT + 50)) == (255, 255, 255)
    assert shot.truncated_at is None and shot.browser.startswith("Chromium ")


@needs_chromium
async def test_a_page_taller_than_the_cap_is_cut_and_says_so(renderer: ChromiumRenderer, site: str) -> None:
    shot = await renderer.render_url(site + "/page?rows=400", "stamp")
    assert picture(shot.png).height == 3000 and shot.truncated_at == 3000


@needs_chromium
async def test_a_dead_page_or_site_is_a_rendering_error_naming_it(renderer: ChromiumRenderer, site: str) -> None:
    with pytest.raises(RenderingError, match="answered HTTP 410"):
        await renderer.render_url(site + "/gone", "stamp")
    with pytest.raises(RenderingError, match="127.0.0.1:9/"):
        await renderer.render_url("http://127.0.0.1:9/", "stamp")


def test_a_telegram_post_renders_from_its_data_with_its_ids_and_escaped_text(
    make_sighting: Callable[..., Sighting],
) -> None:
    post = telegram_sighting(make_sighting(), text="hi <script>alert(1)</script>")
    html = post_html(post, "media/abc.jpg", "media/abc.jpg")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for fact in ("Public One", "@public_one", "https://t.me/public_one/42", "1001", ">42<", "Reposting Channel"):
        assert fact in html
    assert "2026-11-02T08:00:00.000Z" in html and "2026-11-02T08:30:00.000Z" in html
    assert 'src="media/abc.jpg"' in html


@needs_chromium
async def test_a_telegram_packet_holds_the_post_page_its_screenshot_and_the_account_id(
    renderer: ChromiumRenderer, make_sighting: Callable[..., Sighting], tmp_path: Path
) -> None:
    post = with_fingerprints(telegram_sighting(make_sighting()))
    rendered = await render_capture(post, renderer, media_file_name(post))
    written = write_packet(post, tmp_path / "evidence", KEY, rendered=rendered)
    files = dict(packet_files(written.path))
    assert {POST_HTML_NAME, SCREENSHOT_NAME} <= set(files)
    manifest = decrypt_bytes(files["manifest-sha256.txt"], KEY).decode()
    assert f"  {SCREENSHOT_NAME}\n" in manifest and f"  {POST_HTML_NAME}\n" in manifest
    metadata = json.loads(decrypt_bytes(files["metadata.json"], KEY))
    assert metadata["capture"]["account_id"] == "777000123"
    assert metadata["rendering"]["screenshot"] == SCREENSHOT_NAME
    assert metadata["rendering"]["browser"].startswith("Chromium")
    shot = picture(decrypt_bytes(files[SCREENSHOT_NAME], KEY))
    assert shot.getpixel((4, 4)) == stamp_colour_at_right(shot) == BANNER_COLOUR
    assert media_file_name(post) in decrypt_bytes(files[POST_HTML_NAME], KEY).decode()


async def test_without_chromium_the_packet_says_why_it_has_no_screenshot(
    make_sighting: Callable[..., Sighting], tmp_path: Path
) -> None:
    sighting = with_fingerprints(make_sighting())
    missing = "Chromium is not installed on the capturing machine"
    rendered = await render_capture(sighting, None, media_file_name(sighting), missing)
    written = write_packet(sighting, tmp_path / "evidence", KEY, rendered=rendered)
    metadata = json.loads(decrypt_bytes(written.path / "metadata.json.enc", KEY))
    assert metadata["rendering"] == {"screenshot": None, "screenshot_missing": missing}
    assert SCREENSHOT_NAME not in dict(packet_files(written.path))


@needs_chromium
async def test_a_page_that_fails_to_render_still_gets_its_packet_with_the_reason(
    renderer: ChromiumRenderer, make_sighting: Callable[..., Sighting], tmp_path: Path
) -> None:
    sighting = with_fingerprints(make_sighting(location="http://127.0.0.1:9/thread/1"))
    rendered = await render_capture(sighting, renderer, media_file_name(sighting))
    assert rendered.facts["screenshot"] is None and "127.0.0.1:9" in rendered.facts["screenshot_missing"]
    assert write_packet(sighting, tmp_path / "evidence", KEY, rendered=rendered).created


def with_fingerprints(sighting: Sighting) -> Sighting:
    assert sighting.media.path is not None
    hit = BlocklistHit("entry-1", "pdq", "case-9", "picture 1", 4, "00" * 32)
    return dataclasses.replace(sighting, fingerprints=fingerprint_file(sighting.media.path), hits=(hit,))

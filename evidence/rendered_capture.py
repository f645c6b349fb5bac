"""The rendered part of a packet: the post or page as a person saw it, with the capture time stamped on it.

- A web page (and a ``t.me/s`` preview page) is loaded again in headless Chromium and screenshotted in
  full (``capture.png``).
- A post read through the Telegram API has no page to load: it is rendered from its data into
  ``post.html`` (which shows the media by its packet file name, so the decrypted packet opens offline),
  and that page, with the picture inlined, is screenshotted.

Where Chromium is absent or the rendering fails, the packet is still written and its metadata says why
there is no screenshot. Nothing here is silent about a missing part.

The page is loaded again by a browser that is held to the scope its crawl was held to (``Capture.scope``,
plus the origin of the sighting's own media, which the crawler fetched): ``evidence/rendering.py``. The
stamp and ``rendered_from`` name the URL actually shown; what the page tried and was refused (navigating
away, requests outside the scope or to private addresses) is in the metadata, and a navigation away is
also one of the rendering's ``problems``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jinja2

from crawlers.fetch_scope import FetchScope
from crawlers.sighting import Sighting
from crawlers.temp_files import PLAIN, TempFiles
from crawlers.version import CRAWLER_VERSION, TOOL_NAME
from evidence.canonical_json import utc_z
from evidence.rendering import Renderer, RenderingError, Screenshot

SCREENSHOT_NAME = "capture.png"
POST_HTML_NAME = "post.html"
MAX_INLINE_MEDIA_BYTES = 25 * 2**20
_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("evidence", "templates"), autoescape=True)


@dataclass(frozen=True, slots=True)
class RenderedCapture:
    """Files to add to the packet and the facts about them for ``metadata.json``; ``problems`` are what the
    crawl's run should report as well (a screenshot that failed, a page that tried to go elsewhere): written
    only into a packet, nobody running the crawl would see them."""

    files: dict[str, bytes] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    failure: str | None = None  # why a configured renderer made no screenshot

    @property
    def problems(self) -> list[str]:
        return [*([f"no screenshot: {self.failure}"] if self.failure else []), *self.facts.get("problems", ())]


def renders_from_data(sighting: Sighting) -> bool:
    """Posts captured as JSON (the Telegram API) have no page to load and are rendered from their data."""
    return sighting.capture is not None and sighting.capture.raw_mime == "application/json"


def capture_stamp(sighting: Sighting, shown: str) -> str:
    captured = sighting.capture.captured_at if sighting.capture else sighting.seen_at
    rendered = utc_z(datetime.now(UTC))
    return f"{TOOL_NAME} capture · {shown} · captured {utc_z(captured)} · rendered {rendered}"


def post_html(sighting: Sighting, media_file: str, media_src: str | None) -> str:
    """The post as an HTML page from its data; the media shown from ``media_src`` (a path or data URI)."""
    mime = sighting.media.mime or ""
    kind = "image" if mime.startswith("image/") else "video" if mime.startswith("video/") else "file"
    distributor = sighting.distributor
    return _TEMPLATES.get_template("post.html.j2").render(
        title=f"{distributor.channel_title or 'Telegram post'} — {sighting.location}",
        tool=f"{TOOL_NAME} {CRAWLER_VERSION}", d=distributor, link=sighting.location,
        post_time=utc_z(distributor.posted_at), edited_time=utc_z(distributor.edited_at),
        capture_time=utc_z(sighting.capture.captured_at if sighting.capture else sighting.seen_at),
        media_src=media_src if kind == "image" else None, media_kind=kind, media_file=media_file,
        media_size=sighting.media.size,
    )  # fmt: skip


def render_scope(sighting: Sighting, url: str) -> FetchScope:
    """Where the browser may go for ``sighting``: its crawl's scope (or, for a capture without one, only
    its own page's origin, no private address) and the origin of its media, which the crawler fetched."""
    scope = sighting.capture.scope if sighting.capture else None
    if scope is None:
        scope = FetchScope.of([sighting.location])
    return scope.with_origins(url, sighting.media.url)


def _shot_facts(shot: Screenshot, requested: str) -> dict[str, Any]:
    """What the browser showed and what it refused, for ``metadata.json``."""
    facts: dict[str, Any] = {"rendered_from": shot.shown_url or requested}
    if shot.shown_url and shot.shown_url != requested:
        facts["requested_url"] = requested
    problems = [
        f"the page tried to navigate to {target}; the navigation was blocked and the screenshot shows "
        f"{shot.shown_url or requested} as it loaded"
        for target in shot.navigations_blocked
    ]
    if shot.url_changed_to:
        problems.append(f"the page rewrote its address to {shot.url_changed_to}; the document shown is the one named")
    if shot.navigations_blocked:
        facts["navigations_blocked"] = list(shot.navigations_blocked)
    if shot.requests_blocked_count:
        facts["requests_blocked"] = list(shot.requests_blocked)
        facts["requests_blocked_count"] = shot.requests_blocked_count
    if problems:
        facts["problems"] = problems
    return facts


def _inline_media(sighting: Sighting, files: TempFiles) -> str | None:
    path = sighting.media.path
    mime = sighting.media.mime or ""
    if path is None or not mime.startswith("image/") or (sighting.media.size or 0) > MAX_INLINE_MEDIA_BYTES:
        return None
    data = files.read(path)
    if len(data) > MAX_INLINE_MEDIA_BYTES:
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


async def render_capture(
    sighting: Sighting, renderer: Renderer | None, media_file: str, unavailable: str = "no renderer configured",
    media_files: TempFiles = PLAIN,
) -> RenderedCapture:  # fmt: skip
    """Render ``sighting``'s post or page (its media read through ``media_files``); ``unavailable`` says why when
    there is no ``renderer``."""
    files: dict[str, bytes] = {}
    facts: dict[str, Any] = {}
    if renders_from_data(sighting):
        files[POST_HTML_NAME] = post_html(sighting, media_file, media_file).encode()
        facts["post_html"] = POST_HTML_NAME
    if renderer is None:
        return RenderedCapture(files, facts | {"screenshot": None, "screenshot_missing": unavailable})
    try:
        if renders_from_data(sighting):
            shown = f"post data of {sighting.location}"
            page = post_html(sighting, media_file, _inline_media(sighting, media_files))
            shot = await renderer.render_html(page, capture_stamp(sighting, shown))
        else:
            shown = (sighting.capture.final_url if sighting.capture else None) or sighting.location
            scope = render_scope(sighting, shown)
            shot = await renderer.render_url(shown, lambda url: capture_stamp(sighting, url), scope)
    except RenderingError as exc:
        return RenderedCapture(files, facts | {"screenshot": None, "screenshot_missing": str(exc)}, str(exc))
    files[SCREENSHOT_NAME] = shot.png
    facts |= {
        "screenshot": SCREENSHOT_NAME, "browser": shot.browser, **_shot_facts(shot, shown),
        "rendered_at": utc_z(datetime.now(UTC)), "truncated_at_px": shot.truncated_at,
        "note": "rendered when the packet was written; the stamp at the top gives capture and rendering times",
    }  # fmt: skip
    return RenderedCapture(files, facts)

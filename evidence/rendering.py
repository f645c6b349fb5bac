"""A rendered capture: what a person saw, as a PNG with the capture time stamped on it.

Headless Chromium (Debian's ``chromium`` package) driven by Playwright, which talks to the executable we
name and never downloads a browser. The browser starts on the first rendering and is shared by every
packet of a run; a page gets a deadline, and a page taller than ``max_height`` pixels is cut there (the
packet says so). Where Chromium is missing, ``find_chromium`` returns ``None`` and every packet records
why it has no screenshot, instead of silently lacking one.

The stamp is a banner added at the top of the page, outside the page's own layout, naming the URL, the
capture time of the post and the time of the rendering (both UTC): a web page is rendered when its
packet is written, a few seconds after its bytes were captured, so both times are stated.

The page is hostile: it is served by the people whose material is documented. So:

- every request of the page's browser context goes through a ``RenderProxy`` (``evidence/render_proxy.py``,
  which says why a proxy) held to the source's ``FetchScope``: nothing outside the source's origins,
  nothing on a private address unless the source is explicitly local;
- the page may not navigate its tab away once loaded: such a navigation (``location = …``, a meta refresh,
  a form), and any popup, is aborted — ``net::ERR_ABORTED`` leaves the loaded document in place — and
  recorded, so the picture always shows the document the stamp names;
- the stamp names the URL actually shown (after HTTP redirects), not the one asked for.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from crawlers.fetch_scope import FetchScope, address_refusal
from evidence.render_proxy import BLOCKED_HEADER, UNREACHABLE_HEADER, RenderProxy

_NOWHERE = {"server": "http://127.0.0.1:9"}  # the discard port: nothing listens, nothing is reached
BANNER_COLOUR = (255, 212, 0)  # the stamp's background, so a test (and a reader) can find it
BANNER_ID = "jikimi-capture-stamp"
BANNER_HEIGHT = 44
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CHROMIUM_FLAGS = [
    "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--mute-audio", "--disable-quic",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",  # WebRTC may not go around the proxy
]  # fmt: skip
_ADD_BANNER = """(args) => {
    const [id, text, height, colour] = args;
    const banner = document.createElement('div');
    banner.id = id;
    banner.textContent = text;
    banner.setAttribute('style', 'all:initial;display:block;box-sizing:border-box;width:100%;height:' + height
        + 'px;padding:12px;background:rgb(' + colour.join(',') + ');color:#000;font:14px/20px monospace;'
        + 'white-space:nowrap;overflow:hidden;position:relative;z-index:2147483647');
    document.documentElement.prepend(banner);  // outside the body, so its margins do not inset the stamp
}"""


class RenderingError(Exception):
    """The page could not be rendered (dead site, timeout, browser crash); the packet records the reason."""


Stamp = str | Callable[[str], str]
"""The stamp's text, or a function of the URL actually shown (after redirects) giving it."""


@dataclass(frozen=True, slots=True)
class Screenshot:
    png: bytes
    browser: str
    truncated_at: int | None = None  # the page was taller than this many pixels and was cut
    shown_url: str | None = None  # the document in the picture (after redirects); None for rendered HTML
    navigations_blocked: tuple[str, ...] = ()  # where the page tried to take its tab (or popups) after loading
    requests_blocked: tuple[str, ...] = ()  # "url (reason)" of requests the proxy refused, the first 100
    requests_blocked_count: int = 0
    url_changed_to: str | None = None  # the address bar at the end, when the page rewrote it (history API)


class Renderer(Protocol):
    """Renders pages to PNG with a stamp; ``ChromiumRenderer`` is the real one."""

    async def render_url(self, url: str, stamp: Stamp, scope: FetchScope | None = None) -> Screenshot: ...

    async def render_html(self, html: str, stamp: str) -> Screenshot: ...

    async def close(self) -> None: ...


def find_chromium(configured: Path | None = None) -> Path | None:
    """The Chromium executable to drive: the configured one, else the first found on ``PATH``."""
    if configured is not None:
        return configured if configured.is_file() and os.access(configured, os.X_OK) else None
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


@dataclass
class ChromiumRenderer:
    """Headless Chromium through Playwright, launched lazily, at most ``pages`` pages at once."""

    executable: Path
    timeout: float = 20.0
    max_height: int = 16_000
    width: int = 1280
    pages: int = 2
    _browser: Any = field(default=None, init=False)
    _playwright: Any = field(default=None, init=False)
    _start_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.pages)

    async def render_url(self, url: str, stamp: Stamp, scope: FetchScope | None = None) -> Screenshot:
        """Load ``url`` and screenshot it, every request held to ``scope``.

        Without a ``scope``, only ``url``'s own origin may be reached (a private one only if ``url`` names a
        private address literally: the caller asked for exactly that).
        """
        if scope is None:
            scope = FetchScope.of([url], allow_private=address_refusal(urlsplit(url).hostname or "") is not None)

        async def load(page: Any, proxy: RenderProxy) -> str:
            try:
                # "commit", then the document's own readiness: Playwright's wait for "load" never ends once
                # the page has tried (and been refused) a navigation of its own.
                response = await page.goto(url, wait_until="commit", timeout=self.timeout * 1000)
                await page.wait_for_function("document.readyState === 'complete'", timeout=self.timeout * 1000)
            except Exception as exc:  # Playwright raises its own TimeoutError and Error for dead sites
                blocked = f" (blocked: {'; '.join(map(str, proxy.blocked[:3]))})" if proxy.blocked else ""
                raise RenderingError(f"{url} could not be loaded: {_first_line(exc)}{blocked}") from None
            if response is None:
                return url
            shown = str(response.url)
            for header, what in ((BLOCKED_HEADER, "was blocked"), (UNREACHABLE_HEADER, "could not be reached")):
                reason = response.headers.get(header.lower())
                if reason:
                    led = "" if shown == url else f" led to {shown}, which"
                    raise RenderingError(f"{url}{led} {what} when rendered: {reason}")
            if response.status >= 400:
                raise RenderingError(f"{url} answered HTTP {response.status} when rendered")
            return shown

        return await self._render(load, stamp, scope, navigations_allowed=1)

    async def render_html(self, html: str, stamp: str) -> Screenshot:
        """Screenshot ``html`` (our own page of a post's data): no request may leave the browser at all."""

        async def load(page: Any, proxy: RenderProxy) -> None:
            await page.set_content(html, wait_until="load", timeout=self.timeout * 1000)

        return await self._render(load, stamp, FetchScope(), navigations_allowed=0)

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            await self._playwright.stop()
            self._browser = self._playwright = None

    async def _render(self, load: Any, stamp: Stamp, scope: FetchScope, navigations_allowed: int) -> Screenshot:
        browser = await self._launch()
        async with self._slots:
            proxy = RenderProxy(scope, self.timeout)
            context = await browser.new_context(
                viewport={"width": self.width, "height": 900}, accept_downloads=False, service_workers="block",
                proxy={"server": await proxy.start()},
            )  # fmt: skip
            try:
                page = await context.new_page()
                guard = NavigationGuard(page, navigations_allowed)
                await context.route("**/*", guard.handle)
                page.set_default_timeout(self.timeout * 1000)
                shown = await load(page, proxy)
                text = stamp(shown) if callable(stamp) else stamp
                await page.evaluate(_ADD_BANNER, [BANNER_ID, text, BANNER_HEIGHT, list(BANNER_COLOUR)])
                height = int(await page.evaluate("() => document.documentElement.scrollHeight"))
                truncated = height > self.max_height
                clip = {"x": 0, "y": 0, "width": self.width, "height": min(height, self.max_height)}
                png = await page.screenshot(full_page=True, clip=clip, animations="disabled", type="png")
                address_bar = page.url
            except RenderingError:
                raise
            except Exception as exc:
                raise RenderingError(f"rendering failed: {_first_line(exc)}") from None
            finally:
                await context.close()
                await proxy.close()
        return Screenshot(
            png, f"Chromium {browser.version}", self.max_height if truncated else None, shown_url=shown,
            navigations_blocked=tuple(guard.blocked), requests_blocked=tuple(map(str, proxy.blocked)),
            requests_blocked_count=proxy.blocked_count,
            url_changed_to=address_bar if shown is not None and address_bar != shown else None,
        )  # fmt: skip

    async def _launch(self) -> Any:
        async with self._start_lock:
            if self._browser is None:
                try:
                    from playwright.async_api import async_playwright
                except ImportError as exc:  # pragma: no cover - playwright is a dependency
                    raise RenderingError(f"Playwright is not installed: {exc}") from None
                self._playwright = await async_playwright().start()
                flags = [*_CHROMIUM_FLAGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
                try:
                    # Each page's context names its own RenderProxy; anything outside a context (the browser's
                    # own requests) is sent to a closed port, so nothing at all leaves Chromium unfiltered.
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=str(self.executable), args=flags, headless=True, proxy=_NOWHERE
                    )
                except Exception as exc:
                    await self._playwright.stop()
                    self._playwright = None
                    raise RenderingError(f"Chromium at {self.executable} did not start: {_first_line(exc)}") from None
        return self._browser


@dataclass
class NavigationGuard:
    """Lets the page's tab navigate ``allowed`` times (the load itself), then aborts and records the rest.

    A popup's navigations are aborted too. ``abort("aborted")`` is ``net::ERR_ABORTED``, for which
    Chromium shows no error page: the document already loaded stays, so it is what gets screenshotted.
    """

    page: Any
    allowed: int
    blocked: list[str] = field(default_factory=list)

    async def handle(self, route: Any, request: Any) -> None:
        if request.is_navigation_request():
            try:
                frame = request.frame
            except Exception:  # Playwright's Error: a popup's first request comes before its frame exists
                frame = None
            ours = frame is not None and frame.page == self.page
            if not ours or (frame.parent_frame is None and self.allowed <= 0):
                self.blocked.append(request.url if ours else f"popup: {request.url}")
                await route.abort("aborted")
                return
            if frame.parent_frame is None:
                self.allowed -= 1
        await route.continue_()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"

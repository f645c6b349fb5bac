"""A rendered capture: what a person saw, as a PNG with the capture time stamped on it.

Headless Chromium (Debian's ``chromium`` package) driven by Playwright, which talks to the executable we
name and never downloads a browser. The browser starts on the first rendering and is shared by every
packet of a run; a page gets a deadline, and a page taller than ``max_height`` pixels is cut there (the
packet says so). Where Chromium is missing, ``find_chromium`` returns ``None`` and every packet records
why it has no screenshot, instead of silently lacking one.

The stamp is a banner added at the top of the page, outside the page's own layout, naming the URL, the
capture time of the post and the time of the rendering (both UTC): a web page is rendered when its
packet is written, a few seconds after its bytes were captured, so both times are stated.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

BANNER_COLOUR = (255, 212, 0)  # the stamp's background, so a test (and a reader) can find it
BANNER_ID = "jikimi-capture-stamp"
BANNER_HEIGHT = 44
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CHROMIUM_FLAGS = [
    "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--mute-audio", "--disable-quic",
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


@dataclass(frozen=True, slots=True)
class Screenshot:
    png: bytes
    browser: str
    truncated_at: int | None = None  # the page was taller than this many pixels and was cut


class Renderer(Protocol):
    """Renders pages to PNG with a stamp; ``ChromiumRenderer`` is the real one."""

    async def render_url(self, url: str, stamp: str) -> Screenshot: ...

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

    async def render_url(self, url: str, stamp: str) -> Screenshot:
        async def load(page: Any) -> None:
            try:
                response = await page.goto(url, wait_until="load", timeout=self.timeout * 1000)
            except Exception as exc:  # Playwright raises its own TimeoutError and Error for dead sites
                raise RenderingError(f"{url} could not be loaded: {_first_line(exc)}") from None
            if response is not None and response.status >= 400:
                raise RenderingError(f"{url} answered HTTP {response.status} when rendered")

        return await self._render(load, stamp)

    async def render_html(self, html: str, stamp: str) -> Screenshot:
        async def load(page: Any) -> None:
            await page.set_content(html, wait_until="load", timeout=self.timeout * 1000)

        return await self._render(load, stamp)

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            await self._playwright.stop()
            self._browser = self._playwright = None

    async def _render(self, load: Any, stamp: str) -> Screenshot:
        browser = await self._launch()
        async with self._slots:
            context = await browser.new_context(
                viewport={"width": self.width, "height": 900}, accept_downloads=False, service_workers="block"
            )
            try:
                page = await context.new_page()
                page.set_default_timeout(self.timeout * 1000)
                await load(page)
                await page.evaluate(_ADD_BANNER, [BANNER_ID, stamp, BANNER_HEIGHT, list(BANNER_COLOUR)])
                height = int(await page.evaluate("() => document.documentElement.scrollHeight"))
                truncated = height > self.max_height
                clip = {"x": 0, "y": 0, "width": self.width, "height": min(height, self.max_height)}
                png = await page.screenshot(full_page=True, clip=clip, animations="disabled", type="png")
            except RenderingError:
                raise
            except Exception as exc:
                raise RenderingError(f"rendering failed: {_first_line(exc)}") from None
            finally:
                await context.close()
        return Screenshot(png, f"Chromium {browser.version}", self.max_height if truncated else None)

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
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=str(self.executable), args=flags, headless=True
                    )
                except Exception as exc:
                    await self._playwright.stop()
                    self._playwright = None
                    raise RenderingError(f"Chromium at {self.executable} did not start: {_first_line(exc)}") from None
        return self._browser


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"

"""The demo forum: an aiohttp site on 127.0.0.1 serving generated pictures, some of them edited copies of
the demo "victim" pictures whose hashes form the demo blocklist, most of them unrelated.

The tests reuse it as their test site (adding hostile routes to ``demo_app()``), the way Scrapy's tests
use a local mock server instead of the internet.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

from aiohttp import web

from monitor.demo.pictures import bordered, encode, make_picture, mirrored, resized

VICTIM_SEEDS = (101, 102, 103, 104)
UNRELATED_SEEDS = tuple(range(200, 212))


@dataclass(frozen=True, slots=True)
class DemoMedia:
    body: bytes
    mime: str


def victim_originals() -> list[bytes]:
    """The pictures a victim would hash with ``add-images`` (generated; hashed and discarded by the demo)."""
    return [encode(make_picture(seed), quality=90) for seed in VICTIM_SEEDS]


@cache
def demo_media() -> dict[str, DemoMedia]:
    """name → bytes. Edited copies (``copy-*``) of the victim pictures, and unrelated pictures."""
    v1, v2, v3, v4 = (make_picture(seed) for seed in VICTIM_SEEDS)
    media = {
        "copy-exact.jpg": DemoMedia(victim_originals()[0], "image/jpeg"),
        "copy-resized.jpg": DemoMedia(encode(resized(v2, 0.6), quality=85), "image/jpeg"),
        "copy-resized-small.jpg": DemoMedia(encode(resized(v2, 0.3), quality=80), "image/jpeg"),
        "copy-mirrored.jpg": DemoMedia(encode(mirrored(v3), quality=88), "image/jpeg"),
        "copy-bordered.png": DemoMedia(encode(bordered(v4), "PNG"), "image/png"),
        "copy-recompressed.jpg": DemoMedia(encode(v1, quality=35), "image/jpeg"),
    }
    for seed in UNRELATED_SEEDS:
        media[f"photo-{seed}.jpg"] = DemoMedia(encode(make_picture(seed), quality=85), "image/jpeg")
    return media


def _page(title: str, body: str, og_image: str | None = None) -> str:
    og = f'<meta property="og:image" content="{og_image}">' if og_image else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>{og}</head>"
        f"<body><h1>{html.escape(title)}</h1>{body}<p><a href='/'>home</a></p></body></html>"
    )


def _img(name: str, alt: str = "") -> str:
    return f'<img src="/media/{name}" alt="{html.escape(alt)}">'


THREADS: dict[int, tuple[str, str]] = {
    1: ("Thread 1: weekend pictures", _img("copy-exact.jpg")
        + '<img src="/media/copy-resized.jpg"'
        + ' srcset="/media/copy-resized-small.jpg 480w, /media/copy-resized.jpg 960w">'
        + _img("photo-200.jpg") + _img("photo-201.jpg") + _img("photo-202.jpg")),
    2: ("Thread 2: reposts", _img("copy-mirrored.jpg") + '<a href="/media/copy-bordered.png">full size</a>'
        + _img("photo-203.jpg") + _img("photo-204.jpg") + _img("copy-recompressed.jpg")
        + '<p><a href="/thread/3">next page</a></p>'),
    3: ("Thread 3: landscapes", "".join(_img(f"photo-{seed}.jpg") for seed in range(205, 212))
        + "<p><a href='/thread/1'>back to the first thread</a></p>"),
}  # fmt: skip


async def index(request: web.Request) -> web.Response:
    links = "".join(f'<li><a href="/thread/{n}">{html.escape(t)}</a></li>' for n, (t, _) in THREADS.items())
    return web.Response(
        text=_page("Synthetic forum (jikimi demo)", f"<ul>{links}</ul>", "/media/photo-200.jpg"),
        content_type="text/html",
    )


async def thread(request: web.Request) -> web.Response:
    number = int(request.match_info["number"])
    if number not in THREADS:
        raise web.HTTPNotFound()
    title, body = THREADS[number]
    return web.Response(text=_page(title, body), content_type="text/html")


async def media(request: web.Request) -> web.Response:
    item = demo_media().get(request.match_info["name"])
    if item is None:
        raise web.HTTPNotFound()
    return web.Response(body=item.body, content_type=item.mime)


async def robots(request: web.Request) -> web.Response:
    return web.Response(text="User-agent: *\nAllow: /\n")


def demo_app() -> web.Application:
    """The forum, and the synthetic channel preview under ``/s/demo_channel``."""
    from monitor.demo.tme_site import add_channel_routes, demo_channel

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/thread/{number:\\d+}", thread)
    app.router.add_get("/media/{name}", media)
    app.router.add_get("/robots.txt", robots)
    add_channel_routes(app, [demo_channel()])
    return app


class RunningSite:
    """An aiohttp app served on 127.0.0.1 until ``stop()``; ``port=0`` picks a free port."""

    def __init__(self, app: web.Application, shutdown_timeout: float = 1.0) -> None:
        # A short shutdown: a demo or test site must not wait a minute for a request that hangs on purpose.
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
        self.port = 0

    async def start(self, port: int = 0) -> str:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        try:
            await site.start()
        except OSError:  # the port is taken: any free port will do for a demo
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await self.runner.cleanup()

"""A generated picture gallery on 127.0.0.1, of any size: ``pages`` pages of ``per_page`` pictures each.

Made for measuring what a crawl keeps on disk (``tests/monitor/test_temp_media.py``, ``bench/tempdisk.py``)
rather than what it finds: every picture is distinct bytes (a few base pictures, each with its number
appended after the image data, which decoders ignore), so each is new media the pipeline must hash; a
``shared`` picture is shown on every page (a site's logo: one URL, many sightings); ``shared_body`` and
``victims`` (picture number → bytes) serve given bytes instead (a picture on a blocklist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from aiohttp import web

from monitor.demo.pictures import encode, make_picture

BASE_PICTURES = 4


@dataclass(frozen=True)
class Gallery:
    """The site's shape. Pages are ``/page/<n>`` (0-based; page 0 links to all), pictures ``/p/<n>.jpg``."""

    pages: int
    per_page: int
    picture_size: tuple[int, int] = (320, 240)
    shared: bool = False
    shared_body: bytes | None = None  # what the shared picture is (a picture on a blocklist), if not generated
    victims: Mapping[int, bytes] = field(default_factory=dict)

    @property
    def pictures(self) -> int:
        return self.pages * self.per_page

    @cached_property
    def _bases(self) -> list[bytes]:
        return [encode(make_picture(1000 + seed, self.picture_size), quality=85) for seed in range(BASE_PICTURES)]

    def picture(self, number: int) -> bytes:
        if number in self.victims:
            return self.victims[number]
        return self._bases[number % BASE_PICTURES] + b"gallery picture %d" % number

    @property
    def shared_picture(self) -> bytes:
        return self.shared_body or self._bases[0] + b"shown on every page"

    def page_html(self, number: int) -> str:
        first = number * self.per_page
        images = "".join(f'<img src="/p/{n}.jpg">' for n in range(first, first + self.per_page))
        if self.shared:
            images += '<img src="/logo.jpg">'
        links = "".join(f'<a href="/page/{n}">{n}</a>' for n in range(1, self.pages)) if number == 0 else ""
        return f"<!doctype html><html><head><title>Gallery {number}</title></head><body>{images}{links}</body></html>"

    def app(self) -> web.Application:
        async def page(request: web.Request) -> web.Response:
            number = int(request.match_info["number"])
            if number >= self.pages:
                raise web.HTTPNotFound()
            return web.Response(text=self.page_html(number), content_type="text/html")

        async def picture(request: web.Request) -> web.Response:
            number = int(request.match_info["number"])
            if number >= self.pictures:
                raise web.HTTPNotFound()
            return web.Response(body=self.picture(number), content_type="image/jpeg")

        async def logo(request: web.Request) -> web.Response:
            return web.Response(body=self.shared_picture, content_type="image/jpeg")

        app = web.Application()
        app.router.add_get("/page/{number:\\d+}", page)
        app.router.add_get("/p/{number:\\d+}.jpg", picture)
        app.router.add_get("/logo.jpg", logo)
        return app

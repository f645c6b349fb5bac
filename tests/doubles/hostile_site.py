"""The demo forum plus a thread of hostile content, served on 127.0.0.1 for end-to-end tests.

``/thread/hostile`` shows: a truncated JPEG, a 40,000×40,000 PNG (a decompression bomb: tiny file,
1.6 gigapixels), a picture whose URL answers 500, one whose URL never answers, a zero-byte "picture",
bytes that are not a picture, and one good unrelated picture. ``/broken`` is 10,000 unclosed tags.
"""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

from aiohttp import web

from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import demo_app

HANG_SECONDS = 30


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A valid PNG header claiming ``width``×``height`` pixels, with one tiny compressed row: a bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    full = encode(make_picture(999), quality=90)
    return full[: len(full) // 3]


HOSTILE_PAGE = """<!doctype html><html><head><title>hostile</title></head><body>
<img src="/bad/truncated.jpg"><img src="/bad/bomb.png"><img src="/bad/error.jpg"><img src="/bad/hang.jpg">
<img src="/bad/empty.jpg"><img src="/bad/not-a-picture.jpg"><img src="/media/photo-211.jpg">
<a href="/broken">broken page</a></body></html>"""


async def hostile_thread(request: web.Request) -> web.Response:
    return web.Response(text=HOSTILE_PAGE, content_type="text/html")


async def broken_page(request: web.Request) -> web.Response:
    tags = "".join(f"<div class='x{i}'><p><b><img src=\"/media/photo-210.jpg\"" for i in range(10_000))
    return web.Response(text="<html><body>" + tags + "<a href='/thread/hostile'>", content_type="text/html")


async def bad_media(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name == "error.jpg":
        return web.Response(status=500, text="internal error")
    if name == "hang.jpg":
        await asyncio.sleep(HANG_SECONDS)
        return web.Response(status=504)
    bodies = {
        "truncated.jpg": truncated_jpeg(),
        "bomb.png": bomb_png(),
        "empty.jpg": b"",
        "not-a-picture.jpg": b"%PDF-1.4 this is not a picture at all" + io.BytesIO(b"x" * 100).getvalue(),
    }
    if name not in bodies:
        raise web.HTTPNotFound()
    return web.Response(body=bodies[name], content_type="image/png" if name.endswith(".png") else "image/jpeg")


async def login_wall(request: web.Request) -> web.Response:
    """What a t.me/s URL might show after a markup change: a page with no channel history at all."""
    return web.Response(
        text="<html><body><div class='tgme_page_wrap'>Open in app</div></body></html>", content_type="text/html"
    )


def hostile_app() -> web.Application:
    app = demo_app()
    app.router.add_get("/s/changed_markup", login_wall)
    app.router.add_get("/thread/hostile", hostile_thread)
    app.router.add_get("/broken", broken_page)
    app.router.add_get("/bad/{name}", bad_media)
    return app

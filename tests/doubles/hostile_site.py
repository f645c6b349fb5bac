"""The demo forum plus a thread of hostile content, served on 127.0.0.1 for end-to-end tests.

``/thread/hostile`` shows: a truncated JPEG, a 40,000×40,000 PNG (a decompression bomb: tiny file,
1.6 gigapixels), a picture whose URL answers 500, one whose URL never answers, a zero-byte "picture",
bytes that are not a picture, and one good unrelated picture. ``/broken`` is 10,000 unclosed tags.

Pages that attack the machine jikimi runs on take the address of an "internal service" in their query
(``?internal=http://127.0.0.2:PORT``): ``internal_service()`` stands for one (a router, a cloud metadata
endpoint, an admin page), answers ``INTERNAL-SERVICE-SECRET`` on a red page, and logs every request it
gets, so a test can prove nothing reached it. ``/evidence/navigates`` loads it every way a page can (an
iframe, a script, an image over HTTP and HTTPS, ``fetch``, a WebSocket) and then sends its tab there by
JavaScript; ``/evidence/refresh``
by ``<meta http-equiv=refresh>`` and a popup. ``/many-links`` links 10,000 pages; ``/go?to=URL`` redirects anywhere.
Every request the site gets is logged in ``app[REQUEST_LOG]``.

Hostile channels: ``/s/stuck_channel`` ignores ``?before=`` (the same page for ever);
``/s/forged_channel`` pages normally, but on each page its newest post's ``data-post`` names another
channel, the next one's time has no time zone, and the third's ``data-post`` has no usable number.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import struct
import zlib
from collections.abc import Awaitable, Callable

from aiohttp import web

from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import demo_app
from monitor.demo.tme_site import DemoChannel, demo_channel, render_page

HANG_SECONDS = 30
SECRET = "INTERNAL-SERVICE-SECRET"
SECRET_RED = (255, 0, 0)  # the internal service paints everything this colour: a screenshot can be searched
LINKS_ON_ONE_PAGE = 10_000
REQUEST_LOG = web.AppKey("request_log", list[str])


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


@web.middleware
async def log_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    request.app[REQUEST_LOG].append(request.path_qs)
    return await handler(request)


def _internal(request: web.Request) -> str:
    return html.escape(request.query.get("internal", "http://127.0.0.2:9"), quote=True)


async def navigating_page(request: web.Request) -> web.Response:
    """Loads the internal service as an iframe, a script, an image and by fetch, then navigates to it."""
    internal = _internal(request)
    page = f"""<!doctype html><html><head><title>hostile page</title></head>
<body style="margin:0;background:#fff"><h1>HOSTILE PAGE shown to the crawler</h1>
<iframe src="{internal}/secret" width="600" height="300"></iframe>
<img src="{internal}/red.png" width="300" height="300">
<script src="{internal}/paint.js"></script>
<img src="{internal.replace("http://", "https://")}/tls.png" width="10" height="10">
<script>
fetch("{internal}/data").then(r => r.text()).then(t => document.body.append(t)).catch(() => {{}});
try {{ new WebSocket("{internal.replace("http://", "ws://")}/socket"); }} catch (e) {{}}
location.href = "{internal}/secret";
setTimeout(() => {{ location.href = "{internal}/secret?again"; }}, 50);
</script></body></html>"""
    return web.Response(text=page, content_type="text/html")


async def refreshing_page(request: web.Request) -> web.Response:
    internal = _internal(request)
    page = f"""<!doctype html><html><head><meta http-equiv="refresh" content="0;url={internal}/secret">
<title>refresh</title></head><body><p>HOSTILE PAGE</p>
<script>window.open("{internal}/secret?popup");</script></body></html>"""
    return web.Response(text=page, content_type="text/html")


async def redirecting_page(request: web.Request) -> web.Response:
    raise web.HTTPFound("/evidence/landing")


async def redirect_anywhere(request: web.Request) -> web.Response:
    """``/go?to=URL``: an open redirect, the way a hostile page leads a crawler off its site."""
    raise web.HTTPFound(request.query["to"])


async def landing_page(request: web.Request) -> web.Response:
    return web.Response(text="<html><body><h1>landing page</h1></body></html>", content_type="text/html")


async def many_links(request: web.Request) -> web.Response:
    links = "".join(f'<a href="/linked/{i}">{i}</a>' for i in range(LINKS_ON_ONE_PAGE))
    other_port = request.query.get("internal")
    if other_port:
        links += f'<a href="{html.escape(other_port, quote=True)}/secret">same host, other port</a>'
    return web.Response(text=f"<html><body>{links}</body></html>", content_type="text/html")


async def linked_page(request: web.Request) -> web.Response:
    return web.Response(text="<html><body><p>a linked page</p></body></html>", content_type="text/html")


async def secret_page(request: web.Request) -> web.Response:
    page = f"<html><body style='margin:0;background:rgb(255,0,0)'><h1>{SECRET}</h1></body></html>"
    return web.Response(text=page, content_type="text/html")


async def secret_asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name == "red.png":
        return web.Response(body=encode_red_png(), content_type="image/png")
    if name == "paint.js":
        script = f"document.body.style.background = 'rgb(255,0,0)'; document.body.append('{SECRET}');"
        return web.Response(text=script, content_type="application/javascript")
    return web.Response(text=SECRET, content_type="text/plain", headers={"Access-Control-Allow-Origin": "*"})


def encode_red_png() -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", (300, 300), SECRET_RED).save(stream, "PNG")
    return stream.getvalue()


def internal_service() -> web.Application:
    """An internal service a hostile page wants jikimi to reach; it logs every request it gets."""
    app = web.Application(middlewares=[log_requests])
    app[REQUEST_LOG] = []
    app.router.add_get("/secret", secret_page)
    app.router.add_get("/{name}", secret_asset)
    return app


async def serve(app: web.Application, host: str) -> tuple[web.AppRunner, str]:
    """``app`` on ``host`` (any loopback address, e.g. 127.0.0.2) and a port the OS chooses."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    return runner, f"http://{host}:{port}"


def _channel_named(username: str) -> DemoChannel:
    demo = demo_channel()
    return DemoChannel(username, f"Hostile {username}", demo.posts)


async def stuck_channel(request: web.Request) -> web.Response:
    """A preview that ignores ``?before=``: every page is the newest one."""
    base_url = f"{request.scheme}://{request.host}"
    return web.Response(text=render_page(_channel_named("stuck_channel"), None, base_url), content_type="text/html")


FORGED_CHANNEL = "forged_channel"
OTHER_CHANNEL = "someone_else"


async def forged_channel(request: web.Request) -> web.Response:
    """Pages normally, with three bad posts on every page (newest first: another channel, a naive time, no id)."""
    before = request.query.get("before")
    base_url = f"{request.scheme}://{request.host}"
    page = render_page(_channel_named(FORGED_CHANNEL), int(before) if before else None, base_url)
    ids = [int(found) for found in re.findall(rf'data-post="{FORGED_CHANNEL}/(\d+)"', page)]
    newest, naive, broken = sorted(ids, reverse=True)[:3]
    page = page.replace(f'data-post="{FORGED_CHANNEL}/{newest}"', f'data-post="{OTHER_CHANNEL}/{newest}"')
    page = page.replace(f'data-post="{FORGED_CHANNEL}/{broken}"', f'data-post="{FORGED_CHANNEL}/x{broken}"')
    post_start = page.index(f'data-post="{FORGED_CHANNEL}/{naive}"')
    time_at = page.index('datetime="', post_start) + len('datetime="')
    page = page[:time_at] + "2026-10-30T21:04:05" + page[page.index('"', time_at) :]
    return web.Response(text=page, content_type="text/html")


def hostile_app() -> web.Application:
    app = demo_app()
    app.middlewares.append(log_requests)
    app[REQUEST_LOG] = []
    app.router.add_get("/evidence/navigates", navigating_page)
    app.router.add_get("/evidence/refresh", refreshing_page)
    app.router.add_get("/evidence/redirect", redirecting_page)
    app.router.add_get("/evidence/landing", landing_page)
    app.router.add_get("/go", redirect_anywhere)
    app.router.add_get("/many-links", many_links)
    app.router.add_get("/linked/{number}", linked_page)
    app.router.add_get("/s/changed_markup", login_wall)
    app.router.add_get("/s/stuck_channel", stuck_channel)
    app.router.add_get(f"/s/{FORGED_CHANNEL}", forged_channel)
    app.router.add_get("/thread/hostile", hostile_thread)
    app.router.add_get("/broken", broken_page)
    app.router.add_get("/bad/{name}", bad_media)
    return app

"""A synthetic public Telegram channel preview (``/s/<channel>``), served by the demo site.

It renders the same markup structure as ``https://t.me/s/<channel>`` (see ``crawlers/tme_markup.py`` and
its fixture): 20 posts a page, newest last, ``?before=<id>`` paging; photos as ``background-image``
styles, albums as grouped photo wraps linking ``?single``, a forwarded post, a text-only post, a video.
Some photos are edited copies of the demo victim pictures. A channel with no preview redirects to
``/<channel>``, as t.me does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import jinja2
from aiohttp import web

from monitor.demo.pictures import encode, make_picture, mirrored, resized

PAGE_SIZE = 20
DEMO_CHANNEL = "demo_channel"


@dataclass
class DemoPost:
    message_id: int
    text: str
    media: list[tuple[int, str]] = field(default_factory=list)  # (message id of the item, media name)
    forwarded_from: str | None = None
    video: str | None = None

    @property
    def posted_at(self) -> str:
        return (datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=self.message_id)).isoformat()


@dataclass
class DemoChannel:
    username: str
    title: str
    posts: list[DemoPost]

    @property
    def last_id(self) -> int:
        return max((max([p.message_id, *(m for m, _ in p.media)]) for p in self.posts), default=0)

    def add_photo_post(self, text: str, media_name: str) -> DemoPost:
        post = DemoPost(self.last_id + 1, text, [(self.last_id + 1, media_name)])
        self.posts.append(post)
        return post


@cache
def tme_media(name: str) -> bytes | None:
    """Bytes of a demo channel picture by name: ``photo-<seed>.jpg``, ``victim-<seed>-<edit>.jpg``, ``clip.mp4``."""
    stem = name.rsplit(".", 1)[0]
    parts = stem.split("-")
    if parts[0] == "photo" and len(parts) == 2 and parts[1].isdigit():
        return encode(make_picture(int(parts[1]), (640, 480)), quality=82)
    if parts[0] == "victim" and len(parts) == 3 and parts[1].isdigit():
        picture = make_picture(int(parts[1]))
        edits = {
            "resized": lambda: resized(picture, 0.5),
            "mirrored": lambda: mirrored(picture),
            "q40": lambda: picture,
        }
        if parts[2] in edits:
            return encode(edits[parts[2]](), quality=40 if parts[2] == "q40" else 85)
    if name == "clip.mp4":
        return synthetic_clip()
    return None


def synthetic_clip(seconds: int = 3, size: tuple[int, int] = (320, 240), fps: int = 10) -> bytes:
    """A short MP4 of generated pictures panning (PyAV, written in memory)."""
    import io

    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for second in range(seconds):
            picture = np.asarray(make_picture(400 + second, size))
            for step in range(fps):
                frame = av.VideoFrame.from_ndarray(np.roll(picture, step * 2, axis=1), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def demo_channel() -> DemoChannel:
    """50 posts (54 messages): photos, two 3-photo albums, a forwarded post, text-only posts, a video, and three
    edited copies of demo victim pictures."""
    posts: list[DemoPost] = []
    message_id = 0
    for number in range(1, 51):
        message_id += 1
        post = DemoPost(message_id, f"Synthetic post {number}")
        if number in (12, 40):  # albums of three
            post.media = [(message_id + i, f"photo-{300 + number * 3 + i}.jpg") for i in range(3)]
            message_id += 2
        elif number == 20:
            post.media = [(message_id, "victim-102-resized.jpg")]
        elif number == 31:
            post.media, post.forwarded_from = [(message_id, "victim-103-mirrored.jpg")], "Reposting Channel"
        elif number == 45:
            post.media = [(message_id, "victim-101-q40.jpg")]
        elif number == 25:
            post.video = "clip.mp4"
        elif number % 6 != 0:
            post.media = [(message_id, f"photo-{300 + number}.jpg")]
        posts.append(post)
    return DemoChannel(DEMO_CHANNEL, "Synthetic demo channel", posts)


TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.demo", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


def render_page(channel: DemoChannel, before: int | None, base_url: str) -> str:
    """One page of the preview: the newest ``PAGE_SIZE`` posts older than ``before``, oldest first."""
    visible = [post for post in channel.posts if before is None or post.message_id < before]
    return TEMPLATES.get_template("tme_channel.html.j2").render(
        channel=channel, posts=visible[-PAGE_SIZE:], base_url=base_url
    )


TME_CHANNELS = web.AppKey("tme_channels", dict[str, "DemoChannel"])


async def channel_page(request: web.Request) -> web.Response:
    channels = request.app[TME_CHANNELS]
    channel = channels.get(request.match_info["channel"])
    if channel is None:
        raise web.HTTPFound(f"/{request.match_info['channel']}")  # no public preview: t.me redirects
    before = request.query.get("before")
    base_url = f"{request.scheme}://{request.host}"
    text = render_page(channel, int(before) if before and before.isdigit() else None, base_url)
    return web.Response(text=text, content_type="text/html")


async def channel_media(request: web.Request) -> web.Response:
    body = tme_media(request.match_info["name"])
    if body is None:
        raise web.HTTPNotFound()
    mime = "video/mp4" if request.match_info["name"].endswith(".mp4") else "image/jpeg"
    return web.Response(body=body, content_type=mime)


async def no_preview(request: web.Request) -> web.Response:
    return web.Response(text="<html><body><div class='tgme_page'>Channel</div></body></html>", content_type="text/html")


def add_channel_routes(app: web.Application, channels: list[DemoChannel]) -> None:
    app[TME_CHANNELS] = {channel.username: channel for channel in channels}
    app.router.add_get("/s/{channel}", channel_page)
    app.router.add_get("/tme-media/{name}", channel_media)
    app.router.add_get("/{channel:[A-Za-z][A-Za-z0-9_]{3,31}}", no_preview)

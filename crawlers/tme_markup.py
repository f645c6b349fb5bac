"""Read Telegram's public channel preview (``https://t.me/s/<channel>``): posts, their media and metadata.

The preview's markup changes over time, so everything that knows it lives here, tested against fixtures.
A page is recognised by its channel history container; each post is a ``div.tgme_widget_message`` with
``data-post="<channel>/<id>"``. A page whose structure is not recognised raises ``UnrecognisedMarkup`` —
never an empty success, which would look like a quiet channel.

What the preview shows: text and its links, ``time[datetime]``, views ("1.2K"), the author signature,
"edited", forwarded-from name and link, photos (the ``background-image`` of
``tgme_widget_message_photo_wrap``), videos (``video[src]``), and albums (grouped media, each linking to
its own message with ``?single``). What it does not show: grouped ids, sender accounts, exact edit times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from parsel import Selector

_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_VIEWS = re.compile(r"^\s*([\d.,]+)\s*([KkMm]?)\s*$")


class UnrecognisedMarkup(ValueError):
    """The page is not a t.me/s channel page as this parser knows it."""


@dataclass(frozen=True, slots=True)
class TmeMedia:
    kind: str  # "photo" or "video"
    url: str
    message_id: int  # an album's items each have their own message


@dataclass(frozen=True, slots=True)
class TmePost:
    channel: str
    message_id: int
    text: str | None
    urls: tuple[str, ...]
    posted_at: datetime | None
    edited: bool
    views: int | None
    author: str | None
    forwarded_name: str | None
    forwarded_link: str | None
    media: tuple[TmeMedia, ...]
    html: str


@dataclass(frozen=True, slots=True)
class TmePage:
    channel_title: str | None
    posts: tuple[TmePost, ...]

    @property
    def oldest_id(self) -> int | None:
        return min((post.message_id for post in self.posts), default=None)


def parse_views(text: str | None) -> int | None:
    """``"845"`` → 845, ``"1.2K"`` → 1200, ``"3M"`` → 3000000."""
    match = _VIEWS.match(text or "")
    if not match:
        return None
    number = float(match.group(1).replace(",", ""))
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()])


def _message_id_of(link: str | None, default: int) -> int:
    if not link:
        return default
    parts = [part for part in urlsplit(link).path.split("/") if part]
    return int(parts[-1]) if parts and parts[-1].isdigit() else default


def _media(post: Selector, message_id: int, base_url: str) -> tuple[TmeMedia, ...]:
    found: list[TmeMedia] = []
    for wrap in post.css("a.tgme_widget_message_photo_wrap"):
        match = _BACKGROUND.search(wrap.attrib.get("style", ""))
        if match:
            item_id = _message_id_of(wrap.attrib.get("href"), message_id)
            found.append(TmeMedia("photo", urljoin(base_url, match.group(1)), item_id))
    for video in post.css("video"):
        source = video.attrib.get("src") or video.css("source::attr(src)").get()
        if source:
            player = video.xpath("ancestor::a[contains(@class, 'tgme_widget_message_video_player')][1]/@href").get()
            found.append(TmeMedia("video", urljoin(base_url, source), _message_id_of(player, message_id)))
    return tuple(found)


def _post(node: Selector, base_url: str) -> TmePost:
    data_post = node.attrib.get("data-post", "")
    channel, _, number = data_post.rpartition("/")
    if not channel or not number.isdigit():
        raise UnrecognisedMarkup(f"a post without a usable data-post attribute ({data_post!r})")
    message_id = int(number)
    text_node = node.css(".tgme_widget_message_text")
    text = " ".join(part.strip() for part in text_node.css("::text").getall() if part.strip()) or None
    stamp = node.css(".tgme_widget_message_date time::attr(datetime), time::attr(datetime)").get()
    forwarded = node.css(".tgme_widget_message_forwarded_from_name")
    meta = " ".join(node.css(".tgme_widget_message_meta ::text").getall())
    return TmePost(
        channel=channel, message_id=message_id, text=text,
        urls=tuple(dict.fromkeys(text_node.css("a::attr(href)").getall())),
        posted_at=datetime.fromisoformat(stamp) if stamp else None, edited="edited" in meta,
        views=parse_views(node.css(".tgme_widget_message_views::text").get()),
        author=(node.css(".tgme_widget_message_from_author::text").get() or "").strip() or None,
        forwarded_name=" ".join(t.strip() for t in forwarded.css("::text").getall() if t.strip()) or None,
        forwarded_link=forwarded.attrib.get("href") if forwarded else None,
        media=_media(node, message_id, base_url), html=node.get(),
    )  # fmt: skip


def parse_tme_page(html: str, base_url: str) -> TmePage:
    """The posts of one t.me/s page; ``UnrecognisedMarkup`` if it is not one."""
    page = Selector(text=html)
    history = page.css(".tgme_channel_history")
    if not history and not page.css(".tgme_channel_info"):
        raise UnrecognisedMarkup("no channel history container (.tgme_channel_history)")
    nodes = page.css("div.tgme_widget_message")
    if page.css(".tgme_widget_message_wrap") and not nodes:
        raise UnrecognisedMarkup("post wrappers without posts")
    posts = tuple(_post(node, base_url) for node in nodes)
    title = page.css(".tgme_channel_info_header_title ::text").get()
    return TmePage(title.strip() if title else None, posts)

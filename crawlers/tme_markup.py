"""Read Telegram's public channel preview (``https://t.me/s/<channel>``): posts, their media and metadata.

The preview's markup changes over time, so everything that knows it lives here, tested against fixtures.
A page is recognised by its channel history container; each post is a ``div.tgme_widget_message`` with
``data-post="<channel>/<id>"``. A page whose structure is not recognised raises ``UnrecognisedMarkup`` —
never an empty success, which would look like a quiet channel.

What the preview shows: text and its links, ``time[datetime]``, views ("1.2K"), the author signature,
"edited", forwarded-from name and link, photos (the ``background-image`` of
``tgme_widget_message_photo_wrap``), videos (``video[src]``), and albums (grouped media, each linking to
its own message with ``?single``). What it does not show: grouped ids, sender accounts, exact edit times.

A hostile channel controls this markup, so one bad post costs only itself: a post that cannot be read,
a time that is not ISO 8601 or has no time zone, or a ``data-post`` naming another channel is a
``TmeProblem`` on the page, and the other posts stay. A page none of whose posts can be read is
``UnrecognisedMarkup``. Post times are always tz-aware UTC, or ``None`` with a problem saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
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
class TmeProblem:
    """Something on the page that could not be taken as it stood: recorded, the rest of the page kept."""

    message_id: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class TmePage:
    channel_title: str | None
    posts: tuple[TmePost, ...]
    problems: tuple[TmeProblem, ...] = ()

    @property
    def oldest_id(self) -> int | None:
        return min((post.message_id for post in self.posts), default=None)


def parse_views(text: str | None) -> int | None:
    """``"845"`` → 845, ``"1.2K"`` → 1200, ``"3M"`` → 3000000."""
    match = _VIEWS.match(text or "")
    if not match:
        return None
    try:
        number = float(match.group(1).replace(",", ""))
    except ValueError:  # "1.2.3K": a count the page garbled is no count, not a lost post
        return None
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()])


def _message_id_of(link: str | None, default: int) -> int:
    if not link:
        return default
    parts = [part for part in urlsplit(link).path.split("/") if part]
    return int(parts[-1]) if parts and parts[-1].isascii() and parts[-1].isdigit() else default


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


def post_time(stamp: str | None) -> tuple[datetime | None, str | None]:
    """``time[datetime]`` as tz-aware UTC, or ``None`` and the reason it could not be used."""
    if not stamp:
        return None, None
    try:
        when = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None, f"post time {stamp[:60]!r} is not an ISO 8601 time; post time not recorded"
    if when.tzinfo is None or when.utcoffset() is None:
        return None, f"post time {stamp[:60]!r} has no time zone; post time not recorded"
    return when.astimezone(UTC), None


def _post(node: Selector, base_url: str, channel: str | None, problems: list[TmeProblem]) -> TmePost:
    data_post = node.attrib.get("data-post", "")
    claimed, _, number = data_post.rpartition("/")
    if not claimed or not (number.isascii() and number.isdigit()):
        raise UnrecognisedMarkup(f"a post without a usable data-post attribute ({data_post[:80]!r})")
    message_id = int(number)
    if channel is not None and claimed.lower() != channel.lower():
        reason = f"post {message_id} claims to be from channel {claimed[:64]!r}; recorded under {channel!r}"
        problems.append(TmeProblem(message_id, reason))
    stamp = node.css(".tgme_widget_message_date time::attr(datetime), time::attr(datetime)").get()
    posted_at, bad_time = post_time(stamp)
    if bad_time is not None:
        problems.append(TmeProblem(message_id, f"post {message_id}: {bad_time}"))
    text_node = node.css(".tgme_widget_message_text")
    text = " ".join(part.strip() for part in text_node.css("::text").getall() if part.strip()) or None
    forwarded = node.css(".tgme_widget_message_forwarded_from_name")
    meta = " ".join(node.css(".tgme_widget_message_meta ::text").getall())
    return TmePost(
        channel=channel or claimed, message_id=message_id, text=text,
        urls=tuple(dict.fromkeys(text_node.css("a::attr(href)").getall())),
        posted_at=posted_at, edited="edited" in meta,
        views=parse_views(node.css(".tgme_widget_message_views::text").get()),
        author=(node.css(".tgme_widget_message_from_author::text").get() or "").strip() or None,
        forwarded_name=" ".join(t.strip() for t in forwarded.css("::text").getall() if t.strip()) or None,
        forwarded_link=forwarded.attrib.get("href") if forwarded else None,
        media=_media(node, message_id, base_url), html=node.get(),
    )  # fmt: skip


def parse_tme_page(html: str, base_url: str, channel: str | None = None) -> TmePage:
    """The posts of one t.me/s page of ``channel`` (the one crawled: every post is recorded under it);
    ``UnrecognisedMarkup`` if it is not such a page."""
    page = Selector(text=html)
    history = page.css(".tgme_channel_history")
    if not history and not page.css(".tgme_channel_info"):
        raise UnrecognisedMarkup("no channel history container (.tgme_channel_history)")
    nodes = page.css("div.tgme_widget_message")
    if page.css(".tgme_widget_message_wrap") and not nodes:
        raise UnrecognisedMarkup("post wrappers without posts")
    posts: list[TmePost] = []
    problems: list[TmeProblem] = []
    for node in nodes:
        try:
            posts.append(_post(node, base_url, channel, problems))
        except (UnrecognisedMarkup, ValueError) as exc:
            problems.append(TmeProblem(None, f"a post could not be read: {exc}"))
    if nodes and not posts:
        raise UnrecognisedMarkup(problems[0].reason)
    title = page.css(".tgme_channel_info_header_title ::text").get()
    return TmePage(title.strip() if title else None, tuple(posts), tuple(problems))

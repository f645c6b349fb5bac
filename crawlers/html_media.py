"""Find the media a web page shows or links to: ``img[src|srcset]``, ``og:image``, ``video``/``source``,
and links to image or video files.

Pure functions over a parsel ``Selector`` so they can be tested on fixtures without a crawl.
Why every ``srcset`` candidate? Sites serve different renditions of one picture at different widths;
each rendition is separate media with its own bytes and hashes, and a blocklist may hold any of them.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".mp4", ".webm", ".mov")
_SRCSET_SPLIT = re.compile(r",\s+(?=\S)")


def _is_fetchable(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a ``srcset`` attribute (``a.jpg 1x, b.jpg 2x`` → ``[a.jpg, b.jpg]``)."""
    urls = []
    for candidate in _SRCSET_SPLIT.split(srcset.strip()):
        url = candidate.strip().split(" ", 1)[0].strip()
        if url:
            urls.append(url)
    return urls


def links_to_media(href: str) -> bool:
    """Whether a link points at a media file by its path's extension."""
    return urlsplit(href).path.lower().endswith(MEDIA_EXTENSIONS)


def extract_media_urls(selector: Selector, base_url: str) -> list[str]:
    """Absolute http(s) URLs of every media item on the page, in document order, without repeats."""
    raw: list[str] = []
    raw += selector.css("img::attr(src)").getall()
    for srcset in selector.css("img::attr(srcset), picture source::attr(srcset)").getall():
        raw += srcset_urls(srcset)
    raw += selector.css('meta[property="og:image"]::attr(content), meta[name="og:image"]::attr(content)').getall()
    raw += selector.css("video::attr(src), video source::attr(src)").getall()
    raw += [href for href in selector.css("a::attr(href)").getall() if links_to_media(href)]
    seen: dict[str, None] = {}
    for url in raw:
        absolute = urljoin(base_url, url.strip())
        if _is_fetchable(absolute):
            seen.setdefault(absolute.split("#", 1)[0], None)
    return list(seen)


def page_title(selector: Selector) -> str | None:
    title = selector.css("title::text").get()
    return title.strip() if title else None

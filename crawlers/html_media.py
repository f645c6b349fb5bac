"""Find the media a web page shows or links to: ``img[src|srcset]``, ``og:image``, ``video``/``source``,
links to image or video files, and what lazy loading hides from those: ``data-src``/``data-srcset``
(and their ``data-lazy-*``/``data-original`` kin) and CSS ``background-image`` in ``style`` attributes.

Pure functions over a parsel ``Selector`` so they can be tested on fixtures without a crawl.
Why every ``srcset`` candidate? Sites serve different renditions of one picture at different widths;
each rendition is separate media with its own bytes and hashes, and a blocklist may hold any of them.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".mp4", ".webm", ".mov")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
LAZY_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-url", "data-bg", "data-background")
LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset")


def _is_fetchable(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a ``srcset`` attribute (``a.jpg 1x, b.jpg 2x`` or ``a.jpg 1x,b.jpg 2x`` → ``[a.jpg, b.jpg]``).

    The HTML standard's parser: a URL runs to the next white space (trailing commas end it), then its
    descriptors run to the next comma outside parentheses.
    """
    urls, position, length = [], 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while position < length and (srcset[position] != "," or depth > 0):
                depth += {"(": 1, ")": -1}.get(srcset[position], 0)
                position += 1
        if url:
            urls.append(url)
    return urls


def style_urls(style: str) -> list[str]:
    """The ``url(...)`` values of a ``style`` attribute (``background-image: url('a.jpg')`` → ``[a.jpg]``)."""
    return [match.group(2).strip() for match in _CSS_URL.finditer(style)]


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
    for name in LAZY_ATTRIBUTES:
        raw += selector.xpath(f"//@{name}").getall()
    for name in LAZY_SRCSETS:
        for srcset in selector.xpath(f"//@{name}").getall():
            raw += srcset_urls(srcset)
    for style in selector.xpath("//@style").getall():
        raw += style_urls(style)
    seen: dict[str, None] = {}
    for url in raw:
        absolute = urljoin(base_url, url.strip())
        if _is_fetchable(absolute):
            seen.setdefault(absolute.split("#", 1)[0], None)
    return list(seen)


def page_title(selector: Selector) -> str | None:
    title = selector.css("title::text").get()
    return title.strip() if title else None

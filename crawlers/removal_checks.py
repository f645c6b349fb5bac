"""Is a post still online? The HTTP checks behind ``ChecksRemoval`` for websites and ``t.me/s`` previews.

Deleted-post detection, exact for each platform:
- web page: HTTP 404 or 410 for the page, or the page no longer contains the media's URL, or the media URL
  answers 404/410 → gone. The media answering with other bytes is "changed" (gone as this evidence).
  Any other failure (5xx, timeout) is "unknown" (``online`` is ``None``): checked again next time.
- ``t.me/s`` preview: the channel page just after the message (``?before=<id+1>``) no longer lists
  ``data-post="<channel>/<id>"`` while it lists older posts → deleted; a channel page that is gone → deleted.
(The Telegram API check is ``TelegramCrawler.check_removal``.)

A re-check may not be steered to the machine's own network: a post stored under a public name is checked
with private addresses refused at every redirect hop and through every name (``crawlers/capped_http.py``);
only a post whose location is itself a private address — which only a source marked
``allow_private_addresses`` can have produced — may reach one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

import aiohttp

from crawlers.base import PostToCheck, RemovalCheck
from crawlers.capped_http import get_capped, http_session
from crawlers.fetch_scope import RefusedAddress, address_refusal
from crawlers.tme_markup import UnrecognisedMarkup, parse_tme_page
from crawlers.version import CRAWLER_VERSION

GONE_STATUSES = (404, 410)
HttpCheck = Callable[[aiohttp.ClientSession, PostToCheck], Awaitable[RemovalCheck]]


def _is_local(post: PostToCheck) -> bool:
    """Whether the post's own location is a private address (its source was marked local to get it)."""
    return address_refusal(urlsplit(post.location).hostname or "") is not None


async def _get(http: aiohttp.ClientSession, url: str, post: PostToCheck) -> tuple[int, bytes]:
    """Status and body, cut at the cap: a bigger answer is not the media we preserved."""
    answer = await get_capped(http, url, allow_private=_is_local(post))
    return answer.status, answer.body


async def check_web(http: aiohttp.ClientSession, post: PostToCheck) -> RemovalCheck:
    try:
        status, page = await _get(http, post.location, post)
        if status in GONE_STATUSES:
            return RemovalCheck(False, f"page gone (HTTP {status})", status)
        if status >= 400:
            return RemovalCheck(None, f"page unreachable (HTTP {status})", status)
        media_path = urlsplit(post.media_url).path
        if post.media_url.encode() not in page and media_path.encode() not in page:
            return RemovalCheck(False, "page no longer shows the media", status)
        media_status, media = await _get(http, post.media_url, post)
    except (aiohttp.ClientError, TimeoutError, RefusedAddress) as exc:
        return RemovalCheck(None, f"unreachable ({type(exc).__name__})")
    if media_status in GONE_STATUSES:
        return RemovalCheck(False, f"media gone (HTTP {media_status})", media_status)
    if media_status >= 400:
        return RemovalCheck(None, f"media unreachable (HTTP {media_status})", media_status)
    if hashlib.sha256(media).hexdigest() != post.media_sha256:
        return RemovalCheck(False, "media replaced by other bytes", media_status)
    return RemovalCheck(True, "still online (same bytes)", media_status)


async def check_tme_preview(http: aiohttp.ClientSession, post: PostToCheck) -> RemovalCheck:
    parts = urlsplit(post.location)
    channel, _, message = parts.path.strip("/").rpartition("/")
    base = f"{parts.scheme}://{parts.netloc}"
    try:
        status, body = await _get(http, f"{base}/s/{channel}?before={int(message) + 1}", post)
    except (aiohttp.ClientError, TimeoutError, RefusedAddress) as exc:
        return RemovalCheck(None, f"unreachable ({type(exc).__name__})")
    except ValueError:
        return RemovalCheck(None, f"not a t.me post link: {post.location}")
    if status in GONE_STATUSES:
        return RemovalCheck(False, f"channel gone (HTTP {status})", status)
    if status >= 400:
        return RemovalCheck(None, f"preview unreachable (HTTP {status})", status)
    try:
        posts = {found.message_id for found in parse_tme_page(body.decode("utf-8", "replace"), base).posts}
    except UnrecognisedMarkup as exc:
        return RemovalCheck(None, f"preview markup not recognised: {exc}", status)
    if int(message) in posts:
        return RemovalCheck(True, "still in the channel preview", status)
    if posts:
        return RemovalCheck(False, "message deleted (absent from the channel preview)", status)
    return RemovalCheck(False, "channel preview shows no posts (channel emptied or hidden)", status)


async def check_over_http(check: HttpCheck, posts: Sequence[PostToCheck], timeout: float) -> dict[str, RemovalCheck]:
    """Run ``check`` for each post, one at a time, in one HTTP session (politeness: no burst of requests)."""
    headers = {"User-Agent": f"jikimi/{CRAWLER_VERSION} (removal re-check)"}
    checks: dict[str, RemovalCheck] = {}
    for local in (False, True):  # one session each: only the local posts' may resolve names to private addresses
        group = [post for post in posts if _is_local(post) == local]
        if group:
            async with http_session(timeout, headers, allow_private=local) as http:
                checks |= {post.location: await check(http, post) for post in group}
    return {post.location: checks[post.location] for post in posts}

"""The registry of source kinds: kind name → crawler class and watchlist model. Add a kind with a line in each.

Crawlers are named as ``"module:Class"`` strings and imported on first use: ``crawlers.telegram``
imports telethon and the other two import Scrapy and Twisted, and most processes that read the registry
(validating a watchlist, ``jikimi status``, the review UI) never crawl. The watchlist models live in
``crawlers/source_configs.py``, which imports only pydantic, so they are held as classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from pydantic import BaseModel

from config.errors import did_you_mean
from config.lazy_imports import load_object
from crawlers.errors import UnknownSourceKind
from crawlers.source_configs import TelegramSourceConfig, TelegramWebSourceConfig, WebSourceConfig

if TYPE_CHECKING:
    from crawlers.base import Crawler

CRAWLERS: dict[str, str] = {
    "web": "crawlers.web:WebCrawler",
    "telegram": "crawlers.telegram:TelegramCrawler",
    "telegram_web": "crawlers.telegram_web:TelegramWebCrawler",
}
"""kind → ``"module:Class"`` of its crawler (a class satisfying ``crawlers.base.Crawler``)."""

CONFIG_MODELS: dict[str, type[BaseModel]] = {
    "web": WebSourceConfig,
    "telegram": TelegramSourceConfig,
    "telegram_web": TelegramWebSourceConfig,
}
"""kind → the model validating that kind's fields in the watchlist (the crawler's ``config_model``)."""

PLATFORMS: dict[str, str] = {"telegram": "telegram", "telegram_web": "telegram"}
"""kind → the platform its posts are on, where that is not the web host of each location."""

PLATFORM_HOSTS: dict[str, str] = {"t.me": "telegram", "telegram.me": "telegram"}
"""Hosts that are a platform (a link into Telegram, whichever kind saw it)."""

UNRECORDED_KIND = "web"
"""The kind of records stored before their source kind was recorded: only web crawls predate it."""


def platform_of(location: str, source_kind: str) -> str:
    """The platform a location is on: removal statistics and the review queue group hits by it."""
    host = urlsplit(location).hostname or ""
    return PLATFORMS.get(source_kind) or PLATFORM_HOSTS.get(host) or host or "unknown"


def crawler_for(kind: str) -> type[Crawler]:
    """The crawler class of ``kind``, imported now if it was not yet.

    An unknown kind raises ``UnknownSourceKind`` with a did-you-mean hint, without importing any crawler.
    """
    try:
        spec = CRAWLERS[kind]
    except KeyError:
        raise UnknownSourceKind(f"unknown source kind {kind!r}, {did_you_mean(kind, list(CRAWLERS))}") from None
    return cast("type[Crawler]", load_object(spec))  # tests/crawlers/test_registry.py checks each one


def config_models() -> dict[str, type[BaseModel]]:
    """kind → the model validating that kind's fields in the watchlist (for ``config.load_watchlist``)."""
    return dict(CONFIG_MODELS)

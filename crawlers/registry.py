"""The registry of source kinds: kind name → crawler class. Add a kind by adding a line here."""

from __future__ import annotations

from pydantic import BaseModel

from config.errors import did_you_mean
from crawlers.base import Crawler
from crawlers.errors import UnknownSourceKind
from crawlers.telegram import TelegramCrawler
from crawlers.telegram_web import TelegramWebCrawler
from crawlers.web import WebCrawler

CRAWLERS: dict[str, type[Crawler]] = {
    WebCrawler.kind: WebCrawler,
    TelegramCrawler.kind: TelegramCrawler,
    TelegramWebCrawler.kind: TelegramWebCrawler,
}


def crawler_for(kind: str) -> type[Crawler]:
    """The crawler class of ``kind``; an unknown kind raises ``UnknownSourceKind`` with a did-you-mean hint."""
    try:
        return CRAWLERS[kind]
    except KeyError:
        raise UnknownSourceKind(f"unknown source kind {kind!r}, {did_you_mean(kind, list(CRAWLERS))}") from None


def config_models() -> dict[str, type[BaseModel]]:
    """kind → the model validating that kind's fields in the watchlist (for ``config.load_watchlist``)."""
    return {kind: crawler.config_model for kind, crawler in CRAWLERS.items()}

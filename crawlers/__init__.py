"""Crawlers: turn watched sources into Sightings. They know nothing about hashing or evidence.

The names below are imported on first use (``config/lazy_imports.py``): ``import crawlers.sighting``
runs this file, and must not load the registry, telethon or Scrapy on the way.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from crawlers.base import Crawler
    from crawlers.errors import CrawlError, RateLimited, SourceUnavailable, UnknownSourceKind
    from crawlers.registry import CRAWLERS, config_models, crawler_for
    from crawlers.sighting import (
        BlocklistHit,
        Capture,
        CrawlProblem,
        Distributor,
        Fingerprints,
        ForwardedFrom,
        Media,
        Sighting,
        utc_now,
    )
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "crawlers.base": ("Crawler",),
            "crawlers.errors": ("CrawlError", "RateLimited", "SourceUnavailable", "UnknownSourceKind"),
            "crawlers.registry": ("CRAWLERS", "config_models", "crawler_for"),
            "crawlers.sighting": (
                "BlocklistHit",
                "Capture",
                "CrawlProblem",
                "Distributor",
                "Fingerprints",
                "ForwardedFrom",
                "Media",
                "Sighting",
                "utc_now",
            ),
        },
    )

__all__ = [
    "CRAWLERS",
    "BlocklistHit",
    "Capture",
    "CrawlError",
    "CrawlProblem",
    "Crawler",
    "Distributor",
    "Fingerprints",
    "ForwardedFrom",
    "Media",
    "RateLimited",
    "Sighting",
    "SourceUnavailable",
    "UnknownSourceKind",
    "config_models",
    "crawler_for",
    "utc_now",
]

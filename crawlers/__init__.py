"""Crawlers: turn watched sources into Sightings. They know nothing about hashing or evidence."""

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

"""The ``Crawler`` protocol: what every source kind (web, telegram_web, telegram) provides."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar, Protocol

from pydantic import BaseModel

from config.settings import Settings
from config.watchlist import Source
from crawlers.sighting import CrawlProblem, Sighting


class Crawler(Protocol):
    """Turns one source into a stream of Sightings (and CrawlProblems for what it could not fetch).

    Contract: media go to temporary files under ``workdir``, which the caller owns and removes; a bad
    item is a ``CrawlProblem``, never an exception; a source that cannot be crawled at all raises a
    ``CrawlError`` (``SourceUnavailable``, ``RateLimited``). ``config_model`` validates the source's
    fields in the watchlist.
    """

    kind: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]

    @classmethod
    def from_settings(cls, settings: Settings) -> Crawler: ...

    def crawl(self, source: Source, workdir: Path) -> AsyncIterator[Sighting | CrawlProblem]: ...

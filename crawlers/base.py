"""The ``Crawler`` protocol: what every source kind (web, telegram_web, telegram) provides."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

from config.settings import Settings
from config.watchlist import Source
from crawlers.sighting import CrawlRecord, Sighting


@dataclass(frozen=True, slots=True)
class SourceState:
    """What a crawler remembers about a source between runs (kept in the store)."""

    source_id: str
    watermark: int | None = None
    resolved: Mapping[str, str | int] = field(default_factory=dict)


async def nothing_known(platform_file_id: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class CrawlContext:
    """What one crawl of one source is given.

    ``workdir`` is a private temporary folder the caller removes; ``state`` is what earlier runs
    left; ``known_media(platform file id)`` returns the SHA-256 of media already hashed, so the crawler
    need not download it again.
    """

    workdir: Path
    state: SourceState
    known_media: Callable[[str], Awaitable[str | None]] = nothing_known


class Crawler(Protocol):
    """Turns one source into a stream of Sightings, CrawlProblems and Checkpoints.

    Contract: media go to temporary files under ``context.workdir``; a bad item is a ``CrawlProblem``,
    never an exception; a source that cannot be crawled at all raises a ``CrawlError``
    (``SourceUnavailable``, ``RateLimited``) after yielding what it had. ``config_model`` validates the
    source's fields in the watchlist.
    """

    kind: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]

    @classmethod
    def from_settings(cls, settings: Settings) -> Crawler: ...

    def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]: ...


@runtime_checkable
class RefetchesMedia(Protocol):
    """A crawler that can download a sighting's media again (a hit on media known only by its id)."""

    async def fetch_media(self, sighting: Sighting, workdir: Path) -> Path | None: ...

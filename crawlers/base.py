"""The ``Crawler`` protocol: what every source kind (web, telegram_web, telegram) provides, and the optional
abilities a kind may add (``RefetchesMedia``, ``RecapturesPosts``, ``ChecksRemoval``), so that ``monitor/``
never switches on a kind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

from config.settings import Settings
from config.watchlist import Source
from crawlers.sighting import CrawlRecord, Sighting
from crawlers.temp_files import SealedFiles, TempFiles


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

    ``workdir`` is a private temporary folder the caller removes, and ``files`` the run's key every file
    written there is sealed with (``crawlers/temp_files.py``: never plaintext on disk); ``state`` is what
    earlier runs left; ``known_media(platform file id)`` returns the SHA-256 of media already hashed, so the
    crawler need not download it again.
    """

    workdir: Path
    state: SourceState
    known_media: Callable[[str], Awaitable[str | None]] = nothing_known
    files: SealedFiles = field(default_factory=SealedFiles.new)


class Crawler(Protocol):
    """Turns one source into a stream of Sightings, CrawlProblems and Checkpoints.

    Contract: media go to temporary files under ``context.workdir``, sealed with ``context.files``; a bad
    item is a ``CrawlProblem``, never an exception; a source that cannot be crawled at all raises a ``CrawlError``
    (``SourceUnavailable``, ``RateLimited``) after yielding what it had. ``config_model`` validates the
    source's fields in the watchlist.
    """

    kind: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    exclusive: ClassVar[bool]  # runs of this kind never overlap (they share one account session)

    @classmethod
    def from_settings(cls, settings: Settings) -> Crawler: ...

    def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]: ...


@runtime_checkable
class RefetchesMedia(Protocol):
    """A crawler that can download a sighting's media again (a hit on media known only by its id)."""

    async def fetch_media(self, sighting: Sighting, workdir: Path, files: TempFiles) -> Path | None:
        """The media downloaded again into ``workdir``, written through ``files``; ``None`` when it cannot be."""


@runtime_checkable
class RecapturesPosts(Protocol):
    """A crawler that can capture a post it saw earlier again, now: retro-matching preserves what a new
    blocklist entry matches among media whose bytes were not kept."""

    async def recapture(self, sighting: Sighting, workdir: Path, files: TempFiles) -> Sighting | None:
        """The sighting with fresh page and media files under ``workdir`` (written through ``files``) when the
        post is still online with the same media bytes; ``None`` when it is gone, changed or cannot be fetched now."""


@dataclass(frozen=True, slots=True)
class PostToCheck:
    """A location whose removal is checked: where it was, the media that was there, and what earlier runs
    of its source left (a Telegram channel's id and access hash)."""

    location: str
    media_url: str
    media_sha256: str
    state: SourceState


@dataclass(frozen=True, slots=True)
class RemovalCheck:
    """Whether a post is still online: ``None`` when it could not be told this time (checked again later)."""

    online: bool | None
    result: str
    http_status: int | None = None


@runtime_checkable
class ChecksRemoval(Protocol):
    """A crawler that can tell whether posts it found are still online (removal re-checks)."""

    async def check_removal(self, posts: Sequence[PostToCheck]) -> dict[str, RemovalCheck]:
        """Location → its check, for every post given."""

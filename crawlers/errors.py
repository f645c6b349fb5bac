"""Errors of crawling a source.

::

    JikimiError
    └── CrawlError                 a source could not be crawled this run (other sources go on)
        ├── UnknownSourceKind      the watchlist names a kind no crawler handles
        ├── SourceUnavailable      dead site, private/banned channel: the source's status says so
        └── RateLimited            the platform asked us to wait ``retry_after`` seconds (until ``retry_at``)
    └── SealBroken                 an encrypted file (``crawlers/sealing.py``) was altered, cut, or needs another key
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from config.errors import JikimiError


class Unavailable(StrEnum):
    """Why a source cannot be crawled now, in the word ``jikimi status`` shows (a run ends in this status)."""

    UNREACHABLE = "unreachable"
    PRIVATE = "private"
    NOT_FOUND = "not-found"
    BANNED = "banned"
    MARKUP_UNRECOGNISED = "markup-unrecognised"


class CrawlError(JikimiError):
    """A source could not be crawled; ``source_id`` names it."""

    def __init__(self, message: str, *, source_id: str | None = None) -> None:
        super().__init__(message)
        self.source_id = source_id


class UnknownSourceKind(CrawlError):
    """Raised by ``crawler_for`` for a kind that is not registered (with a did-you-mean hint)."""

    exit_code = 2


class SourceUnavailable(CrawlError):
    """The source cannot be reached or read now; ``status`` says why."""

    def __init__(
        self, message: str, *, source_id: str | None = None, status: Unavailable = Unavailable.UNREACHABLE
    ) -> None:
        super().__init__(message, source_id=source_id)
        self.status = status


class RateLimited(CrawlError):
    """The platform asked us to wait ``retry_after`` seconds: not again before ``retry_at`` (UTC)."""

    def __init__(self, message: str, *, retry_after: float, source_id: str | None = None) -> None:
        super().__init__(message, source_id=source_id)
        self.retry_after = retry_after
        self.retry_at = datetime.now(UTC) + timedelta(seconds=retry_after)


class SealBroken(JikimiError):
    """An encrypted file does not decrypt: altered, truncated, or encrypted with another key (or none).

    Evidence raises its own ``DecryptionFailed``, a subclass; a crawl's temporary file raises this."""

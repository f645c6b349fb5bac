"""Errors of crawling a source.

::

    JikimiError
    └── CrawlError                 a source could not be crawled this run (other sources go on)
        ├── UnknownSourceKind      the watchlist names a kind no crawler handles
        ├── SourceUnavailable      dead site, private/banned channel: the source's status says so
        └── RateLimited            the platform asked us to wait ``retry_after`` seconds
"""

from __future__ import annotations

from config.errors import JikimiError


class CrawlError(JikimiError):
    """A source could not be crawled; ``source_id`` names it."""

    def __init__(self, message: str, *, source_id: str | None = None) -> None:
        super().__init__(message)
        self.source_id = source_id


class UnknownSourceKind(CrawlError):
    """Raised by ``crawler_for`` for a kind that is not registered (with a did-you-mean hint)."""

    exit_code = 2


class SourceUnavailable(CrawlError):
    """The source cannot be reached or read now; ``status`` says why in one word for ``jikimi status``:
    ``unreachable``, ``private``, ``not-found``, ``banned``, ``markup-unrecognised``."""

    def __init__(self, message: str, *, source_id: str | None = None, status: str = "unreachable") -> None:
        super().__init__(message, source_id=source_id)
        self.status = status


class RateLimited(CrawlError):
    """The platform asked us to wait; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: float, source_id: str | None = None) -> None:
        super().__init__(message, source_id=source_id)
        self.retry_after = retry_after

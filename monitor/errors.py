"""Errors of hashing, blocklists and storage.

::

    JikimiError
    └── MonitorError
        ├── MediaError             media could not be fingerprinted (recorded on the sighting)
        │   ├── UnsupportedMedia   not a picture we can decode (truncated, corrupt, video for now)
        │   └── MediaTooLarge      refused as a decompression bomb or over the size cap
        ├── BlocklistError         a hash list file has bad rows (exit status 2; nothing imported)
        │   └── UnknownHashType
        ├── StoreError             the database refused or is unreachable
        └── BadCaseCode            a case code that is not letters, digits, ``-``, ``_`` and ``.`` (exit status 2)
"""

from __future__ import annotations

from config.errors import JikimiError


class MonitorError(JikimiError):
    """Trouble in the monitoring pipeline."""


class MediaError(MonitorError):
    """One media file could not be fingerprinted. Recorded on its sighting; the crawl goes on."""


class UnsupportedMedia(MediaError):
    """Not a picture we can decode: truncated, corrupt, not an image."""


class MediaTooLarge(MediaError):
    """Over the pixel cap (decompression bomb guard) or the size cap."""


class BlocklistError(MonitorError):
    """A hash list could not be imported; ``problems`` lists ``(line, message)``. Nothing was imported."""

    exit_code = 2

    def __init__(self, message: str, problems: list[tuple[int, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class UnknownHashType(BlocklistError):
    """A hash type name that is not in ``monitor/signals``."""


class StoreError(MonitorError):
    """The store refused an operation or cannot be reached."""


class BadCaseCode(MonitorError):
    """A case code that breaks the rule of ``monitor/packets/case_codes.py``; ``reason`` says which part."""

    exit_code = 2

    def __init__(self, message: str, *, code: str, reason: str) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason

"""The one record that flows from the crawlers through the pipeline into evidence: a ``Sighting``.

A Sighting is one piece of media seen at one place at one time, with everything known about where it was
and who posted it. Crawlers fill in where and who (``Distributor``, ``Media``, ``Capture``); the pipeline
adds ``fingerprints`` and ``hits`` with ``dataclasses.replace``. Crawlers know nothing about hashing or
evidence; the pipeline knows nothing about Telegram or HTML.

Why are all times tz-aware UTC? Evidence states capture and post times in UTC with ``Z``; keeping every
datetime aware from the start means no stage can mix local and UTC times by accident.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawlers.errors import Unavailable
from crawlers.fetch_scope import FetchScope


def utc_now() -> datetime:
    """The crawler's clock, tz-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ForwardedFrom:
    """Where a forwarded post came from, as the platform shows it."""

    peer_id: str | None = None
    name: str | None = None
    link: str | None = None
    date: datetime | None = None
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Distributor:
    """Where the media was posted and who posted it, as observed. Fields a platform lacks stay ``None``."""

    channel_id: str | None = None
    channel_username: str | None = None
    channel_title: str | None = None
    message_id: int | None = None
    grouped_id: int | None = None
    sender_id: str | None = None
    sender_username: str | None = None
    sender_name: str | None = None
    author_signature: str | None = None
    forwarded_from: ForwardedFrom | None = None
    reply_to: int | None = None
    text: str | None = None
    posted_at: datetime | None = None
    edited_at: datetime | None = None
    views: int | None = None
    forwards: int | None = None
    replies: int | None = None
    urls: tuple[str, ...] = ()
    page_title: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """The media bytes as downloaded: a temporary file the pipeline hashes and then removes or preserves."""

    url: str
    path: Path | None = None
    mime: str | None = None
    size: int | None = None
    platform_file_id: str | None = None
    sha256: str | None = None  # set instead of ``path`` when the platform id says we hashed these bytes before


@dataclass(frozen=True, slots=True)
class Capture:
    """How and when it was captured. ``raw_path`` is the page HTML or the post JSON, a temporary file."""

    captured_at: datetime
    crawler: str
    crawler_version: str
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = ()
    final_url: str | None = None
    raw_path: Path | None = None
    raw_mime: str | None = None
    warc_path: Path | None = None  # the HTTP exchange as a WARC (request and response records)
    account_id: str | None = None  # the Telegram account that read it, by id only (never its phone or name)
    scope: FetchScope | None = None  # where the crawl could go: the screenshot is held to the same


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Hashes of one media file: ``values`` maps a signal name (sha256, md5, pdq, phash) to its hex value.

    ``variants`` holds query-side variants (mirrored, rotated, border-trimmed) used only for matching,
    so a victim still supplies one hash per picture. ``error`` says why perceptual hashing failed: an
    exact-hash-only fingerprint is never silently a "no match".
    """

    values: Mapping[str, str]
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pdq_quality: int | None = None
    width: int | None = None
    height: int | None = None
    error: str | None = None
    frames: tuple[str, ...] = ()  # a video's kept frames (PDQ), at ``frame_seconds``
    frame_seconds: tuple[float, ...] = ()

    @property
    def sha256(self) -> str:
        return self.values["sha256"]


@dataclass(frozen=True, slots=True)
class BlocklistHit:
    """A match of this sighting's media against one blocklist entry (one signal of a blocklist item)."""

    entry_id: str
    hash_type: str
    case: str
    label: str
    distance: int
    matched_value: str  # the media's side: the probe that matched (its value or a variant), or "frames k/n"
    item_id: str = ""  # the blocklist item (victim picture) the entry is a signal of
    entry_value: str = ""  # the blocklist entry's own hash


@dataclass(frozen=True, slots=True)
class Sighting:
    """One piece of media seen at one place and time. Immutable: stages add facts with ``replace()``."""

    source_id: str
    source_kind: str
    location: str
    seen_at: datetime
    media: Media
    distributor: Distributor = field(default_factory=Distributor)
    capture: Capture | None = None
    fingerprints: Fingerprints | None = None
    hits: tuple[BlocklistHit, ...] = ()
    error: str | None = None

    @property
    def id(self) -> str:
        """Deterministic id: the same media at the same place from the same source is one sighting.

        Needs the media's SHA-256, so it exists only after fingerprinting.
        """
        if self.fingerprints is None:
            raise ValueError(f"sighting at {self.location} has no fingerprints yet, so no id")
        key = "\n".join((self.source_id, self.location, self.media.url, self.fingerprints.sha256))
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CrawlProblem:
    """Something a crawler could not fetch or read: recorded on the run, and the crawl goes on."""

    source_id: str
    location: str
    reason: str
    media_url: str | None = None
    at: datetime = field(default_factory=utc_now)
    distributor: Distributor | None = None  # what is known of the post, e.g. for media over the size cap
    stops_source: Unavailable | None = None  # set when nothing of the source can be read (its run's status)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A crawler's progress marker: everything yielded before it is done with.

    The pipeline saves it only once every sighting yielded before it is stored, so a crash never moves
    a watermark past unstored work. ``watermark`` is the highest message id fully processed;
    ``resolved`` holds platform ids looked up once and cached (channel id, access hash, username).
    """

    source_id: str
    watermark: int | None = None
    resolved: Mapping[str, str | int] | None = None


CrawlRecord = Sighting | CrawlProblem | Checkpoint
"""What a crawler yields."""

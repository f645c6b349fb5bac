"""What the accountability report is made from: one removal timeline per confirmed location, and the notices.

The report (``report.py``) is a pure function of ``RemovalTimeline`` records, so its figures can be stated on
hand-made timelines; reading them from the store is ``report_gathering.py``. What was sent comes through a
``NoticeHistorySource``: until the outbox answers it, ``NoNoticesSent`` says nothing was sent, and the report
is made from the removals alone (its clocks then start at first seen).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class RemovalOutcome(StrEnum):
    """How a location ended, as far as the removal re-checks can tell (``report_gathering.outcome_of``).

    Kept apart because they say different things about a provider: a post deleted is the operator acting
    on the post; a channel gone is Telegram (or the channel's owner) acting on the whole channel; a page gone
    is the site acting on the page; media replaced is the file swapped for other bytes under the same name.
    """

    POST_DELETED = "post deleted"
    CHANNEL_GONE = "channel banned, restricted or closed"
    PAGE_GONE = "page gone"
    MEDIA_REPLACED = "media replaced"
    GONE_UNKNOWN = "gone (reason unknown)"
    ONLINE = "still online"
    UNCHECKED = "not checked yet"  # never re-checked, or every check was inconclusive

    @property
    def removed(self) -> bool:
        return self not in (RemovalOutcome.ONLINE, RemovalOutcome.UNCHECKED)


REMOVED_OUTCOMES = tuple(outcome for outcome in RemovalOutcome if outcome.removed)


@dataclass(frozen=True, slots=True)
class RemovalTimeline:
    """One confirmed location from first seen to removal (or to now).

    Times are tz-aware UTC. ``recipient`` is the first notice's recipient id ("" when none was sent);
    ``notices_sent`` counts every notice and re-send naming the location. ``removed_at`` is when a re-check
    first found it gone — an upper bound on the removal time, late by at most the re-check interval.
    """

    platform: str
    recipient: str
    location: str
    card_id: str
    first_seen: datetime
    first_notice_at: datetime | None
    notices_sent: int
    removed_at: datetime | None
    outcome: RemovalOutcome


@dataclass(frozen=True, slots=True)
class LocationNotices:
    """What was sent about one location: to whom first, when first, and how many notices and re-sends."""

    recipient: str
    first_notice_at: datetime
    notices_sent: int


class NoticeHistorySource(Protocol):
    """What the notices sent say about locations (the outbox will answer; ``NoNoticesSent`` until then)."""

    async def notices_by_location(self, locations: Sequence[str]) -> Mapping[str, LocationNotices]:
        """Per location of ``locations`` that any notice named, its notices; the others are left out."""
        ...


class NoNoticesSent:
    """The history before anything is sent: no location was named by a notice."""

    async def notices_by_location(self, locations: Sequence[str]) -> Mapping[str, LocationNotices]:
        return {}

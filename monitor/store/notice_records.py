"""What the takedown outbox stores: one record per notice with its state and every attempt, and the facts a
reviewer sets on a card (suspected minor, legal category) that routing reads.

These records sit beside the store (like ``monitor/store/queries.py``) because both back ends persist them and
``monitor/takedown/`` (a layer above the store) reads and writes them. All times are tz-aware UTC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from config.recipients import Category
from monitor.records import stable_id


class NoticeState(StrEnum):
    """Where a notice stands. ``sending`` is written before the SMTP transaction and ``sent`` after it, so a
    notice found ``sending`` by a later run is one whose outcome nobody knows (``needs_check`` says so)."""

    QUEUED = "queued"  # due (first time or a re-send), not yet tried; a manual notice waits here for a person
    SENDING = "sending"  # an SMTP transaction started and its outcome is not recorded (yet, or ever: a crash)
    SENT = "sent"  # the SMTP server accepted it (``sent`` has the time); re-sent later while still online
    FAILED = "failed"  # the last attempt failed before the server took the message: tried again next run
    SUBMITTED = "submitted"  # a person submitted it by hand (a manual notice, or one whose send was unconfirmed)
    STOPPED = "stopped"  # its places are gone, its card is no longer confirmed or its picture was withdrawn


ACTIVE_STATES = (NoticeState.QUEUED, NoticeState.SENDING, NoticeState.SENT, NoticeState.FAILED, NoticeState.SUBMITTED)


@dataclass(frozen=True, slots=True)
class NoticePlace:
    """One location a notice names, with the evidence packets and cards behind it."""

    url: str
    packet_ids: tuple[str, ...]
    card_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoticeAttempt:
    """One try to send: when, and what went wrong (empty ``error``: the server accepted the message, and
    ``reply`` is what it answered, often with its queue id)."""

    at: datetime
    error: str = ""
    reply: str = ""


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """One notice in the outbox: to one recipient, about one batch of places, in one round.

    ``id`` is ``notice_record_id(recipient, rule, category, urls, round)``: planning the same batch again finds
    the same record, so a repeated or crashed run never makes a second one. ``round`` grows only when a batch
    that was stopped is planned again (a card confirmed again), so the stopped record stays as it ended.
    ``sent``: every time the notice was accepted by the server or submitted by hand (first send and
    re-sends). ``revision`` grows with every change; updates compare it (the outbox's compare-and-set)."""

    id: str
    recipient: str
    rule: str
    category: str
    reason: str
    language: str
    channel: str
    places: tuple[NoticePlace, ...]
    created_at: datetime
    round: int = 0
    state: NoticeState = NoticeState.QUEUED
    attempts: tuple[NoticeAttempt, ...] = ()
    sent: tuple[datetime, ...] = ()
    subject: str = ""
    body_sha256: str = ""
    reference: str = ""
    submitted_by: str = ""
    stopped_reason: str = ""
    needs_check: str = ""
    sending_since: datetime | None = None
    revision: int = 0

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(place.url for place in self.places)

    @property
    def last_error(self) -> str:
        return self.attempts[-1].error if self.attempts else ""

    def changed(self, **changes: object) -> NoticeRecord:
        """This record with ``changes`` and the next revision (what ``update_notice`` stores)."""
        return dataclasses.replace(self, revision=self.revision + 1, **changes)  # type: ignore[arg-type]


def notice_record_id(recipient: str, rule: str, category: str, urls: tuple[str, ...], round: int) -> str:
    """The same recipient, rule, category, places and round give the same id in any process."""
    return stable_id("notice", recipient, rule, category, *sorted(urls), str(round), length=24)


@dataclass(frozen=True, slots=True)
class CardFlags:
    """What a reviewer set on a card for routing: ``suspected_minor``, the legal ``category`` (one of
    ``config.recipients.Category``'s values, or empty when nobody chose), the recipients ``withheld`` from
    this card's notices and those ``added`` to them (seen on the card page before anything is sent).
    ``set_by``/``set_at``: who and when."""

    card_id: str
    suspected_minor: bool
    category: str
    set_by: str
    set_at: datetime
    withheld: tuple[str, ...] = ()  # recipient ids a reviewer took off this card's notices (routing skips them)
    added: tuple[str, ...] = ()  # recipient ids a reviewer asked too, where the card's rule allows their role

    def __post_init__(self) -> None:
        if self.category and self.category not in tuple(Category):
            allowed = ", ".join(category.value for category in Category)
            raise ValueError(f"card {self.card_id}: category must be one of {allowed} or empty (got {self.category!r})")

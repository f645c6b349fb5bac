"""Match today's plan against the outbox: which notices are new, which must stop, which are due (again) now.

Pure functions of the stored notices, the plan and ``now`` (an injected clock's reading), so the rules are
stated by tests without waiting:

1. **History**: when each (recipient, place) was first and last notified — every time a notice was accepted by
   the server or submitted by hand. Routing escalates from the first (``NoticeHistory``); re-sends count
   from the last.
2. **Stop**: an active notice whose batch the plan no longer holds — a place found gone by the last removal
   re-check, a card no longer confirmed, a picture withdrawn, or a batch that changed — is stopped at once,
   with the plan's reason; no later notice names a place the plan leaves out.
3. **New**: a planned batch with no active notice gets one (``round`` 0, or one more than a stopped one's).
4. **Due**: a notice is due when one of its places was never notified to its recipient, or last notified
   longer ago than the recipient's ``resend`` interval — so a new notice is due at once, a sent one again
   after the interval while its places are still planned (still online, or not yet checked), a batch that
   lost a place (found gone) only when its other places' last notice is that old, and a batch that gained a
   new place at once (a new place is never kept waiting for the others' interval). The interval counts per
   legal category: when a reviewer corrects a card's category (or flags a suspected minor), the notice that
   states the new one goes at once — a recipient must not act for a day on a request that names the wrong
   offence. A notice in ``sending`` is never due (its outcome is unknown: a person checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from config.recipients import RecipientsFile
from monitor.store.notice_records import (
    ACTIVE_STATES,
    NoticePlace,
    NoticeRecord,
    NoticeState,
    notice_record_id,
)
from monitor.takedown.content import notice_reference
from monitor.takedown.records import NoticeHistory, NoticePlan, PlannedNotice

BatchKey = tuple[str, str, str, frozenset[str]]


def batch_key(recipient: str, rule: str, category: str, urls: Iterable[str]) -> BatchKey:
    return recipient, rule, category, frozenset(urls)


def planned_key(notice: PlannedNotice) -> BatchKey:
    return batch_key(notice.recipient, notice.rule, notice.category, (location.url for location in notice.locations))


def record_key(record: NoticeRecord) -> BatchKey:
    return batch_key(record.recipient, record.rule, record.category, record.urls)


def notified_times(records: Iterable[NoticeRecord]) -> dict[tuple[str, str], list[datetime]]:
    """Step 1: every time each (recipient, place) was notified, oldest first."""
    times: dict[tuple[str, str], list[datetime]] = {}
    for record in records:
        for url in record.urls:
            times.setdefault((record.recipient, url), []).extend(record.sent)
    return {key: sorted(found) for key, found in times.items() if found}


def last_notified(records: Iterable[NoticeRecord]) -> dict[tuple[str, str, str], datetime]:
    """Step 4's clock: when each (recipient, category, place) was last notified."""
    last: dict[tuple[str, str, str], datetime] = {}
    for record in records:
        for url in record.urls:
            for at in record.sent:
                key = (record.recipient, record.category, url)
                last[key] = max(last.get(key, at), at)
    return last


def history_of(records: Iterable[NoticeRecord]) -> NoticeHistory:
    """What routing needs to escalate: when each (recipient, place) was first notified."""
    return NoticeHistory({key: found[0] for key, found in notified_times(records).items()})


@dataclass(frozen=True, slots=True)
class OutboxChanges:
    """Steps 2-4: notices to stop (with their reason), to add, and the ones due now with their planned notice."""

    stop: tuple[tuple[NoticeRecord, str], ...]
    new: tuple[NoticeRecord, ...]
    due: tuple[tuple[NoticeRecord, PlannedNotice], ...]


def reconcile(
    records: Sequence[NoticeRecord], plan: NoticePlan, recipients: RecipientsFile, now: datetime
) -> OutboxChanges:
    """What the outbox must do now for ``plan`` (the module docstring's steps)."""
    planned = {planned_key(notice): notice for notice in plan.notices}
    active = {record_key(r): r for r in records if r.state in ACTIVE_STATES}
    known = {recipient.id for recipient in recipients.recipients}
    stop = tuple((record, _why_stopped(record, plan, known)) for key, record in active.items() if key not in planned)
    rounds: dict[BatchKey, int] = {}
    for record in records:
        rounds[record_key(record)] = max(rounds.get(record_key(record), -1), record.round)
    new = {
        key: new_record(notice, rounds.get(key, -1) + 1, now, recipients)
        for key, notice in planned.items()
        if key not in active
    }
    notified = last_notified(records)
    due = []
    for key, notice in planned.items():  # the plan's order: a suspected minor's notices first
        record = active.get(key) or new[key]
        if record.state is NoticeState.SENDING:
            continue
        resend = recipients.recipient(notice.recipient).resend
        last = [notified.get((notice.recipient, record.category, url)) for url in record.urls]
        if any(at is None or now - at >= resend for at in last):
            due.append((record, notice))
    return OutboxChanges(stop, tuple(new.values()), tuple(due))


def new_record(notice: PlannedNotice, round: int, now: datetime, recipients: RecipientsFile) -> NoticeRecord:
    """A queued notice for a planned batch, with the evidence and cards of each of its places."""
    urls = tuple(location.url for location in notice.locations)
    recipient = recipients.recipient(notice.recipient)
    places = tuple(
        NoticePlace(
            location.url,
            tuple(sorted({e.packet_id for e in location.evidence if e.packet_id})),
            tuple(location.card_ids),
        )
        for location in notice.locations
    )
    return NoticeRecord(
        id=notice_record_id(notice.recipient, notice.rule, notice.category, urls, round),
        recipient=notice.recipient, rule=str(notice.rule), category=str(notice.category), reason=notice.reason,
        language=recipient.language.value, channel=recipient.channel.value, places=places, created_at=now,
        round=round, reference=notice_reference(notice),
    )  # fmt: skip


def _why_stopped(record: NoticeRecord, plan: NoticePlan, known: set[str]) -> str:
    """The plan's own reason for each place left out, else: the batch changed (another notice carries it)."""
    if record.recipient not in known:
        return f"the recipients file no longer has a recipient {record.recipient!r}"
    left_out = {item.url: item.reason for item in plan.unplanned}
    still = {location.url for notice in plan.notices for location in notice.locations}
    reasons = [f"{url}: {left_out[url]}" for url in record.urls if url in left_out]
    reasons += [f"{url}: no confirmed card names it any more" for url in record.urls
                if url not in left_out and url not in still]  # fmt: skip
    return "; ".join(reasons) or "its places are now batched differently (another notice names them)"

"""The takedown outbox: plan, then send what is due, so that a crash never sends a notice twice or loses one.

One pass (``send_due``; ``jikimi notices send`` runs one, the daemon one per ``JIKIMI_NOTICE_INTERVAL``):

1. A notice left in ``sending`` longer than ``stale_after`` by a run that died is marked for a person to check.
   It is *not* re-sent: SMTP cannot tell whether a server accepted a message whose reply was lost, and relays
   do not de-duplicate by Message-ID, so re-sending could ask a recipient twice — a person looks at the relay's
   log, then records it (``jikimi notices submit ID --by NAME``) or sends it again (``jikimi notices retry``).
2. The plan is made from the confirmed cards with the outbox's history (first notices, for escalation).
3. ``monitor/takedown/resending.py`` stops the notices the plan no longer holds, adds the new ones (each
   stored, ``queued``, before anything is sent: a crash after this loses nothing), and finds the due ones.
4. Each due notice, most urgent first, within its recipient's ``rate_per_hour``: a ``manual`` one waits in
   ``queued`` for a person; an ``email`` one is claimed (``sending``, by compare-and-set, so two senders never
   both send it), sent, and recorded (``sent`` with the time, or ``failed`` with the error, tried again next
   pass). A failure never stops the pass; once the server cannot be reached at all (no connection, no
   banner), the pass's other e-mails stay queued for the next pass instead of each waiting out the timeout.
5. Every send, failure and manual submission is a ``notified`` custody event on each packet the notice names.

Time comes from ``clock`` (a callable returning tz-aware UTC now): tests drive re-sends and escalations by
moving it, never by sleeping.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.errors import UsageError
from config.recipients import Channel, Recipient, RecipientsFile
from evidence.canonical_json import utc_z
from evidence.custody import CustodyKind
from monitor.packets.custody_log import append_event
from monitor.store.base import NoticeStore
from monitor.store.notice_records import NoticeAttempt, NoticeRecord, NoticeState
from monitor.takedown.content import render_email
from monitor.takedown.gathering import NoticeSourceStore, confirmed_cards
from monitor.takedown.records import PlannedNotice
from monitor.takedown.resending import history_of, reconcile
from monitor.takedown.routing import plan_notices
from monitor.takedown.sending import MailSender, OutgoingMail, SendFailed

log = logging.getLogger("jikimi.notices")
Clock = Callable[[], datetime]
HOUR = timedelta(hours=1)


class OutboxStore(NoticeSourceStore, NoticeStore, Protocol):
    """What a pass reads and writes: the cards and their facts, the outbox, the custody log."""


@dataclass(frozen=True, slots=True)
class Signing:
    """Who records the custody events of a pass, with the key that signs them."""

    actor: str
    signer: Ed25519PrivateKey | None


@dataclass(slots=True)
class OutboxRun:
    """What one pass did, for the command line and the daemon's log. ``problems``: one line per failure."""

    sent: int = 0
    failed: int = 0
    unconfirmed: int = 0
    waiting: int = 0
    rate_limited: int = 0
    stopped: int = 0
    created: int = 0
    problems: list[str] = field(default_factory=list)


async def send_due(
    store: OutboxStore, recipients: RecipientsFile, sender: MailSender | None, *, clock: Clock, signing: Signing,
    stale_after: timedelta,
) -> OutboxRun:  # fmt: skip
    """One pass of the outbox (the module docstring's steps). ``sender``: ``None`` when ``JIKIMI_SMTP_URL`` is
    not set — e-mail notices then stay queued, each named in ``problems``."""
    run = OutboxRun()
    now = clock()
    records = await store.notices()
    await _flag_interrupted(store, records, now, stale_after, signing, run)  # 1
    records = await store.notices()
    plan = plan_notices(await confirmed_cards(store), recipients, now=now, history=history_of(records))  # 2
    changes = reconcile(records, plan, recipients, now)  # 3
    run.stopped += await _apply_stops(store, changes.stop)
    for record in changes.new:
        run.created += int(await store.put_notice(record))
    recent = _sent_since(records, now - HOUR)
    unreachable = ""  # once the server cannot be reached, the pass's other e-mails wait for the next pass
    for record, notice in changes.due:  # 4
        current = await store.get_notice(record.id)
        if current is None or current.state in (NoticeState.SENDING, NoticeState.STOPPED):
            continue
        recipient = recipients.recipient(current.recipient)
        if recipient.channel is Channel.MANUAL:
            await _wait_for_a_person(store, current, run)
            continue
        if recipient.rate_per_hour is not None and recent.get(recipient.id, 0) >= recipient.rate_per_hour:
            run.rate_limited += 1
            continue
        if sender is None or unreachable:
            why = "JIKIMI_SMTP_URL is not set" if sender is None else f"not tried, {unreachable}"
            run.problems.append(f"{current.reference} to {recipient.id}: not sent, {why}")
            run.failed += 1
            continue
        outcome = await _send_one(store, current, notice, recipient, recipients, sender, clock, signing, run)
        if outcome is True:
            recent[recipient.id] = recent.get(recipient.id, 0) + 1
        elif isinstance(outcome, str):
            unreachable = f"the SMTP server was unreachable earlier in this pass ({outcome})"
    return run


async def stop_unplanned(store: OutboxStore, recipients: RecipientsFile, now: datetime) -> int:
    """Step 3's stops alone, at once: what a person just changed (a card flagged suspected minor, a recipient
    withheld) must not leave a stale notice open until the next pass — a manual one could be submitted by
    hand meanwhile. Returns how many notices were stopped."""
    records = await store.notices()
    plan = plan_notices(await confirmed_cards(store), recipients, now=now, history=history_of(records))
    return await _apply_stops(store, reconcile(records, plan, recipients, now).stop)


async def _apply_stops(store: OutboxStore, stops: Sequence[tuple[NoticeRecord, str]]) -> int:
    stopped = 0
    for record, why in stops:
        if await store.update_notice(record.changed(state=NoticeState.STOPPED, stopped_reason=why)):
            stopped += 1
            log.info("notice stopped: %s", why, extra={"notice": record.id, "recipient": record.recipient})
    return stopped


def stale_after_for(smtp_timeout: float) -> timedelta:
    """How long a ``sending`` notice may be another pass's send in progress: longer than any send can take
    (a connection, a few replies and the data, each bounded by the timeout), plus a margin."""
    return timedelta(seconds=6 * smtp_timeout + 60)


def _sent_since(records: Sequence[NoticeRecord], since: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.recipient] = counts.get(record.recipient, 0) + sum(at > since for at in record.sent)
    return counts


async def _flag_interrupted(
    store: OutboxStore, records: Sequence[NoticeRecord], now: datetime, stale_after: timedelta, signing: Signing,
    run: OutboxRun,
) -> None:  # fmt: skip
    """Step 1: ``sending`` for longer than any send takes, and not yet flagged: its run died mid-transaction."""
    for record in records:
        if record.state is not NoticeState.SENDING or record.needs_check:
            continue
        if record.sending_since is not None and now - record.sending_since < stale_after:
            continue  # another pass may be sending it right now
        why = (f"a run stopped during its SMTP transaction (started {utc_z(record.sending_since)}): the server may "
               "have accepted it. Check the relay's log, then `jikimi notices submit` if it went, or "
               "`jikimi notices retry` to send it again")  # fmt: skip
        flagged = record.changed(needs_check=why)
        if await store.update_notice(flagged):
            run.unconfirmed += 1
            run.problems.append(f"{record.reference} to {record.recipient}: {why}")
            await _record_custody(store, flagged, "unconfirmed", why, signing)


async def _wait_for_a_person(store: OutboxStore, record: NoticeRecord, run: OutboxRun) -> None:
    """A manual notice is due: it waits (``queued``) until a person submits it; a submitted one due again is
    queued again, so the person sees it once more."""
    if record.state is not NoticeState.QUEUED:
        await store.update_notice(record.changed(state=NoticeState.QUEUED))
    run.waiting += 1


async def _send_one(
    store: OutboxStore, record: NoticeRecord, notice: PlannedNotice, recipient: Recipient,
    recipients: RecipientsFile, sender: MailSender, clock: Clock, signing: Signing, run: OutboxRun,
) -> bool | str | None:  # fmt: skip
    """Claim, send, record (step 4) and log custody (step 5): ``True`` when the server accepted it, the error
    when the server could not be reached at all, else ``False`` (refused, unconfirmed) or ``None`` (another
    sender claimed it first)."""
    email = render_email(notice, recipients, created_at=clock())
    claimed = record.changed(
        state=NoticeState.SENDING, sending_since=clock(), subject=email.subject, needs_check="",
        body_sha256=hashlib.sha256(email.body.encode()).hexdigest(),
    )  # fmt: skip
    if not await store.update_notice(claimed):
        return None
    assert recipient.address is not None  # the recipients file refuses an e-mail recipient without one
    mail = OutgoingMail(recipient.address, email.subject, email.body, record.id, record.reference)
    try:
        reply = await sender.send(mail)
    except SendFailed as exc:
        attempts = (*claimed.attempts, NoticeAttempt(clock(), str(exc)))
        if exc.unconfirmed:
            final = claimed.changed(attempts=attempts, needs_check=f"{exc}: check before sending again")
            run.unconfirmed += 1
        else:
            final = claimed.changed(state=NoticeState.FAILED, attempts=attempts, sending_since=None)
            run.failed += 1
        run.problems.append(f"{record.reference} to {recipient.id}: {exc}")
        log.warning("notice not sent: %s", exc, extra={"notice": record.id, "recipient": recipient.id})
        await store.update_notice(final)
        await _record_custody(store, final, "unconfirmed" if exc.unconfirmed else "failed", str(exc), signing)
        return str(exc) if exc.unreachable else False
    at = clock()
    final = claimed.changed(
        state=NoticeState.SENT, sent=(*claimed.sent, at), attempts=(*claimed.attempts, NoticeAttempt(at, reply=reply)),
        sending_since=None,
    )  # fmt: skip
    await store.update_notice(final)
    run.sent += 1
    log.info("notice sent", extra={"notice": record.id, "recipient": recipient.id, "round": len(final.sent)})
    await _record_custody(store, final, "sent", "", signing, reply=reply)
    return True


async def submit_notice(store: OutboxStore, notice_id: str, by: str, *, clock: Clock, signing: Signing) -> NoticeRecord:
    """A person submitted the notice by hand (a manual recipient's form), or confirmed that an unconfirmed send
    went through: ``submitted``, with who and when, and a custody event on each of its packets."""
    record = await _find(store, notice_id)
    if not by.strip():
        raise UsageError("--by must name the person who submitted the notice")
    if record.state not in (NoticeState.QUEUED, NoticeState.SENDING, NoticeState.FAILED):
        raise UsageError(f"notice {record.id} is {record.state}: only a queued, failed or unconfirmed one is submitted")
    at = clock()
    final = record.changed(
        state=NoticeState.SUBMITTED, sent=(*record.sent, at), submitted_by=by.strip(), needs_check="",
        sending_since=None,
    )  # fmt: skip
    if not await store.update_notice(final):
        raise UsageError(f"notice {record.id} changed meanwhile: run the command again")
    await _record_custody(store, final, "submitted", "", signing)
    return final


async def retry_notice(store: OutboxStore, notice_id: str, by: str, *, signing: Signing) -> NoticeRecord:
    """A person checked an unconfirmed send and found it did not arrive: queued again for the next pass."""
    record = await _find(store, notice_id)
    if record.state is not NoticeState.SENDING or not record.needs_check:
        raise UsageError(f"notice {record.id} is {record.state}: only an unconfirmed send (to check) is retried")
    final = record.changed(state=NoticeState.QUEUED, needs_check="", sending_since=None)
    if not await store.update_notice(final):
        raise UsageError(f"notice {record.id} changed meanwhile: run the command again")
    await _record_custody(store, final, "requeued", f"checked by {by.strip() or 'a person'}: not delivered", signing)
    return final


async def _find(store: OutboxStore, notice_id: str) -> NoticeRecord:
    wanted = notice_id.strip()
    found = await store.get_notice(wanted)
    if found is None:
        matches = [n for n in await store.notices() if n.id.startswith(wanted) or n.reference == wanted.upper()]
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise UsageError(f"no notice has the id {notice_id!r} (jikimi notices list shows them)")
    return found


async def _record_custody(
    store: OutboxStore, record: NoticeRecord, outcome: str, error: str, signing: Signing, reply: str = ""
) -> None:
    """Step 5: one ``notified`` event on each packet the notice names, with the places of that packet (a place
    without a packet has no chain to record it on; the notice's own record keeps it)."""
    for packet_id in sorted({packet for place in record.places for packet in place.packet_ids}):
        details = {
            "notice": record.id, "reference": record.reference, "recipient": record.recipient,
            "channel": record.channel, "outcome": outcome, "error": error, "reply": reply, "sent": len(record.sent),
            "submitted_by": record.submitted_by if outcome == "submitted" else "",
            "locations": [place.url for place in record.places if packet_id in place.packet_ids],
        }  # fmt: skip
        await append_event(store, packet_id, CustodyKind.NOTIFIED, signing.actor, details, signer=signing.signer)

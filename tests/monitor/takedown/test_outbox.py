"""The outbox, specified: what is due is mailed once (real SMTP servers on 127.0.0.1), re-sent after the
recipient's interval while the place is online, escalated after its delay, stopped at once when the place is
gone or the picture withdrawn; a server that refuses, hangs or hangs up leaves the notice failed with its error
and the pass goes on; a send cut off by a crash is never re-sent by itself. The clock is injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.recipients import RecipientsFile
from config.recipients_loading import load_recipients
from config.smtp_url import parse_smtp_url
from evidence.custody import CustodyKind
from monitor.cards import card_id
from monitor.packets.custody_log import append_event
from monitor.records import HitStatus
from monitor.store.notice_records import CardFlags, NoticeRecord, NoticeState
from monitor.store.sqlite import SqliteStore
from monitor.takedown.outbox import OutboxRun, Signing, retry_notice, send_due, submit_notice
from monitor.takedown.sending import OutgoingMail, SmtpSender
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import smtp_server
from tests.monitor.cli.test_notices_plan import FORUM, ITEM, LABEL, PLACES, POLICE, PRIVATE_GROUP, hit, media, sighting

START = datetime(2026, 12, 1, 9, tzinfo=UTC)
SIGNING = Signing("jikimi", None)
STALE = timedelta(minutes=5)
KCSC = """\
  - {id: kcsc, role: regulator, channel: email, address: kcsc@example.org, language: ko}
"""


class Clock:
    """The outbox's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def recipients_file(tmp_path: Path, text: str = CONTRACT + POLICE) -> RecipientsFile:
    path = tmp_path / "recipients.yaml"
    path.write_text(text, encoding="utf-8")
    return load_recipients(path)


def sender(url: str, timeout: float = 2.0) -> SmtpSender:
    return SmtpSender(parse_smtp_url(url), "notices@example.org", timeout)


async def one_pass(store: SqliteStore, recipients: RecipientsFile, url: str | None, clock: Clock) -> OutboxRun:
    mailer = sender(url) if url else None
    return await send_due(store, recipients, mailer, clock=clock, signing=SIGNING, stale_after=STALE)


async def notice_to(store: SqliteStore, recipient: str) -> NoticeRecord:
    (found,) = [notice for notice in await store.notices() if notice.recipient == recipient]
    return found


async def test_a_due_notice_is_mailed_once_in_korean_with_no_attachment(store: SqliteStore, tmp_path: Path) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    with smtp_server() as (url, mailbox):
        first = await one_pass(store, recipients, url, clock)
        again = await one_pass(store, recipients, url, clock)  # at once: nothing new
    assert (first.sent, first.waiting, first.problems) == (1, 1, [])  # the police's manual notice waits
    assert again.sent == 0 and len(mailbox.messages) == 1
    (message,) = mailbox.messages
    assert mailbox.envelopes == [("notices@example.org", ["abuse@example.org"])]
    assert message["From"] == "notices@example.org" and message["To"] == "abuse@example.org"
    assert message["Subject"].startswith("[불법촬영물등 삭제요청] 허위영상물 1건 · Example Monitoring Group · JKM-")
    assert message["Message-ID"] and message["X-Jikimi-Notice"].startswith("JKM-")
    assert not message.is_multipart() and message.get_content_type() == "text/plain"  # never the picture
    body = message.get_content()
    assert "신고·삭제요청인" in body and f"{FORUM}/1" in body and LABEL not in body
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.SENT and notice.sent == (START,) and notice.subject == message["Subject"]
    assert notice.places[0].packet_ids and notice.body_sha256
    (event,) = [e for e in await store.custody_events(notice.places[0].packet_ids[0]) if e.kind == "notified"]
    assert event.details["outcome"] == "sent" and event.details["notice"] == notice.id
    assert notice.attempts[-1].reply == event.details["reply"] == "250 Message accepted for delivery"


async def test_a_place_still_online_is_mailed_again_after_the_resend_interval(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()  # resend: 2s (the contract's file)
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        clock.advance(seconds=1)
        assert (await one_pass(store, recipients, url, clock)).sent == 0  # not yet
        clock.advance(seconds=1)
        assert (await one_pass(store, recipients, url, clock)).sent == 1  # 2 s since: still online, re-sent
    assert len(mailbox.messages) == 2
    notice = await notice_to(store, "host-abuse")
    assert notice.sent == (START, START + timedelta(seconds=2)) and notice.state is NoticeState.SENT


async def test_a_place_found_gone_stops_its_notice_at_once_and_no_notice_names_it(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        public = hit(PLACES[0][0], PLACES[0][1])
        gone = {"location": public.location, "online": False, "result": "page gone (HTTP 410)"}
        await append_event(store, public.custody_chain, CustodyKind.RECHECKED, "jikimi", gone, signer=None)
        clock.advance(hours=1)
        done = await one_pass(store, recipients, url, clock)
    assert done.stopped == 1 and done.sent == 0 and len(mailbox.messages) == 1
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.STOPPED and "gone since" in notice.stopped_reason


async def test_a_withdrawn_picture_stops_every_notice_about_it(store: SqliteStore, tmp_path: Path) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    with smtp_server() as (url, _):
        await one_pass(store, recipients, url, clock)
        await store.withdraw_item(ITEM, START)
        clock.advance(hours=1)
        done = await one_pass(store, recipients, url, clock)
    assert done.stopped == 2 and done.sent == 0  # the operator's sent notice and the police's waiting one
    assert {n.state for n in await store.notices()} == {NoticeState.STOPPED}
    assert all("withdrawn" in n.stopped_reason for n in await store.notices())


async def test_a_place_still_online_after_the_escalation_delay_goes_to_the_next_recipient(
    store: SqliteStore, tmp_path: Path
) -> None:
    escalating = CONTRACT + "    escalate_after: 1h\n    escalate_to: kcsc\n" + KCSC
    recipients, clock = recipients_file(tmp_path, escalating), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        clock.advance(minutes=59)
        await one_pass(store, recipients, url, clock)
        assert [m["To"] for m in mailbox.messages] == ["abuse@example.org"] * 2  # re-sent, not escalated yet
        clock.advance(minutes=1)
        await one_pass(store, recipients, url, clock)
    assert sorted(m["To"] for m in mailbox.messages[2:]) == ["abuse@example.org", "kcsc@example.org"]
    regulator = await notice_to(store, "kcsc")
    assert regulator.rule == "escalation" and regulator.urls == (f"{FORUM}/1",)


async def test_a_manual_notice_waits_for_a_person_and_records_who_submitted_it(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    await one_pass(store, recipients, None, clock)  # no SMTP at all: the e-mail notice stays queued, said so
    police = await notice_to(store, "police")
    assert police.state is NoticeState.QUEUED and police.urls == (PRIVATE_GROUP,)
    clock.advance(minutes=10)
    submitted = await submit_notice(store, police.id, "vera", clock=clock, signing=SIGNING)
    assert submitted.state is NoticeState.SUBMITTED and submitted.submitted_by == "vera"
    assert submitted.sent == (START + timedelta(minutes=10),)
    (event,) = [e for e in await store.custody_events(police.places[0].packet_ids[0]) if e.kind == "notified"]
    assert event.details["outcome"] == "submitted" and event.details["submitted_by"] == "vera"
    clock.advance(hours=24)  # the police's re-send interval (the default, 24 h): a person is asked again
    assert (await one_pass(store, recipients, None, clock)).waiting == 1
    assert (await notice_to(store, "police")).state is NoticeState.QUEUED


async def test_without_smtp_an_email_notice_stays_queued_and_the_problem_is_named(
    store: SqliteStore, tmp_path: Path
) -> None:
    done = await one_pass(store, recipients_file(tmp_path), None, Clock())
    assert done.failed == 1 and "JIKIMI_SMTP_URL is not set" in done.problems[0]
    assert (await notice_to(store, "host-abuse")).state is NoticeState.QUEUED


async def test_the_rate_limit_holds_a_resend_until_the_hour_has_passed(store: SqliteStore, tmp_path: Path) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT + "    rate_per_hour: 1\n"), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        clock.advance(seconds=10)
        held = await one_pass(store, recipients, url, clock)
        clock.advance(hours=1)
        released = await one_pass(store, recipients, url, clock)
    assert (held.sent, held.rate_limited, released.sent) == (0, 1, 1) and len(mailbox.messages) == 2


class Crash(BaseException):
    """The process dies in the middle of the SMTP transaction."""


class CrashingSender:
    async def send(self, mail: OutgoingMail) -> str:
        raise Crash


async def test_a_send_cut_off_by_a_crash_is_not_sent_again_but_marked_for_a_person(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT), Clock()
    with pytest.raises(Crash):
        await send_due(store, recipients, CrashingSender(), clock=clock, signing=SIGNING, stale_after=STALE)
    assert (await notice_to(store, "host-abuse")).state is NoticeState.SENDING  # recorded before the transaction
    with smtp_server() as (url, mailbox):
        clock.advance(minutes=1)
        soon = await one_pass(store, recipients, url, clock)  # maybe another pass still sending: left alone
        clock.advance(minutes=10)
        later = await one_pass(store, recipients, url, clock)
        clock.advance(days=2)
        await one_pass(store, recipients, url, clock)
    assert mailbox.messages == [] and soon.unconfirmed == 0 and later.unconfirmed == 1
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.SENDING and "may have accepted it" in notice.needs_check
    assert "may have accepted it" in later.problems[0]
    confirmed = await submit_notice(store, notice.id, "ian", clock=clock, signing=SIGNING)  # checked: it went
    assert confirmed.state is NoticeState.SUBMITTED and confirmed.needs_check == ""


async def test_a_new_place_joining_a_batch_is_mailed_at_once_not_after_the_interval(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT.replace("resend: 2s", "resend: 24h")), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        newly = sighting(f"{FORUM}/5", media(1))
        await store.put_sighting(newly)
        await store.put_hit(hit(newly, HitStatus.CONFIRMED))  # the same confirmed picture, seen at a new place
        clock.advance(minutes=5)
        done = await one_pass(store, recipients, url, clock)
    assert (done.stopped, done.created, done.sent) == (1, 1, 1)  # the batch grew: a new notice, sent at once
    assert f"{FORUM}/5" in mailbox.messages[1].get_content()
    (active,) = [n for n in await store.notices() if n.state is NoticeState.SENT]
    assert set(active.urls) == {f"{FORUM}/1", f"{FORUM}/5"}


async def test_a_card_flagged_suspected_minor_stops_the_operators_notice_and_goes_to_authorities_first(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT + KCSC + POLICE), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        flags = CardFlags(card_id(media(1), ITEM), True, "", "vera", START)
        await store.set_card_flags(flags)
        clock.advance(minutes=5)
        done = await one_pass(store, recipients, url, clock)
    assert [m["To"] for m in mailbox.messages] == ["abuse@example.org", "kcsc@example.org"]
    assert mailbox.messages[1]["Subject"].startswith("[긴급] [불법촬영물등 삭제요청] 아동·청소년성착취물")
    operator = await notice_to(store, "host-abuse")
    assert operator.state is NoticeState.STOPPED and done.stopped >= 1
    police = [n for n in await store.notices() if n.recipient == "police" and n.state is NoticeState.QUEUED]
    assert [n.rule for n in police] == ["suspected-minor"]  # the police's form waits for a person, first


async def test_an_unconfirmed_send_a_person_found_undelivered_is_queued_again_and_sent(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT), Clock()
    with pytest.raises(Crash):
        await send_due(store, recipients, CrashingSender(), clock=clock, signing=SIGNING, stale_after=STALE)
    clock.advance(minutes=10)
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)  # flagged for a person, not sent
        notice = await notice_to(store, "host-abuse")
        requeued = await retry_notice(store, notice.id, "ian", signing=SIGNING)
        assert requeued.state is NoticeState.QUEUED and requeued.needs_check == ""
        assert (await one_pass(store, recipients, url, clock)).sent == 1
    assert len(mailbox.messages) == 1


async def test_a_recipient_taken_out_of_the_file_has_its_notices_stopped_saying_so(
    store: SqliteStore, tmp_path: Path
) -> None:
    clock = Clock()
    with smtp_server() as (url, _):
        await one_pass(store, recipients_file(tmp_path), url, clock)
        clock.advance(minutes=1)
        done = await one_pass(store, recipients_file(tmp_path, CONTRACT), url, clock)  # the police are gone
    assert done.stopped == 1
    police = await notice_to(store, "police")
    assert police.state is NoticeState.STOPPED and "no longer has a recipient 'police'" in police.stopped_reason


async def test_a_card_rejected_on_appeal_stops_its_notice(store: SqliteStore, tmp_path: Path) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        for place in (hit(PLACES[0][0], PLACES[0][1]), hit(PLACES[1][0], PLACES[1][1])):  # the card's two places
            await store.set_hit_status(place.id, HitStatus.REJECTED)
        clock.advance(hours=1)
        done = await one_pass(store, recipients, url, clock)
    assert done.stopped == 1 and done.sent == 0 and len(mailbox.messages) == 1
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.STOPPED and "no confirmed card names it any more" in notice.stopped_reason


async def test_a_category_a_reviewer_corrects_is_mailed_at_once_not_after_the_resend_interval(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path, CONTRACT.replace("resend: 2s", "resend: 1d")), Clock()
    with smtp_server() as (url, mailbox):
        await one_pass(store, recipients, url, clock)
        await store.set_card_flags(CardFlags(card_id(media(1), ITEM), False, "illegal_filming", "ian", START))
        clock.advance(minutes=1)
        corrected = await one_pass(store, recipients, url, clock)
        clock.advance(minutes=1)
        again = await one_pass(store, recipients, url, clock)
    assert (corrected.sent, corrected.stopped, again.sent) == (1, 1, 0)
    subjects = [message["Subject"] for message in mailbox.messages]
    assert "허위영상물" in subjects[0] and "불법촬영물 1건" in subjects[1]

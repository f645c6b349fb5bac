"""Sending by SMTP against servers that misbehave: one that refuses (5xx), one that never answers (a timeout),
one that hangs up, one that drops the reply to the message. Each leaves its notice with the error recorded and
shown, the pass goes on, and no credential ever appears in an error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from config.smtp_url import parse_smtp_url
from monitor.store.notice_records import NoticeState
from monitor.store.sqlite import SqliteStore
from monitor.takedown.outbox import send_due
from monitor.takedown.sending import OutgoingMail, SendFailed, SmtpSender
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import self_signed_tls, silent_server, smtp_server
from tests.monitor.takedown.test_outbox import SIGNING, STALE, Clock, notice_to, one_pass, recipients_file

MAIL = OutgoingMail("abuse@example.org", "[삭제요청] 1건", "본문\n", "n" * 24, "JKM-TEST")


def with_credentials(url: str) -> str:
    return url.replace("smtp://", "smtp://mallory:s3cret-pass@")


async def test_a_refusing_server_leaves_the_notice_failed_with_its_reply_and_it_is_sent_next_pass(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    with smtp_server(refuse="550 5.7.1 relaying denied") as (url, mailbox):
        refused = await one_pass(store, recipients, url, clock)
    assert mailbox.messages == [] and refused.failed == 1 and refused.waiting == 1  # the pass went on
    assert "550 5.7.1 relaying denied" in refused.problems[0]
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.FAILED and "550" in notice.last_error and notice.sent == ()
    with smtp_server() as (url, mailbox):
        clock.advance(minutes=5)
        assert (await one_pass(store, recipients, url, clock)).sent == 1  # a refusal delivered nothing: tried again
    assert len(mailbox.messages) == 1


async def test_a_server_that_never_answers_costs_the_timeout_and_no_more(store: SqliteStore, tmp_path: Path) -> None:
    with silent_server() as url:
        began = time.monotonic()
        mailer = SmtpSender(parse_smtp_url(url), "notices@example.org", timeout=0.5)
        done = await send_due(store, recipients_file(tmp_path), mailer, clock=Clock(), signing=SIGNING,
                              stale_after=STALE)  # fmt: skip
        took = time.monotonic() - began
    assert took < 5 and done.failed == 1 and done.waiting == 1
    assert "timed out" in done.problems[0]
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.FAILED and "cannot connect: no answer (timed out)" in notice.last_error


async def test_a_server_that_hangs_up_leaves_the_notice_failed(store: SqliteStore, tmp_path: Path) -> None:
    with silent_server(hang_up=True) as url:
        done = await one_pass(store, recipients_file(tmp_path), url, Clock())
    assert done.failed == 1 and "closed the connection" in done.problems[0]
    assert (await notice_to(store, "host-abuse")).state is NoticeState.FAILED


async def test_a_reply_lost_after_the_message_is_unconfirmed_and_never_resent_by_itself(
    store: SqliteStore, tmp_path: Path
) -> None:
    recipients, clock = recipients_file(tmp_path), Clock()
    with smtp_server(drop_after_data=True) as (url, _):
        lost = await one_pass(store, recipients, url, clock)
    assert lost.unconfirmed == 1 and "may have been delivered" in lost.problems[0]
    with smtp_server() as (url, mailbox):
        clock.advance(days=1)
        await one_pass(store, recipients, url, clock)
    assert mailbox.messages == []
    notice = await notice_to(store, "host-abuse")
    assert notice.state is NoticeState.SENDING and "check before sending again" in notice.needs_check


@pytest.mark.parametrize("server", ["refusing", "silent", "hanging-up"])
async def test_no_error_repeats_the_user_name_or_password_of_the_smtp_url(server: str) -> None:
    if server == "refusing":
        with smtp_server(refuse="550 no") as (url, _), pytest.raises(SendFailed) as failed:
            await SmtpSender(parse_smtp_url(with_credentials(url)), "n@example.org", 0.5).send(MAIL)
    else:
        with silent_server(hang_up=server == "hanging-up") as url, pytest.raises(SendFailed) as failed:
            await SmtpSender(parse_smtp_url(with_credentials(url)), "n@example.org", 0.5).send(MAIL)
    assert "s3cret-pass" not in str(failed.value) and "mallory" not in str(failed.value)
    assert "127.0.0.1" in str(failed.value)


async def test_a_server_offering_starttls_gets_the_notice_over_tls_only(tmp_path: Path) -> None:
    server_tls, trusting = self_signed_tls(tmp_path)
    with smtp_server(tls=server_tls) as (url, mailbox):  # it refuses MAIL before STARTTLS
        await SmtpSender(parse_smtp_url(url), "n@example.org", 2.0, tls_context=trusting).send(MAIL)
        with pytest.raises(SendFailed, match="cannot connect: SSLCertVerificationError"):
            await SmtpSender(parse_smtp_url(url), "n@example.org", 2.0).send(MAIL)  # an untrusted certificate
    assert len(mailbox.messages) == 1 and mailbox.messages[0].get_content() == "본문\n"


async def test_an_smtps_url_speaks_tls_from_the_first_byte(tmp_path: Path) -> None:
    server_tls, trusting = self_signed_tls(tmp_path)
    with smtp_server(tls=server_tls, implicit_tls=True) as (url, mailbox):
        assert url.startswith("smtps://")
        await SmtpSender(parse_smtp_url(url), "n@example.org", 2.0, tls_context=trusting).send(MAIL)
    assert len(mailbox.messages) == 1


async def test_once_the_server_cannot_be_reached_the_passs_other_emails_wait_instead_of_timing_out_each(
    store: SqliteStore, tmp_path: Path
) -> None:
    second = "  - {id: second-abuse, match: {host: 127.0.0.1}, channel: email, address: second@example.org}\n"
    recipients = recipients_file(tmp_path, CONTRACT + second)
    with silent_server() as url:
        began = time.monotonic()
        mailer = SmtpSender(parse_smtp_url(url), "notices@example.org", timeout=1.5)
        done = await send_due(store, recipients, mailer, clock=Clock(), signing=SIGNING, stale_after=STALE)
        took = time.monotonic() - began
    assert done.failed == 2 and took < 2.9  # one timeout (1.5 s), not two
    assert "timed out" in done.problems[0] and "not tried, the SMTP server was unreachable" in done.problems[1]
    states = {notice.recipient: notice.state for notice in await store.notices()}
    assert states == {"host-abuse": NoticeState.FAILED, "second-abuse": NoticeState.QUEUED}  # tried next pass
    with smtp_server() as (url, mailbox):
        assert (await one_pass(store, recipients, url, Clock())).sent == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd: the test's plain relay
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")  # aiosmtpd's own use of it
async def test_the_urls_user_and_password_log_in_and_a_wrong_password_is_refused_without_being_repeated() -> None:
    with smtp_server(login=("mallory", "s3cret-pass")) as (url, mailbox):
        await SmtpSender(parse_smtp_url(with_credentials(url)), "n@example.org", 2.0).send(MAIL)
        wrong = parse_smtp_url(with_credentials(url).replace("s3cret-pass", "guessed-pass"))
        with pytest.raises(SendFailed, match="535") as failed:
            await SmtpSender(wrong, "n@example.org", 2.0).send(MAIL)
        with pytest.raises(SendFailed, match="530"):  # no login at all: this relay takes no mail
            await SmtpSender(parse_smtp_url(url), "n@example.org", 2.0).send(MAIL)
    assert len(mailbox.messages) == 1
    assert "guessed-pass" not in str(failed.value) and "mallory" not in str(failed.value)

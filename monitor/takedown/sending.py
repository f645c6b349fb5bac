"""Send one notice e-mail by SMTP (``JIKIMI_SMTP_URL``), and say precisely how a failure happened.

Why the standard library's ``smtplib`` in a thread, not aiosmtplib? It is already there (no new dependency),
speaks STARTTLS and SMTPS, and a notice is one short transaction every few minutes at most: a worker thread
(``asyncio.to_thread``) keeps the event loop free, and ``timeout`` bounds every socket read and write, so a
server that hangs costs ``timeout`` seconds and no more.

A failure is a ``SendFailed`` whose ``unconfirmed`` says whether the server may have taken the message anyway
(and ``unreachable`` that no session began: no banner, no TLS):

- before the message data went out (no connection, no banner, a refused sender or recipient, a 4xx/5xx to
  ``DATA``): nothing was delivered, and the outbox tries again on its next run;
- while the message data went out or its reply was awaited (the connection dropped, the reply never came):
  SMTP cannot tell whether the server accepted it, and relays do not de-duplicate by Message-ID, so the
  notice is *not* re-sent by itself: a person checks (``monitor/takedown/outbox.py``).

Errors name the server by host and port only: the URL's user name and password never appear in a message or
a log line.
"""

from __future__ import annotations

import asyncio
import email.policy
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Protocol

from config.errors import ConfigError
from config.smtp_url import SmtpEndpoint
from monitor.errors import MonitorError

if TYPE_CHECKING:
    from config.settings import Settings


WIRE = email.policy.compat32.clone(linesep="\r\n")
"""How a message goes on the wire: CRLF line ends (smtplib sends bytes as they are)."""


class SendFailed(MonitorError):
    """The server did not confirm the message. ``unconfirmed``: it may have been delivered all the same."""

    def __init__(self, message: str, *, unconfirmed: bool = False, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unconfirmed = unconfirmed
        self.unreachable = unreachable  # no SMTP session at all: the next notice would fare no better


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One notice as an e-mail: who to, what it says, and the outbox id it carries (``X-Jikimi-Notice``)."""

    to: str
    subject: str
    body: str
    notice_id: str
    reference: str


class MailSender(Protocol):
    """What the outbox sends through (``SmtpSender``; the tests use it against their own SMTP servers)."""

    async def send(self, mail: OutgoingMail) -> str:
        """Deliver ``mail`` and return the server's acceptance (``250 … queued as …``), or raise ``SendFailed``."""


def build_message(mail: OutgoingMail, sender: str, when: datetime) -> MIMEText:
    """The e-mail: plain UTF-8 text, no attachment (a notice never carries the picture).

    Why ``MIMEText`` and ``Header`` (the ``compat32`` API), not ``EmailMessage``? The newer API folds a long
    Korean subject into encoded words and drops the space at the fold ("삭제요청] 아동" arrives as
    "삭제요청]아동"); ``Header`` keeps each space inside an encoded word. The body is base64: a Korean
    paragraph is one line of well over SMTP's 998 bytes."""
    message = MIMEText(mail.body, "plain", "utf-8")
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = Header(mail.subject, "utf-8")  # type: ignore[assignment]  # typeshed: str only
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(idstring=mail.notice_id[:16], domain=sender.rpartition("@")[2] or None)
    message["X-Jikimi-Notice"] = f"{mail.reference} {mail.notice_id}"
    return message


class SmtpSender:
    """``MailSender`` over ``smtplib``: TLS from the start for ``smtps://``, else STARTTLS when the server offers
    it; a login when the URL has a user; every socket operation bounded by ``timeout`` seconds."""

    def __init__(
        self, endpoint: SmtpEndpoint, sender: str, timeout: float, tls_context: ssl.SSLContext | None = None
    ) -> None:
        """``tls_context``: what verifies the server's certificate (default: the system's trusted authorities;
        the tests pass one that trusts their own)."""
        self.endpoint = endpoint
        self.sender = sender
        self.timeout = timeout
        self.tls_context = tls_context

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender | None:
        """The sender ``JIKIMI_SMTP_URL`` names (``None`` when unset); ``ConfigError`` without a From address."""
        endpoint = settings.smtp
        if endpoint is None:
            return None
        if settings.notice_from is None:
            raise ConfigError("JIKIMI_NOTICE_FROM must be set to send notices (the From: address, e.g. "
                              "notices@example.org)", setting="JIKIMI_NOTICE_FROM")  # fmt: skip
        return cls(endpoint, settings.notice_from, settings.notice_smtp_timeout)

    async def send(self, mail: OutgoingMail) -> str:
        message = build_message(mail, self.sender, datetime.now(UTC))
        return await asyncio.to_thread(self._send, message, mail.to)

    def _where(self) -> str:
        return f"SMTP {self.endpoint.host}:{self.endpoint.port}"

    def _send(self, message: MIMEText, to: str) -> str:
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"{self._where()}: cannot connect: {describe(exc)}", unreachable=True) from None
        try:
            self._envelope(client, to)
            try:
                code, reply = client.data(message.as_bytes(policy=WIRE))
            except smtplib.SMTPDataError as exc:  # a reply that refuses: nothing was delivered
                raise SendFailed(f"{self._where()}: refused the message: {describe(exc)}") from None
            except (OSError, smtplib.SMTPException) as exc:
                raise SendFailed(
                    f"{self._where()}: no reply after the message was sent ({describe(exc)}): it may have been "
                    "delivered", unconfirmed=True,
                ) from None  # fmt: skip
            if code != 250:
                raise SendFailed(f"{self._where()}: refused the message: {code} {_text(reply)}")
            return f"{code} {_text(reply)}"  # the relay's queue id, where it gives one, traces the message
        finally:
            _close(client)

    def _connect(self) -> smtplib.SMTP:
        endpoint, context = self.endpoint, self.tls_context or ssl.create_default_context()
        if endpoint.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(endpoint.host, endpoint.port, timeout=self.timeout,
                                                    context=context)  # fmt: skip
        else:
            client = smtplib.SMTP(endpoint.host, endpoint.port, timeout=self.timeout)
        try:
            client.ehlo()  # MAIL needs it first (``sendmail`` would say it; ``mail`` does not)
            if not endpoint.tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
        except BaseException:
            _close(client)
            raise
        return client

    def _envelope(self, client: smtplib.SMTP, to: str) -> None:
        """Log in, name the sender and the recipient: any failure here is before the message left."""
        try:
            if self.endpoint.username:
                password = self.endpoint.password.get_secret_value() if self.endpoint.password else ""
                client.login(self.endpoint.username, password)
            code, reply = client.mail(self.sender)
            if code != 250:
                raise SendFailed(f"{self._where()}: refused the sender: {code} {_text(reply)}")
            code, reply = client.rcpt(to)
            if code not in (250, 251):
                raise SendFailed(f"{self._where()}: refused the recipient {to}: {code} {_text(reply)}")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"{self._where()}: {describe(exc)}") from None


def describe(exc: BaseException) -> str:
    """An SMTP or socket error in words, without anything the URL carried (smtplib never echoes a password)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):  # smtplib wraps a read's timeout in a disconnect
        return "no answer (timed out)"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({exc})" if str(exc) else "the server closed the connection"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:300]


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a server that is gone or hanging cannot stop us (the socket is closed regardless)."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()

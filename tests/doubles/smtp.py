"""SMTP servers on 127.0.0.1 for the outbox's tests: one that receives (aiosmtpd), one that refuses, one that
drops the message's reply, one that never answers, one that hangs up at once.

aiosmtpd's ``Controller`` runs its server in a thread with its own event loop, so a test's own loop (and a
subprocess started by it) can talk to it like any relay.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What a receiving server got: each message parsed, with its envelope."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


class Receiving:
    """Accepts every message. ``refuse``: the reply to RCPT (``"550 5.7.1 …"``) instead. ``drop_after_data``:
    close the connection instead of answering the message's data (its delivery is then unknown)."""

    def __init__(self, mailbox: Mailbox, refuse: str = "", drop_after_data: bool = False) -> None:
        self.mailbox = mailbox
        self.refuse = refuse
        self.drop_after_data = drop_after_data

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.drop_after_data:
            server.transport.close()
            return "250 OK"
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mailbox.messages.append(parsed)
        self.mailbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(
    refuse: str = "", drop_after_data: bool = False, tls: ssl.SSLContext | None = None, implicit_tls: bool = False,
    login: tuple[str, str] | None = None,
) -> Iterator[tuple[str, Mailbox]]:  # fmt: skip
    """A receiving SMTP server; yields its ``smtp://127.0.0.1:PORT`` URL and its mailbox. ``tls``: offer
    STARTTLS with this context and refuse any mail before it (``require_starttls``), or with ``implicit_tls``
    speak TLS from the first byte (an ``smtps://`` URL). ``login``: the one user and password it accepts, and
    no mail without them (over plain SMTP, as a local relay might)."""
    mailbox = Mailbox()
    port = free_port()
    handler = Receiving(mailbox, refuse, drop_after_data)
    options: dict[str, Any] = {"tls_context": tls, "require_starttls": True} if tls else {}
    if implicit_tls:
        options = {"ssl_context": tls}
    if login is not None:
        options |= {"authenticator": _accepting(login), "auth_required": True, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield f"{'smtps' if implicit_tls else 'smtp'}://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()


def _accepting(login: tuple[str, str]) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        given = (data.login.decode(), data.password.decode()) if isinstance(data, LoginPassword) else None
        return AuthResult(success=given == login, handled=False)

    return authenticate


@contextmanager
def silent_server(hang_up: bool = False) -> Iterator[str]:
    """A TCP server that accepts and then never says a word (``hang_up``: closes each connection at once)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if hang_up:
                connection.close()
            else:
                held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def self_signed_tls(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for 127.0.0.1 made here: the server's context, and a client context that trusts it."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client

"""``JIKIMI_SMTP_URL``: where notices are sent, parsed and checked before anything tries to send.

``smtp://[user:pass@]host[:port]`` is plain SMTP (a local relay, port 25 by default) that upgrades with
STARTTLS whenever the server offers it; ``smtps://…`` is TLS from the first byte (port 465 by default). The
user name and password are percent-decoded (a ``@`` in a password is written ``%40``). The URL can carry
credentials, so it is a ``SecretStr`` in the settings, and no message here ever repeats it: a bad one is
described by its scheme and host only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

SCHEMES = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True, slots=True)
class SmtpEndpoint:
    """A parsed ``JIKIMI_SMTP_URL``. ``tls``: TLS from the start (smtps); otherwise STARTTLS when offered."""

    host: str
    port: int
    tls: bool
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpEndpoint:
    """The endpoint ``url`` names; ``ValueError`` saying what is wrong without repeating any credential."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError("must be smtp://[user:pass@]host:port or smtps://… (the port is not a number)") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}://…" if scheme else "no scheme"
        raise ValueError(f"must start with smtp:// (STARTTLS when offered) or smtps:// (TLS) (got {shown!r})")
    if not parts.hostname:
        raise ValueError(f"names no host: write {scheme}://[user:pass@]host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{scheme}://{parts.hostname}: only [user:pass@]host:port may follow the scheme")
    if parts.password is not None and not parts.username:
        raise ValueError(f"{scheme}://{parts.hostname}: a password needs a user name (user:pass@host)")
    return SmtpEndpoint(
        host=parts.hostname,
        port=port or SCHEMES[scheme],
        tls=scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=SecretStr(unquote(parts.password)) if parts.password is not None else None,
    )

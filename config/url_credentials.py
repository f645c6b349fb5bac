"""Hide the user name and password a watchlist URL may carry (``https://user:pass@host/…``).

A source behind HTTP authentication is written with its credentials in the URL; the crawler needs them,
but every URL it derives from the start URL (each page, each picture) carries them too, and those are
shown in ``jikimi hits``, logged, stored as locations and put in evidence packets that go to courts and
platforms. ``redact_credentials`` turns them into ``https://***@host/…`` in any text.
"""

from __future__ import annotations

import re

REDACTED_USERINFO = "***"
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s@]+@")


def redact_credentials(text: str) -> str:
    """``text`` with the user information of every URL in it replaced by ``***``."""
    return _USERINFO.sub(rf"\g<scheme>{REDACTED_USERINFO}@", text) if "@" in text else text

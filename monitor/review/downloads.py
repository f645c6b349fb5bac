"""Headers of a file the review UI hands to the browser (an export bundle).

Why both ``filename`` and ``filename*``? RFC 6266: ``filename`` must be a plain ASCII quoted-string, so
it gets a safe ASCII stand-in (anything else becomes ``_``: no quote, backslash, line break or ``/`` can
reach the header); ``filename*`` (RFC 8187, UTF-8 percent-encoded) carries the real name, Korean
included, for every current browser.
"""

from __future__ import annotations

from urllib.parse import quote

SAFE_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def attachment_disposition(filename: str) -> str:
    """A ``Content-Disposition: attachment`` value naming ``filename``, safe whatever the name holds."""
    fallback = "".join(c if c in SAFE_ASCII else "_" for c in filename) or "download"
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def download_headers(filename: str, content_type: str) -> dict[str, str]:
    """A download's own headers; the security headers come from the app (``security.add_security_headers``)."""
    return {
        "Content-Type": content_type,
        "Content-Disposition": attachment_disposition(filename),
        "Cache-Control": "no-store",
    }

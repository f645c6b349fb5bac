"""``manifest-sha256.txt``: one ``<sha256>  <path>`` line per file, as ``sha256sum -c`` reads it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping

MANIFEST_NAME = "manifest-sha256.txt"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def render_manifest(digests: Mapping[str, str]) -> bytes:
    """Lines sorted by path, so the same files always give the same manifest bytes."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(digests.items())).encode("utf-8")


def parse_manifest(text: str, name: str = MANIFEST_NAME) -> dict[str, str]:
    """path → digest; ``ValueError`` naming the line that is not ``<sha256>  <path>``."""
    digests: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{name} line {number} is not '<sha256>  <path>'")
        digests[match.group(2)] = match.group(1)
    return digests


def shows_the_media(name: str) -> bool:
    """Packet files that carry the picture itself (the media, and the screenshot showing it): left out of
    hash-only bundles; their digests stay in the signed manifest."""
    return name.startswith("media/") or name == "capture.png"


def first_mismatch(
    listed: Mapping[str, str], read: Callable[[str], bytes | None], manifest: str = MANIFEST_NAME
) -> tuple[str, str] | None:
    """The first file of a manifest that is missing or has other bytes, as ``(name, what is wrong)``.

    ``read(name)`` gives the file's plaintext, or ``None`` when it is not there; ``manifest`` is how the
    messages name the manifest. The files that show the
    picture may be missing (a hash-only bundle, purged media): their digests stay in the signed manifest.
    Used on packets at rest (``evidence/stored_packet.py``) and in bundles (``evidence/verify.py``).
    """
    for name, digest in listed.items():
        content = read(name)
        if content is None:
            if shows_the_media(name):
                continue
            return name, f"listed in {manifest} but missing"
        if hashlib.sha256(content).hexdigest() != digest:
            return name, f"SHA-256 does not match {manifest}"
    return None

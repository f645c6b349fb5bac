"""``manifest-sha256.txt``: one ``<sha256>  <path>`` line per file, as ``sha256sum -c`` reads it.

A manifest read from a bundle was written by whoever made the bundle, so its paths are checked before
anything is opened: a line naming ``../../etc/passwd`` or ``/dev/zero`` is refused, never read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath

MANIFEST_NAME = "manifest-sha256.txt"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
CHUNK = 1 << 20  # files are hashed a mebibyte at a time: a huge file never sits in memory


def unsafe_path_reason(name: str) -> str | None:
    """Why ``name`` may not name a file inside a bundle or packet, or ``None`` when it is a plain relative path.

    Refused: absolute paths, ``..``, ``.`` and empty parts, backslashes (a Windows separator that ``unzip``
    and Python read differently), drive letters and colons, and control characters."""
    if not name or name.startswith("/"):
        return "an absolute or empty path"
    if "\\" in name:
        return "a backslash in the path"
    if ":" in name:
        return "a colon (drive letter or stream name) in the path"
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        return "a control character in the path"
    parts = PurePosixPath(name).parts
    if len(parts) != len(name.rstrip("/").split("/")) or any(part in ("", ".", "..") for part in parts):
        return "a '..', '.' or empty part in the path"
    return None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def chunks_sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def render_manifest(digests: Mapping[str, str]) -> bytes:
    """Lines sorted by path, so the same files always give the same manifest bytes."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(digests.items())).encode("utf-8")


def parse_manifest(text: str, name: str = MANIFEST_NAME) -> dict[str, str]:
    """path → digest; ``ValueError`` naming the line that is not ``<sha256>  <path>``, names an unsafe path
    (``unsafe_path_reason``) or names a path a second time."""
    digests: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{name} line {number} is not '<sha256>  <path>'")
        path = match.group(2)
        unsafe = unsafe_path_reason(path)
        if unsafe is not None:
            raise ValueError(f"{name} line {number} names {path!r}: {unsafe}")
        if path in digests:
            raise ValueError(f"{name} line {number} names {path!r} a second time")
        digests[path] = match.group(1)
    return digests


def shows_the_media(name: str) -> bool:
    """Packet files that carry the picture itself (the media, and the screenshot showing it): left out of
    hash-only bundles; their digests stay in the signed manifest."""
    return name.startswith("media/") or name == "capture.png"


def first_mismatch(
    listed: Mapping[str, str], digest_of: Callable[[str], str | None], manifest: str = MANIFEST_NAME
) -> tuple[str, str] | None:
    """The first file of a manifest that is missing or has other bytes, as ``(name, what is wrong)``.

    ``digest_of(name)`` gives the SHA-256 of the file's plaintext (read in chunks), or ``None`` when it is not
    there; ``manifest`` is how the messages name the manifest. The files that show the
    picture may be missing (a hash-only bundle, purged media): their digests stay in the signed manifest.
    Used on packets at rest (``evidence/stored_packet.py``) and in bundles (``evidence/verify.py``).
    """
    for name, digest in listed.items():
        found = digest_of(name)
        if found is None:
            if shows_the_media(name):
                continue
            return name, f"listed in {manifest} but missing"
        if found != digest:
            return name, f"SHA-256 does not match {manifest}"
    return None

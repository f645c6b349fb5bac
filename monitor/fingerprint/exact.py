"""Exact hashes of a file's bytes: SHA-256 (the media's identity everywhere) and MD5 (what StopNCII shares)."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def exact_hashes(path: Path) -> dict[str, str]:
    """SHA-256 and MD5 of the file's bytes, read in chunks (files may be large videos)."""
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
    return {"sha256": sha256.hexdigest(), "md5": md5.hexdigest()}

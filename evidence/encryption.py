"""Encrypt evidence files at rest: the chunked AES-256-GCM format of ``crawlers/sealing.py``, with a file that
does not decrypt reported as ``DecryptionFailed`` (an evidence error the verifier and the CLI name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crawlers import sealing
from crawlers.errors import SealBroken
from crawlers.sealing import CHUNK, HEADER_SIZE, MAGIC, TAG, encrypt_bytes_to, encrypt_file, encrypt_stream, key_id
from evidence.errors import DecryptionFailed

__all__ = [
    "CHUNK", "HEADER_SIZE", "MAGIC", "TAG", "decrypt_bytes", "decrypt_chunks", "encrypt_bytes_to", "encrypt_file",
    "encrypt_stream", "key_id",
]  # fmt: skip


def decrypt_chunks(path: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext of ``path`` chunk by chunk; ``DecryptionFailed`` naming the file if anything is off."""
    try:
        yield from sealing.decrypt_chunks(path, key)
    except SealBroken as exc:
        raise DecryptionFailed(str(exc)) from None


def decrypt_bytes(path: Path, key: bytes) -> bytes:
    return b"".join(decrypt_chunks(path, key))

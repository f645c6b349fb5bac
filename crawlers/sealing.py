"""Encrypt files with AES-256-GCM in chunks, so large media never has to sit in memory.

One format for everything jikimi keeps encrypted: evidence packets at rest (``evidence/encryption.py``,
with the packet key) and a crawl's temporary work files (``crawlers/temp_files.py``, with the run's
ephemeral key). It lives here, below ``evidence``, because the crawlers write the temporary files.

Format: a header ``JKMENC1\\n`` + key id (8 bytes) + nonce prefix (7 random bytes), then chunks of up to
``CHUNK`` plaintext bytes, each sealed with nonce = prefix ‖ chunk counter (4 bytes) ‖ last-chunk flag
(1 byte) and the header as associated data. The counter stops chunks being reordered, the flag stops a
file being cut short at a chunk boundary, and the key id says which key a file needs (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crawlers.errors import SealBroken

MAGIC = b"JKMENC1\n"
CHUNK = 1 << 20
TAG = 16
HEADER_SIZE = len(MAGIC) + 8 + 7


def key_id(key: bytes) -> str:
    """A short public name for a key, recorded with what it encrypted (never the key itself)."""
    return hashlib.sha256(b"jikimi-key-id" + key).hexdigest()[:16]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(source: BinaryIO | ChunkReader, target: BinaryIO, key: bytes) -> str:
    """Encrypt ``source`` into ``target``; return the SHA-256 of the plaintext (read once for both)."""
    aead = AESGCM(key)
    prefix = os.urandom(7)
    header = MAGIC + bytes.fromhex(key_id(key)) + prefix
    target.write(header)
    digest = hashlib.sha256()
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        digest.update(chunk)
        target.write(aead.encrypt(_nonce(prefix, counter, last), chunk, header))
        if last:
            return digest.hexdigest()
        counter += 1
        chunk = following


def encrypt_file(source: Path, target: Path, key: bytes) -> str:
    with source.open("rb") as src, target.open("wb") as dst:
        return encrypt_stream(src, dst, key)


def encrypt_bytes_to(data: bytes, target: Path, key: bytes) -> str:
    with target.open("wb") as dst:
        return encrypt_stream(io.BytesIO(data), dst, key)


class ChunkReader(io.RawIOBase):
    """A read-only stream over an iterator of chunks: ``decrypt_chunks`` of one key fed to ``encrypt_stream``
    of another re-encrypts a file without its plaintext ever touching the disk or memory whole."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        taken, self._buffer = (self._buffer, b"") if size < 0 else (self._buffer[:size], self._buffer[size:])
        return taken


def reencrypt_file(source: Path, source_key: bytes, target: Path, key: bytes) -> str:
    """Encrypt ``source`` (encrypted with ``source_key``) into ``target`` with ``key``; the plaintext's SHA-256."""
    with target.open("wb") as dst:
        return encrypt_stream(ChunkReader(decrypt_chunks(source, source_key)), dst, key)


def decrypt_chunks(path: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext of ``path`` chunk by chunk; ``SealBroken`` naming the file if anything is off."""
    aead = AESGCM(key)
    with path.open("rb") as src:
        header = src.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or not header.startswith(MAGIC):
            raise SealBroken(f"{path}: not a jikimi encrypted file")
        if header[len(MAGIC) : len(MAGIC) + 8].hex() != key_id(key):
            raise SealBroken(f"{path}: encrypted with another key (key id {header[8:16].hex()})")
        prefix = header[-7:]
        counter = 0
        sealed = src.read(CHUNK + TAG)
        while True:
            following = src.read(CHUNK + TAG)
            last = not following
            try:
                yield aead.decrypt(_nonce(prefix, counter, last), sealed, header)
            except InvalidTag:
                reason = f"altered or truncated (chunk {counter} does not authenticate)"
                raise SealBroken(f"{path}: {reason}") from None
            if last:
                return
            counter += 1
            sealed = following


def decrypt_bytes(path: Path, key: bytes) -> bytes:
    return b"".join(decrypt_chunks(path, key))

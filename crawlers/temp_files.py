"""A crawl's temporary files (fetched media, pages, WARCs, post JSON), never plaintext on disk.

Every picture a crawl fetches sits in its work folder until it is hashed and matched (then it is removed,
``monitor/temp_media.py``), matched ones to the end of the run. The folder is removed when the crawl ends
and swept at the next start (``crawlers/workdirs.py``), but while the crawl runs, and after a ``kill -9``
or a power cut until the next start, whatever is in it can be read. So the
files are written encrypted (``crawlers/sealing.py``) with a key made for the run, which lives only in
memory: never in a file, an environment variable, argv, a log or a record. After the process dies the
leftovers are ciphertext whose key died with it; the sweep only tidies them away.

How the key travels: it is held by the run (``CrawlContext.files``), handed to the Scrapy worker through
its stdin pipe (``crawlers/scrapy_runner.py``; the job's Scrapy settings are logged, the key is not among
them), and to the hash pool's processes as a call argument (pickled through the pool's pipe). Records
keep typed paths (``Media.path``, ``Capture.raw_path``) and never the key: a Sighting is serialised into
the store, the worker's pipe and logs, and a key there would undo the point.

Why a fresh key per run rather than one per process? Two runs (the daemon's and a ``jikimi crawl`` beside
it) share nothing, and a key lives no longer than the folder it seals. Why not keep media in memory only?
Scrapy and the hash pool are other processes: a file is how the bytes cross, and a sealed file costs one
AES-GCM pass, small next to decoding a picture.

``PlainFiles`` reads files the caller owns in the clear (a victim's pictures at intake, test fixtures): a
reader is told which kind of file it has, rather than guessing from the bytes a hostile server chose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crawlers.sealing import decrypt_chunks, encrypt_bytes_to, encrypt_file, key_id, reencrypt_file

KEY_BYTES = 32


class TempFiles(Protocol):
    """How temporary files are written and read: sealed with a run key, or (``PlainFiles``) in the clear."""

    def write(self, path: Path, data: bytes) -> None: ...

    def chunks(self, path: Path) -> Iterator[bytes]: ...

    def read(self, path: Path) -> bytes: ...

    def head(self, path: Path, size: int) -> bytes: ...

    def encrypt_into(self, path: Path, target: Path, key: bytes) -> str:
        """Encrypt the plaintext of ``path`` into ``target`` with ``key``; return the plaintext's SHA-256."""


@dataclass(frozen=True, slots=True)
class SealedFiles:
    """Files sealed with one run's key; ``repr`` shows only the key's public id."""

    key: bytes = field(repr=False)

    @classmethod
    def new(cls) -> SealedFiles:
        return cls(os.urandom(KEY_BYTES))

    def __repr__(self) -> str:
        return f"SealedFiles(key id {key_id(self.key)})"

    def write(self, path: Path, data: bytes) -> None:
        encrypt_bytes_to(data, path, self.key)

    def chunks(self, path: Path) -> Iterator[bytes]:
        return decrypt_chunks(path, self.key)

    def read(self, path: Path) -> bytes:
        return b"".join(self.chunks(path))

    def head(self, path: Path, size: int) -> bytes:
        return next(iter(self.chunks(path)), b"")[:size]

    def encrypt_into(self, path: Path, target: Path, key: bytes) -> str:
        return reencrypt_file(path, self.key, target, key)


@dataclass(frozen=True, slots=True)
class PlainFiles:
    """Files in the clear that the caller owns (never a crawl's work folder)."""

    def write(self, path: Path, data: bytes) -> None:
        path.write_bytes(data)

    def chunks(self, path: Path) -> Iterator[bytes]:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                yield chunk

    def read(self, path: Path) -> bytes:
        return path.read_bytes()

    def head(self, path: Path, size: int) -> bytes:
        with path.open("rb") as stream:
            return stream.read(size)

    def encrypt_into(self, path: Path, target: Path, key: bytes) -> str:
        return encrypt_file(path, target, key)


PLAIN = PlainFiles()

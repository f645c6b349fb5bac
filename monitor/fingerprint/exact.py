"""Exact hashes of a file's bytes: every exact signal (SHA-256, the media's identity everywhere; MD5, what
StopNCII shares), from one read of the file.

Media arrive as a ``MediaSource``: a plaintext file's path, or the bytes of a sealed temporary file already
decrypted into memory (``crawlers/temp_files.py``: a crawl's media are never plaintext on disk, so the
decoders read them from memory; their size is held to the crawl's media cap before they are fetched).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from crawlers.temp_files import PlainFiles, TempFiles
from monitor.signals import ExactSignal, signals_of

CHUNK = 1 << 20

MediaSource = Path | bytes


def readable(source: MediaSource) -> str | BytesIO:
    """What Pillow and PyAV open: a file name, or a fresh stream over the bytes (each open reads from 0)."""
    return str(source) if isinstance(source, Path) else BytesIO(source)


def source_size(source: MediaSource) -> int:
    return source.stat().st_size if isinstance(source, Path) else len(source)


def exact_hashes(source: MediaSource) -> dict[str, str]:
    """Signal name → hex digest of the bytes, a file read once in chunks (files may be large videos)."""
    hashers = {signal.name: signal.new_hasher() for signal in signals_of(ExactSignal)}
    if isinstance(source, bytes):
        for hasher in hashers.values():
            hasher.update(source)
        return {name: hasher.hexdigest() for name, hasher in hashers.items()}
    with source.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            for hasher in hashers.values():
                hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def exact_hashes_of(path: Path, files: TempFiles) -> dict[str, str]:
    """The exact hashes of a file read through ``files``, chunk by chunk (a sealed file is decrypted in memory)."""
    if isinstance(files, PlainFiles):
        return exact_hashes(path)
    hashers = {signal.name: signal.new_hasher() for signal in signals_of(ExactSignal)}
    for chunk in files.chunks(path):
        for hasher in hashers.values():
            hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}

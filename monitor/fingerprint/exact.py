"""Exact hashes of a file's bytes: every exact signal (SHA-256, the media's identity everywhere; MD5, what
StopNCII shares), from one read of the file."""

from __future__ import annotations

from pathlib import Path

from monitor.signals import ExactSignal, signals_of

CHUNK = 1 << 20


def exact_hashes(path: Path) -> dict[str, str]:
    """Signal name → hex digest of the file's bytes, read once in chunks (files may be large videos)."""
    hashers = {signal.name: signal.new_hasher() for signal in signals_of(ExactSignal)}
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            for hasher in hashers.values():
                hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}

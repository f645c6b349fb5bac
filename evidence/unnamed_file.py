"""Write a file that has no name until it is whole: a kill leaves nothing behind, not even a partial file.

Why? An export decrypts matched pictures into the bundle it writes. Written under a temporary name, a
``kill -9`` (or a power cut) mid-export leaves decrypted pictures on disk where nobody looks. Linux's
``O_TMPFILE`` creates a file with no directory entry: the kernel frees it when the process dies, and
only a complete file is linked into place (``linkat`` through ``/proc/self/fd``), then renamed over the
target in one step.

Where ``O_TMPFILE`` is missing (another OS, a file system without it), the file is written under a hidden
``.<name>.partial`` (mode 0600) and removed on any error; only a kill can leave that one behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def _open_unnamed(directory: Path) -> tuple[int, Path | None]:
    """A descriptor to write to, and the path it has (``None``: no name yet, ``O_TMPFILE``)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is not None:
        try:
            return os.open(directory, flag | os.O_RDWR, 0o600), None
        except OSError:  # the file system does not support it
            pass
    partial = directory / f".{secrets.token_hex(4)}.partial"
    return os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), partial


def _give_name(stream: BinaryIO, directory: Path) -> Path:
    """Link the unnamed file into ``directory`` under a hidden name (or copy it there if linking fails)."""
    temporary = directory / f".{secrets.token_hex(4)}.complete"
    try:
        os.link(f"/proc/self/fd/{stream.fileno()}", temporary, follow_symlinks=True)
    except OSError:  # no /proc: copy the whole file (it is complete, so a kill now leaves a whole bundle)
        stream.seek(0)
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as copy:
            shutil.copyfileobj(stream, copy)
    return temporary


@contextmanager
def written_whole(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary stream (readable and seekable, mode 0600); when the block ends without an error, its
    bytes appear at ``target`` at once, replacing what was there. On an error nothing is left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, named = _open_unnamed(target.parent)
    stream = os.fdopen(descriptor, "w+b")
    try:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
        if named is None:
            named = _give_name(stream, target.parent)
        os.replace(named, target)
        named = None
    finally:
        stream.close()
        if named is not None:
            named.unlink(missing_ok=True)


@contextmanager
def unnamed_copy(data: bytes, directory: Path) -> Iterator[Path]:
    """A path a library that wants a file name (PyAV, FFmpeg) can open, holding ``data``, that names no
    directory entry: ``/proc/self/fd/N`` of an ``O_TMPFILE``. Decrypted video bytes the review UI decodes
    are thus never found on disk, not even after a ``kill -9`` mid-decode. Without ``O_TMPFILE``, a hidden
    0600 file, removed when the block ends."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, named = _open_unnamed(directory)
    try:
        with os.fdopen(os.dup(descriptor), "wb") as stream:
            stream.write(data)
        yield named if named is not None else Path(f"/proc/self/fd/{descriptor}")
    finally:
        os.close(descriptor)
        if named is not None:
            named.unlink(missing_ok=True)

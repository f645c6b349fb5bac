"""The private temporary folders crawls write media into, and the sweep that removes those left behind.

A crawl's work folder holds the media it fetched until they are hashed: every picture the crawl saw, matched
ones included, sealed with a key that dies with the run (``crawlers/temp_files.py``); the review UI's exports
write their bundle (decrypted pictures inside) in one too. A crawl removes its folder when it ends, but a
``kill -9`` or a power cut cannot; the next start must, at once rather than hours later. Yet it must never
remove the folder of a crawl that is running right now (the daemon's, while ``jikimi crawl`` starts beside
it).

So each folder carries a lock: its crawl holds an exclusive ``flock`` on ``<folder>/.lock`` for as long as
it runs, and the kernel drops the lock when the process dies, however it dies. ``sweep_workdirs`` removes
every folder whose lock it can take. A folder is created as ``.<name>.new`` with its lock held, then
renamed into place, so no sweep ever sees a folder whose lock is not yet taken. Folders without a lock
(written by an earlier version, or by code that does not lock) are removed once they are older than
``unlocked_older_than`` seconds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".lock"
NEW_PREFIX = "."  # folders being created: ``.<name>.new``; they hold nothing but their lock


def _try_lock(folder: Path) -> int | None:
    """An open descriptor holding ``folder``'s lock, or ``None`` when a live crawl holds it."""
    try:
        descriptor = os.open(folder / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


@contextlib.contextmanager
def locked_workdir(root: Path, name: str) -> Iterator[Path]:
    """A fresh folder ``root/name`` (mode 0700), locked while the block runs and removed after it."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder, new = root / name, root / f"{NEW_PREFIX}{name}.new"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(mode=0o700)
    descriptor = os.open(new / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        new.rename(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(new, ignore_errors=True)
        os.close(descriptor)


def sweep_workdirs(root: Path, unlocked_older_than: float = 60.0) -> list[Path]:
    """Remove every work folder under ``root`` no live process holds; return what was removed."""
    if not root.is_dir():
        return []
    removed = []
    cutoff = time.time() - unlocked_older_than
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.is_symlink():
            continue
        if folder.name.startswith(NEW_PREFIX):  # being created: only an old one is a leftover
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        if not (folder / LOCK_NAME).exists():
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
            continue
        descriptor = _try_lock(folder)
        if descriptor is None:
            continue  # a live crawl's
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            os.close(descriptor)
    return removed

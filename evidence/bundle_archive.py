"""Open a bundle's zip file as something that may be hostile: check every member before writing a byte.

A bundle arrives from whoever hands it over, so the archive itself is checked first, from its central
directory: each member name (``evidence/manifest.py`` ``unsafe_path_reason``), names given twice (``unzip``
and Python keep different copies of a duplicate, so the file checked need not be the file shown), names
that differ only in case or Unicode form (one file on macOS and Windows), links, encrypted members, the
member count, the sizes the members declare and how far they say they expand (a zip bomb), each and all
together. Only then are the members written, in chunks, each stopped as soon as it is larger than it
declared and all stopped once they pass the total that was checked.

Why a total ratio too? The per-member ratio spares members up to ``ratio_floor`` (a small page or JSON file
may compress very well), so two thousand members of 1 MiB of zeros each passed it: 2.3 MB of zip wrote
1.97 GB. The same rule, applied to the whole archive, closes that: beyond ``total_ratio_floor`` declared
bytes, the members together may not declare more than ``max_ratio`` times what they occupy compressed.
Real bundles are far below: their media (pictures, videos, WARC records of them) are already compressed,
about 1:1, and their text (pages, metadata, custody) about 5–10:1, so tens of GiB of media pass when the
zip itself is that large, and a hash-only bundle of text passes whatever its size.
"""

from __future__ import annotations

import os
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import VerificationFailed
from evidence.manifest import CHUNK, unsafe_path_reason

GIB = 1 << 30


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much a bundle may hold. ``max_ratio`` applies to members above ``ratio_floor`` bytes: pictures,
    videos and WARC files hardly compress, and a page compressing 100:1 is already odd."""

    max_members: int = 200_000
    max_total_bytes: int = 256 * GIB
    max_ratio: int = 100
    ratio_floor: int = 1 << 20
    total_ratio_floor: int = 64 << 20  # the members together may declare this much whatever they compress to
    spare_bytes: int = 64 << 20  # left free on the disk after extracting


def _refuse(name: str, message: str) -> VerificationFailed:
    return VerificationFailed(f"{name}: {message}", path=name)


def _member_problem(info: zipfile.ZipInfo, limits: ArchiveLimits) -> str | None:
    unsafe = unsafe_path_reason(info.filename)
    if unsafe is not None:
        return f"unsafe member name in the bundle ({unsafe})"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "a link or special file in the bundle (only plain files belong in a bundle)"
    if info.flag_bits & 0x1:
        return "an encrypted member (a bundle is not password-protected)"
    big = info.file_size > limits.ratio_floor
    if big and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        return (
            f"declares {info.file_size} bytes from {info.compress_size} compressed ({ratio}:1, more than "
            f"{limits.max_ratio}:1): refused unextracted as a likely zip bomb"
        )
    return None


def _total_problem(members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> str | None:
    total = sum(info.file_size for info in members)
    if total > limits.max_total_bytes:
        return f"declares {total} bytes, more than a bundle may hold ({limits.max_total_bytes})"
    compressed = max(sum(info.compress_size for info in members), 1)
    if total > max(limits.total_ratio_floor, limits.max_ratio * compressed):
        return (
            f"its {len(members)} members declare {total} bytes from {compressed} compressed in all "
            f"({total // compressed}:1, more than {limits.max_ratio}:1 over the whole bundle): "
            "refused unextracted as a likely zip bomb"
        )
    return None


def checked_members(archive: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The archive's file members, or ``VerificationFailed`` naming the first one that may not be extracted."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _refuse(
            str(archive.filename), f"{len(members)} members, more than a bundle may hold ({limits.max_members})"
        )
    seen: dict[str, str] = {}
    for info in members:
        problem = _member_problem(info, limits)
        if problem is not None:
            raise _refuse(info.filename, problem)
        folded = unicodedata.normalize("NFC", info.filename.rstrip("/")).casefold()
        if folded in seen:
            same = "given twice" if seen[folded] == info.filename else f"the same file as {seen[folded]!r}"
            raise _refuse(info.filename, f"member name {same} in the bundle (which copy would be checked?)")
        seen[folded] = info.filename
    problem = _total_problem(members, limits)
    if problem is not None:
        raise _refuse(str(archive.filename), problem)
    return [info for info in members if not info.is_dir()]


@dataclass(slots=True)
class _Budget:
    """The bytes all members may still write: the total checked from the central directory, spent as written."""

    left: int


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: _Budget) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with archive.open(info) as source, os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise _refuse(info.filename, f"expands beyond the {info.file_size} bytes it declares")
            budget.left -= len(chunk)
            if budget.left < 0:
                raise _refuse(info.filename, "the members expand beyond the total bytes they declare together")
            out.write(chunk)


def extract_checked(path: Path, folder: Path, limits: ArchiveLimits = ArchiveLimits()) -> list[str]:
    """Extract the bundle at ``path`` into the empty ``folder``; return its member names (files only)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _refuse(str(path), f"not a readable bundle ({exc})") from None
    with archive:
        members = checked_members(archive, limits)
        budget = _Budget(sum(info.file_size for info in members))
        needed = budget.left + limits.spare_bytes
        free = shutil.disk_usage(folder).free
        if needed > free:
            raise _refuse(str(path), f"needs {needed} bytes to check, {free} are free in {folder}")
        for info in members:
            try:
                _copy_member(archive, info, folder / info.filename, budget)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a corrupted member (CRC error) or clash
                raise _refuse(info.filename, f"corrupted or conflicting archive member ({exc})") from None
    return [info.filename for info in members]

"""Read and write hash lists, and turn a victim's pictures into hashes (``add-images``).

An import is all or nothing: every row is validated first, and one bad row means nothing is imported,
with every bad row reported by line number. ``add-images`` hashes pictures locally and keeps only the
hashes: the pictures are never copied, and their file names (which may name a person) are never
recorded.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import BlocklistError, UnknownHashType
from monitor.hashing import crop_variant_hashes, fingerprint_file
from monitor.records import BlocklistEntry
from monitor.signals import signal_for

CSV_COLUMNS = ("hash_type", "hash", "case", "label")
MAX_PROBLEMS_SHOWN = 20
PICTURE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v", ".3gp"}


def _entry(hash_type: str, value: str, case: str, label: str, origin: str) -> BlocklistEntry:
    """One validated entry; ``ValueError`` says what is wrong with the row."""
    try:
        signal = signal_for(hash_type)
    except UnknownHashType as exc:
        raise ValueError(str(exc)) from None
    if not case.strip():
        raise ValueError("case is empty (give a pseudonymous case reference)")
    return BlocklistEntry(signal.name, signal.validate(value), case.strip(), label.strip(), origin)


def _fail(path: Path, problems: list[tuple[int, str]]) -> BlocklistError:
    shown = "\n".join(f"  line {line}: {message}" for line, message in problems[:MAX_PROBLEMS_SHOWN])
    more = f"\n  … and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return BlocklistError(f"{path}: {len(problems)} bad row(s), nothing imported:\n{shown}{more}", problems)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in CSV_COLUMNS if name not in header and name != "label"]
        if missing:
            expected = ",".join(CSV_COLUMNS)
            raise BlocklistError(f"{path}: line 1: header must be {expected} (missing {', '.join(missing)})")
        reader.fieldnames = header
        for row in reader:
            yield reader.line_num, {key: (value or "") for key, value in row.items() if key is not None}


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"_error": f"not JSON: {exc.msg}"}
                    continue
                if not isinstance(row, dict):
                    yield number, {"_error": "not a JSON object"}
                    continue
                yield number, {key: str(value) for key, value in row.items()}


def read_blocklist(path: Path, origin: str = "import") -> list[BlocklistEntry]:
    """Every entry of a CSV (``hash_type,hash,case,label``) or JSON-lines file; ``BlocklistError`` if any is bad."""
    rows = _jsonl_rows(path) if path.suffix.lower() in (".jsonl", ".ndjson") else _csv_rows(path)
    entries: list[BlocklistEntry] = []
    problems: list[tuple[int, str]] = []
    try:
        for line, row in rows:
            try:
                if "_error" in row:
                    raise ValueError(row["_error"])
                entries.append(_entry(row.get("hash_type", ""), row.get("hash", ""), row.get("case", ""),
                                      row.get("label", ""), origin))  # fmt: skip
            except ValueError as exc:
                problems.append((line, str(exc)))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BlocklistError(f"{path}: cannot read the hash list: {exc}") from None
    if problems:
        raise _fail(path, problems)
    if not entries:
        raise BlocklistError(f"{path}: no entries (expected a header {','.join(CSV_COLUMNS)} and rows)")
    return entries


def write_blocklist_csv(entries: list[BlocklistEntry], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        for entry in entries:
            writer.writerow((entry.hash_type, entry.value, entry.case, entry.label))


@dataclass(frozen=True, slots=True)
class ImageIntake:
    """What ``add-images`` made: entries to store, and the pictures it could not hash (by position)."""

    entries: list[BlocklistEntry]
    skipped: list[str]


def hash_pictures(
    folder: Path, case: str, label: str = "picture", min_pdq_quality: int = 50, max_pixels: int = 89_478_485,
    crop_variants: bool = True,
) -> ImageIntake:  # fmt: skip
    """Hash every picture under ``folder`` into entries of ``case``; nothing of the pictures is kept.

    Besides each picture's own hashes, a few crops of it are hashed as extra PDQ and pHash entries labelled
    with the crop, so cropped copies match (``crop_variants``). PDQ hashes below ``min_pdq_quality`` are
    left out: such a PDQ would match unrelated flat pictures.
    """
    if not folder.is_dir():
        raise BlocklistError(f"{folder}: not a folder of pictures")
    if not case.strip():
        raise BlocklistError("add-images needs --case (a pseudonymous case reference)")
    suffixes = PICTURE_SUFFIXES | VIDEO_SUFFIXES
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    entries: list[BlocklistEntry] = []
    skipped: list[str] = []
    for number, path in enumerate(files, 1):
        fingerprints = fingerprint_file(path, max_pixels)
        name = f"{label} {number}"
        if fingerprints.error:
            skipped.append(f"{name}: {fingerprints.error}")
        for hash_type, value in fingerprints.values.items():
            if hash_type == "pdq" and (fingerprints.pdq_quality or 0) < min_pdq_quality:
                continue
            entries.append(BlocklistEntry(hash_type, value, case.strip(), name, "victim intake"))
        if fingerprints.frames:
            frames = ",".join(fingerprints.frames)
            entries.append(BlocklistEntry("video_pdq", frames, case.strip(), name, "victim intake"))
            continue
        if crop_variants and not fingerprints.error and (fingerprints.pdq_quality or 0) >= min_pdq_quality:
            for variant, pdq, phash in crop_variant_hashes(path, max_pixels):
                for hash_type, value in (("pdq", pdq), ("phash", phash)):
                    entry = BlocklistEntry(hash_type, value, case.strip(), name, "victim intake", variant=variant)
                    entries.append(entry)
    return ImageIntake(entries, skipped)

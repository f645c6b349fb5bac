"""Turn a victim's pictures into blocklist entries (``add-images``), keeping only the hashes.

The pictures are hashed where they are and never copied, and their file names (which may name a person)
are never recorded: entries are labelled "picture 1", "picture 2"… Each picture is one blocklist item
(``picture_item_id``, from its SHA-256), and every hash made of it, crops included, is a signal of that item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.errors import BlocklistError
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.victim_crops import crop_variant_hashes
from monitor.matching.hash_lists import refuse_control_characters
from monitor.records import BlocklistEntry, picture_item_id
from monitor.signals import SIGNALS

PICTURE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v", ".3gp"}


@dataclass(frozen=True, slots=True)
class ImageIntake:
    """What ``add-images`` made: entries to store, and the pictures it could not hash (by position)."""

    entries: list[BlocklistEntry]
    skipped: list[str]


def hash_pictures(
    folder: Path, case: str, label: str = "picture", min_quality: int = 50, max_pixels: int = 89_478_485,
    crop_variants: bool = True,
) -> ImageIntake:  # fmt: skip
    """Hash every picture under ``folder`` into entries of ``case``; nothing of the pictures is kept.

    Every registered signal's value becomes an entry of the picture's item. Besides, a few crops of each
    picture are hashed by every picture signal as extra entries of that item labelled with the crop, so
    cropped copies match (``crop_variants``).
    A value whose quality is below ``min_quality`` (PDQ's: ``match_pdq_min_quality``) is left out, and so
    are the crops of such a picture: such a hash would match unrelated flat pictures.
    """
    if not folder.is_dir():
        raise BlocklistError(f"{folder}: not a folder of pictures")
    if not case.strip():
        raise BlocklistError("add-images needs --case (a pseudonymous case reference)")
    for text, field in ((case, "--case"), (label, "--label")):
        try:
            refuse_control_characters(text, field)
        except ValueError as exc:
            raise BlocklistError(str(exc)) from None
    suffixes = PICTURE_SUFFIXES | VIDEO_SUFFIXES
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    entries: list[BlocklistEntry] = []
    skipped: list[str] = []
    for number, path in enumerate(files, 1):
        fingerprints = fingerprint_file(path, max_pixels)
        name = f"{label} {number}"
        if fingerprints.error:
            skipped.append(f"{name}: {fingerprints.error}")
        sha256 = fingerprints.values.get("sha256")
        item = picture_item_id(case.strip(), sha256) if sha256 else ""  # one item per picture: all its hashes
        trusted = True
        for signal in SIGNALS.values():
            value = signal.value_of(fingerprints)
            if value is None:
                continue
            quality = signal.quality_of(fingerprints)
            if quality is not None and quality < min_quality:
                trusted = False
                continue
            entries.append(BlocklistEntry(signal.name, value, case.strip(), name, "victim intake", item_id=item))
        if crop_variants and trusted and not fingerprints.error and not fingerprints.frames:
            for variant, hashes in crop_variant_hashes(path, max_pixels):
                for hash_type, value in hashes.items():
                    entries.append(BlocklistEntry(hash_type, value, case.strip(), name, "victim intake",
                                                  variant=variant, item_id=item))  # fmt: skip
    return ImageIntake(entries, skipped)

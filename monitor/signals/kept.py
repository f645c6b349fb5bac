"""What each media file keeps for retro-matching, by signal name, and the flat columns stores hold it in.

jikimi keeps the fingerprints of everything it has seen (never the media). Retro-matching scans, for every
stored media, what each signal keeps (``SignalType.kept_columns``): an exact signal its value, a picture
signal its value and its left-right mirror, plus a quality for a signal that reports one
(``<name>_quality``). Stores hold these as flat columns named so (SQLite columns, the ``row`` document
in MongoDB): ``sha256, md5, pdq, pdq_mirror, pdq_quality, phash, phash_mirror`` for today's signals, the
layout earlier versions wrote, so their data directories need no migration; a new signal adds its columns
when a store is opened.
"""

from __future__ import annotations

from collections.abc import Mapping

from crawlers.sighting import Fingerprints
from monitor.records import PerceptualRow
from monitor.signals import SIGNALS, SignalType

ColumnValue = str | int | None


def hash_columns() -> list[str]:
    """Every registered signal's kept columns, in registry order (``sha256`` first: the media's key)."""
    return [column for signal in SIGNALS.values() for column in signal.kept_columns()]


def quality_columns() -> list[str]:
    """``<name>_quality`` of every signal that reports a quality and keeps values."""
    return [f"{name}_quality" for name, signal in SIGNALS.items() if _keeps_quality(signal)]


def _keeps_quality(signal: type[SignalType]) -> bool:
    return signal.reports_quality and bool(signal.kept_columns())


def perceptual_row(fingerprints: Fingerprints) -> PerceptualRow:
    """What retro-matching keeps of one media's fingerprints."""
    hashes = {name: kept for name, signal in SIGNALS.items() if (kept := signal.kept_values(fingerprints))}
    qualities = {
        name: quality
        for name, signal in SIGNALS.items()
        if name in hashes and _keeps_quality(signal) and (quality := signal.quality_of(fingerprints)) is not None
    }
    return PerceptualRow(fingerprints.sha256, hashes, qualities)


def row_columns(row: PerceptualRow) -> dict[str, ColumnValue]:
    """The row as every store column (``None`` where a value is missing)."""
    columns: dict[str, ColumnValue] = {"sha256": row.sha256}
    for name, signal in SIGNALS.items():
        kept = row.hashes.get(name, ())
        for number, column in enumerate(signal.kept_columns()):
            columns[column] = kept[number] if number < len(kept) else None
        if _keeps_quality(signal):
            columns[f"{name}_quality"] = row.qualities.get(name)
    return columns


def row_from_columns(columns: Mapping[str, object]) -> PerceptualRow:
    """The row back from its columns; columns missing or ``None`` (a signal added later) are left out."""
    hashes: dict[str, tuple[str, ...]] = {}
    qualities: dict[str, int] = {}
    for name, signal in SIGNALS.items():
        kept: list[str] = []
        for column in signal.kept_columns():
            value = columns.get(column)
            if not isinstance(value, str):
                break
            kept.append(value)
        if kept:
            hashes[name] = tuple(kept)
            if _keeps_quality(signal):
                quality = columns.get(f"{name}_quality")
                qualities[name] = quality if isinstance(quality, int) else 0
    return PerceptualRow(str(columns["sha256"]), hashes, qualities)

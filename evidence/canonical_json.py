"""Deterministic JSON and UTC timestamps for evidence files.

Why canonical? A packet's files are hashed and signed; the same facts must always give the same bytes.
Times are UTC ISO 8601 with a ``Z`` (what courts and the Berkeley Protocol expect to read).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def utc_z(moment: datetime | None) -> str | None:
    """``2026-11-28T13:09:36.123Z``; naive datetimes are refused rather than guessed."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: evidence times must be tz-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical_json(document: Any) -> bytes:
    """UTF-8 JSON with sorted keys and fixed separators, ending in a newline."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")

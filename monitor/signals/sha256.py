"""Exact file hash: the same bytes."""

from __future__ import annotations

from monitor.signals.base import HexSignal


class Sha256Signal(HexSignal):
    name = "sha256"
    bits = 256
    label = "SHA-256"

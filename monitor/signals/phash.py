"""pHash: the 64-bit DCT perceptual hash of ``imagehash``; compared by Hamming distance (default 10)."""

from __future__ import annotations

from monitor.signals.base import HexSignal


class PhashSignal(HexSignal):
    name = "phash"
    bits = 64
    label = "pHash"
    default_threshold = 10

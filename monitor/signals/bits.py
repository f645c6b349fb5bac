"""Hash values as bits: lowercase hex in and out, Hamming distance between two values.

Why is a hash value a lowercase hex ``str``? See ``monitor/signals/base.py``; this module is the one place
that converts between the bit vectors hashers produce and that form.
"""

from __future__ import annotations

import numpy as np


def bits_to_hex(bits: np.ndarray) -> str:
    """A bit vector (first element most significant, as python-threatexchange does) as lowercase hex."""
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


def hamming_distance(left: str, right: str) -> int:
    """Bits that differ between two hex hashes of the same length."""
    return (int(left, 16) ^ int(right, 16)).bit_count()

"""pHash: the 64-bit DCT perceptual hash of ``imagehash``; compared by Hamming distance (default 10).

A match that involves a variant (a rotation, mirror, trim or crop) must be within 6: 64 bits at radius 10
give unrelated pictures a real chance to meet among the many variants compared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from monitor.signals.base import MatchRule, PictureHashes, PictureSignal
from monitor.signals.bits import bits_to_hex

if TYPE_CHECKING:
    from PIL import Image

_ODD = np.array([(-1) ** column for column in range(8)], dtype=np.float64)


def _phash_bits(low: np.ndarray) -> str:
    return bits_to_hex((low > np.median(low)).ravel())


def phash_dihedral(picture: Image.Image) -> list[str]:
    """pHash exactly as ``imagehash.phash`` computes it, then the pHashes of the 7 other rotations/mirrors.

    Why not call imagehash eight times? Mirroring a picture multiplies its DCT coefficients in odd columns
    (left-right) or odd rows (top-bottom) by -1, and transposing it transposes them; every rotation and
    mirror is a combination of those, so all eight hashes come from one resize and one DCT.
    """
    import scipy.fftpack  # on first hash: validating a hash list needs no hasher
    from PIL import Image

    grey = np.asarray(picture.convert("L").resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
    low = scipy.fftpack.dct(scipy.fftpack.dct(grey, axis=0), axis=1)[:8, :8]
    odd_rows, odd_columns = np.outer(_ODD, np.ones(8)), np.outer(np.ones(8), _ODD)
    variants = [low, low * odd_columns, low * odd_rows, low * odd_rows * odd_columns]
    variants += [variant.T for variant in variants]
    return [_phash_bits(variant) for variant in variants]


class PhashSignal(PictureSignal):
    name = "phash"
    bits = 64
    label = "pHash"
    default_rule = MatchRule(10, variant_threshold=6)
    mirror_variant = 0  # left-right: odd DCT columns negated

    @classmethod
    def hash_picture(cls, picture: Image.Image) -> PictureHashes:
        value, *variants = phash_dihedral(picture)
        return PictureHashes(value, tuple(variants))

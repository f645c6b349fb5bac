"""PDQ: Meta's 256-bit perceptual hash, robust to re-encoding and resizing; compared by Hamming distance.

The default threshold (31 of 256 bits) is the one Meta's Hasher-Matcher-Actioner uses. PDQ also
reports a quality (0-100): below ``match_pdq_min_quality`` (default 50) the picture is too flat for PDQ
to be trusted, and its PDQ matches are ignored. ``pdqhash`` computes the 8 rotations and mirrors in one
call, in the order original, rot90, rot180, rot270, flip top-bottom, flip left-right, …
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crawlers.sighting import Fingerprints
from monitor.signals.base import MatchRule, PictureHashes, PictureSignal
from monitor.signals.bits import bits_to_hex

if TYPE_CHECKING:
    from PIL import Image


def pdq_of(pixels: np.ndarray) -> tuple[str, int]:
    """(PDQ, quality) of an RGB pixel array: a picture's or a video frame's."""
    import pdqhash  # on first hash: validating a hash list needs no hasher

    bits, quality = pdqhash.compute(pixels)
    return bits_to_hex(bits), int(quality)


class PdqSignal(PictureSignal):
    name = "pdq"
    bits = 256
    label = "PDQ"
    default_rule = MatchRule(31, min_quality=50)
    reports_quality = True
    mirror_variant = 4  # flip left-right, the original left out

    @classmethod
    def hash_picture(cls, picture: Image.Image) -> PictureHashes:
        import pdqhash

        every, qualities = pdqhash.compute_dihedral(np.asarray(picture))
        value, *variants = [bits_to_hex(bits) for bits in every]
        return PictureHashes(value, tuple(variants), int(np.asarray(qualities).flat[0]))

    @classmethod
    def hash_plain(cls, picture: Image.Image) -> str:
        return pdq_of(np.asarray(picture))[0]

    @classmethod
    def quality_of(cls, fingerprints: Fingerprints) -> int | None:
        """``Fingerprints.pdq_quality``; a PDQ without one is not trusted (counts as 0)."""
        return fingerprints.pdq_quality or 0

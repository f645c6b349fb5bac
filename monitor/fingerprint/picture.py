"""Decode a picture once, at reduced size, and compute its perceptual hashes (PDQ with its dihedral
variants, pHash with its rotations and mirrors).

Decoding dominates the cost, so a picture is decoded once, at reduced size, and every perceptual hash is
computed from that one decode. JPEG ``draft`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale (the smallest
with both sides at least ``DRAFT_SIZE``); other formats are reduced by an integer factor. PDQ and pHash
reduce the picture to 64×64 and 32×32 anyway: ``bench/hashing.py`` measures the bits this changes against
full-size hashing (PDQ median 7 of 256, pHash median 0 of 64) and the speed it buys.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pdqhash
import scipy.fftpack
from PIL import Image, ImageOps, UnidentifiedImageError

from monitor.signals.bits import bits_to_hex

NOT_A_PICTURE = "not a picture Pillow can decode"
DRAFT_SIZE = 192
MAX_SIDE = 512
_ODD_COLUMNS = np.array([(-1) ** column for column in range(8)], dtype=np.float64)


def decode_picture(path: Path, max_pixels: int) -> Image.Image:
    """Decode at reduced size, RGB, EXIF orientation applied. Raises ``ValueError`` saying what is wrong."""
    picture: Image.Image
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(path)
        except UnidentifiedImageError:
            raise ValueError(f"{NOT_A_PICTURE} (unrecognised format)") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValueError(f"refused as a decompression bomb: {exc}") from None
        except (OSError, SyntaxError, ValueError) as exc:  # a header Pillow recognised but cannot read
            raise ValueError(f"truncated or corrupt picture: {exc}") from None
        width, height = picture.size
        if width * height > max_pixels:
            raise ValueError(f"refused as a decompression bomb: {width}×{height} pixels is over {max_pixels}")
        picture.draft("RGB", (DRAFT_SIZE, DRAFT_SIZE))
        try:
            picture.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValueError(f"truncated or corrupt picture: {exc}") from None
    picture = ImageOps.exif_transpose(picture, in_place=True) or picture
    picture = picture.convert("RGB")
    factor = max(picture.size) // MAX_SIDE
    if factor >= 2:  # formats without draft (PNG, WebP…): a fast box reduction by a whole factor
        picture = picture.reduce(factor)
    return picture


def _phash_bits(low: np.ndarray) -> str:
    return bits_to_hex((low > np.median(low)).ravel())


def phash_dihedral(picture: Image.Image) -> list[str]:
    """pHash exactly as ``imagehash.phash`` computes it, then the pHashes of the 7 other rotations/mirrors.

    Why not call imagehash eight times? Mirroring a picture multiplies its DCT coefficients in odd columns
    (left-right) or odd rows (top-bottom) by -1, and transposing it transposes them; every rotation and
    mirror is a combination of those, so all eight hashes come from one resize and one DCT.
    """
    grey = np.asarray(picture.convert("L").resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
    low = scipy.fftpack.dct(scipy.fftpack.dct(grey, axis=0), axis=1)[:8, :8]
    odd_rows, odd_columns = np.outer(_ODD_COLUMNS, np.ones(8)), np.outer(np.ones(8), _ODD_COLUMNS)
    variants = [low, low * odd_columns, low * odd_rows, low * odd_rows * odd_columns]
    variants += [variant.T for variant in variants]
    return [_phash_bits(variant) for variant in variants]


def plain_hashes(picture: Image.Image) -> tuple[str, str]:
    """PDQ and pHash of a picture, no variants."""
    bits, _ = pdqhash.compute(np.asarray(picture))
    return bits_to_hex(bits), phash_dihedral(picture)[0]


def perceptual_hashes(picture: Image.Image) -> tuple[str, int, str, list[str], list[str]]:
    """(pdq, quality, phash, pdq variants, phash variants) of a decoded picture."""
    pdq_all, qualities = pdqhash.compute_dihedral(np.asarray(picture))
    pdq_hexes = [bits_to_hex(bits) for bits in pdq_all]
    phash, *phash_variants = phash_dihedral(picture)
    quality = int(np.asarray(qualities).flat[0])
    return pdq_hexes[0], quality, phash, pdq_hexes[1:], phash_variants

"""Compute fingerprints of one media file: exact hashes of the bytes, perceptual hashes of the picture.

Decoding dominates the cost, so a picture is decoded once, at reduced size (JPEG ``draft`` lets libjpeg
decode at 1/2, 1/4 or 1/8 scale), and every perceptual hash is computed from that one decode. PDQ and
pHash both reduce the picture to 64×64 or 32×32 anyway, so decoding at up to ``DECODE_SIZE`` pixels
changes them by a few bits at most (measured in ``bench/``).

Query-side variants make matching robust to the edits distributors make while victims still supply one
hash per picture: the eight rotations/mirrors (PDQ dihedral hashes, cheap once the picture is reduced),
a mirrored pHash, and both hashes again for the picture with uniform borders trimmed.

Bad input never raises out of ``fingerprint_file``: the exact hashes are always computed (they need no
decoding), and a picture that cannot be decoded — truncated, corrupt, not an image, a decompression bomb —
gets ``Fingerprints.error`` saying why, so "could not hash" is never mistaken for "no match".
These functions are module-level and pure (path in, record out) so they run in a process pool.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from crawlers.sighting import Fingerprints

DECODE_SIZE = 512
CHUNK = 1 << 20
BORDER_TOLERANCE = 24
MIN_TRIM_SHARE = 0.03


def exact_hashes(path: Path) -> dict[str, str]:
    """SHA-256 and MD5 of the file's bytes, read in chunks (files may be large videos)."""
    sha256, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
    return {"sha256": sha256.hexdigest(), "md5": md5.hexdigest()}


def bits_to_hex(bits: np.ndarray) -> str:
    """A bit vector (first element most significant, as python-threatexchange does) as lowercase hex."""
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


def decode_picture(path: Path, max_pixels: int) -> Image.Image:
    """Decode at reduced size, RGB, EXIF orientation applied. Raises ``ValueError`` saying what is wrong."""
    picture: Image.Image
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(path)
        except UnidentifiedImageError:
            raise ValueError("not a picture Pillow can decode (unrecognised format)") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValueError(f"refused as a decompression bomb: {exc}") from None
        except (OSError, SyntaxError, ValueError) as exc:  # a header Pillow recognised but cannot read
            raise ValueError(f"truncated or corrupt picture: {exc}") from None
        width, height = picture.size
        if width * height > max_pixels:
            raise ValueError(f"refused as a decompression bomb: {width}×{height} pixels is over {max_pixels}")
        picture.draft("RGB", (DECODE_SIZE, DECODE_SIZE))
        try:
            picture.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValueError(f"truncated or corrupt picture: {exc}") from None
    picture = ImageOps.exif_transpose(picture) or picture
    picture = picture.convert("RGB")
    if max(picture.size) > DECODE_SIZE:
        picture.thumbnail((DECODE_SIZE, DECODE_SIZE), Image.Resampling.BILINEAR)
    return picture


def trim_uniform_border(picture: Image.Image) -> Image.Image | None:
    """The picture without a uniform border (padding, letterbox), or ``None`` if there is none to trim."""
    background = Image.new("RGB", picture.size, picture.getpixel((0, 0)))
    difference = ImageChops.difference(picture, background).convert("L")
    mask = difference.point(lambda level: 255 if level > BORDER_TOLERANCE else 0)
    box = mask.getbbox()
    if box is None:
        return None
    left, top, right, bottom = box
    width, height = picture.size
    trimmed_share = 1 - ((right - left) * (bottom - top)) / (width * height)
    if trimmed_share < MIN_TRIM_SHARE or (right - left) < 16 or (bottom - top) < 16:
        return None
    return picture.crop(box)


def perceptual_hashes(picture: Image.Image) -> tuple[str, int, str, list[str], list[str]]:
    """(pdq, quality, phash, pdq variants, phash variants) of a decoded picture."""
    pdq_all, qualities = pdqhash.compute_dihedral(np.asarray(picture))
    pdq_hexes = [bits_to_hex(bits) for bits in pdq_all]
    phash = str(imagehash.phash(picture))
    phash_variants = [str(imagehash.phash(ImageOps.mirror(picture)))]
    quality = int(np.asarray(qualities).flat[0])
    return pdq_hexes[0], quality, phash, pdq_hexes[1:], phash_variants


def fingerprint_file(path: Path | str, max_pixels: int = 89_478_485) -> Fingerprints:
    """All fingerprints of one file. Never raises for bad content; see ``Fingerprints.error``."""
    path = Path(path)
    values = exact_hashes(path)
    if path.stat().st_size == 0:
        return Fingerprints(values=values, error="empty file")
    try:
        picture = decode_picture(path, max_pixels)
    except ValueError as exc:
        return Fingerprints(values=values, error=str(exc))
    pdq, quality, phash, pdq_variants, phash_variants = perceptual_hashes(picture)
    trimmed = trim_uniform_border(picture)
    if trimmed is not None:
        t_pdq, _, t_phash, t_pdq_variants, t_phash_variants = perceptual_hashes(trimmed)
        pdq_variants += [t_pdq, *t_pdq_variants]
        phash_variants += [t_phash, *t_phash_variants]
    return Fingerprints(
        values={**values, "pdq": pdq, "phash": phash},
        variants={"pdq": tuple(dict.fromkeys(pdq_variants)), "phash": tuple(dict.fromkeys(phash_variants))},
        pdq_quality=quality,
        width=picture.width,
        height=picture.height,
    )

"""Decode a picture once, at reduced size, and compute every picture signal's hashes from that decode.

Decoding dominates the cost, so a picture is decoded once, at reduced size, and every perceptual hash is
computed from that one decode. JPEG ``draft`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale (the smallest
with both sides at least ``DRAFT_SIZE``); other formats are reduced by an integer factor, band by band
(``monitor/fingerprint/reduction.py``), so a big picture costs its decode and little more. PDQ and pHash
reduce the picture to 64×64 and 32×32 anyway: ``bench/hashing.py`` measures the bits this changes against
full-size hashing (PDQ median 7 of 256, pHash median 0 of 64) and the speed it buys.
"""

from __future__ import annotations

import warnings

from PIL import Image, UnidentifiedImageError

from monitor.fingerprint.exact import MediaSource, readable
from monitor.fingerprint.reduction import upright_rgb
from monitor.signals import PictureHashes, PictureSignal, signals_of

NOT_A_PICTURE = "not a picture Pillow can decode"


class NotAPicture(ValueError):
    """Pillow does not recognise the file as a picture at all (it may be a video): not a broken picture."""


DRAFT_SIZE = 192
MAX_SIDE = 512


def decode_picture(path: MediaSource, max_pixels: int) -> Image.Image:
    """Decode at reduced size, RGB, EXIF orientation applied. Raises ``ValueError`` saying what is wrong."""
    picture: Image.Image
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(readable(path))
        except UnidentifiedImageError:
            raise NotAPicture(f"{NOT_A_PICTURE} (unrecognised format)") from None
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
    # formats without draft (PNG, WebP…): a fast box reduction by a whole factor, with no full-size copy
    return upright_rgb(picture, max(picture.size) // MAX_SIDE)


def picture_hashes(picture: Image.Image) -> dict[str, PictureHashes]:
    """Every picture signal's value, dihedral variants and quality for one decoded picture."""
    return {signal.name: signal.hash_picture(picture) for signal in signals_of(PictureSignal)}


def plain_hashes(picture: Image.Image) -> dict[str, str]:
    """Every picture signal's value alone (a crop: no variants)."""
    return {signal.name: signal.hash_plain(picture) for signal in signals_of(PictureSignal)}

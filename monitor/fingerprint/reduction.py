"""Reduce a decoded picture to hashing size, upright and RGB, without a second full-size copy of it.

Why not ``exif_transpose``, ``convert("RGB")`` and then ``reduce``? Each of the first two copies the whole
picture: an 88-megapixel PNG, decoded in 352 MB (Pillow keeps RGB in four bytes a pixel), peaked at 750-850
MB in a hash worker. Here the picture is converted and box-reduced in bands of rows (an RGB one is reduced
where it is, with no copy), and turned upright only once it is small: the decode is the peak
(``bench/big_media.py``). The result is
pixel for pixel the same as the three steps in that order (``tests/monitor/fingerprint/test_reduction.py``),
so no hash drifts: box reduction works on boxes of ``factor``×``factor`` pixels counted from the top-left
corner, so a mirror or a rotation done after it must see the boxes counted from the corner it brings to
the top left. The boxes are counted from there (a short first band or column takes the remainder), and
the conversion to RGB is pixel by pixel, so doing it band by band changes nothing.
"""

from __future__ import annotations

from PIL import ExifTags, Image

BAND_PIXELS = 1 << 19
"""Source pixels converted at a time (a 2 MB copy in RGB) for a picture in another mode, whatever its size."""

UPRIGHT = {
    # EXIF orientation → the turn that makes the picture upright (as ``ImageOps.exif_transpose``), and which
    # of the picture's own axes the turn reverses (x, y): those are the axes whose boxes count from the end
    2: (Image.Transpose.FLIP_LEFT_RIGHT, True, False),
    3: (Image.Transpose.ROTATE_180, True, True),
    4: (Image.Transpose.FLIP_TOP_BOTTOM, False, True),
    5: (Image.Transpose.TRANSPOSE, False, False),
    6: (Image.Transpose.ROTATE_270, False, True),
    7: (Image.Transpose.TRANSVERSE, True, True),
    8: (Image.Transpose.ROTATE_90, True, False),
}


def upright_rgb(picture: Image.Image, factor: int) -> Image.Image:
    """``exif_transpose(picture).convert("RGB").reduce(factor)``, exactly, with memory for a band at a time.

    ``factor`` below 2 means no reduction. ``picture`` must be loaded; it is not changed.
    """
    turn, reverse_x, reverse_y = UPRIGHT.get(picture.getexif().get(ExifTags.Base.Orientation, 1), (None, False, False))
    factor = max(factor, 1)
    width, height = picture.size
    columns = _spans(width, width, factor, reverse_x)
    rows = _spans(height, max(1, BAND_PIXELS // (width * factor)) * factor, factor, reverse_y)
    reduced = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    for top, bottom in rows:
        for left, right in columns:
            reduced.paste(
                _reduced_piece(picture, (left, top, right, bottom), factor), (-(-left // factor), -(-top // factor))
            )
    return reduced.transpose(turn) if turn is not None else reduced


def _reduced_piece(picture: Image.Image, box: tuple[int, int, int, int], factor: int) -> Image.Image:
    if picture.mode == "RGB" and factor > 1:
        return picture.reduce(factor, box)  # no copy of the piece at all
    piece = picture.crop(box).convert("RGB")
    return piece.reduce(factor) if factor > 1 else piece


def _spans(length: int, span: int, factor: int, from_end: bool) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``length`` pixels, ``span`` long (a multiple of ``factor``),
    with box edges counted from the start, or from the end (then a first short piece takes the remainder)."""
    first = length % factor if from_end else 0
    starts = ([0] if first else []) + list(range(first, length, span))
    return list(zip(starts, [*starts[1:], length], strict=True))

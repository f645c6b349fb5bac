"""Reducing a picture band by band gives exactly what turning it upright, converting and reducing it whole
gave, so no hash of a victim's or a crawled picture moves (issue 17: PDQ must not drift)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ExifTags, Image, ImageOps

from monitor.fingerprint import reduction
from monitor.fingerprint.reduction import UPRIGHT, upright_rgb


def whole(picture: Image.Image, factor: int) -> Image.Image:
    """What ``decode_picture`` did before: three full-size steps."""
    converted = (ImageOps.exif_transpose(picture) or picture).convert("RGB")
    return converted.reduce(factor) if factor >= 2 else converted


def noisy(mode: str, size: tuple[int, int], orientation: int) -> Image.Image:
    rng = np.random.default_rng(sum(size) + orientation)
    picture = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 4), dtype=np.uint8), "RGBA")
    picture = picture.convert(mode) if mode != "P" else picture.convert("RGB").quantize(64)
    if orientation != 1:
        picture.getexif()[ExifTags.Base.Orientation] = orientation
    return picture


@pytest.mark.parametrize("orientation", [1, *UPRIGHT])
@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P", "LA", "CMYK", "1"])
def test_the_banded_reduction_is_pixel_for_pixel_the_whole_one(
    mode: str, orientation: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reduction, "BAND_PIXELS", 3000)  # many bands even for a small picture
    for size, factor in [((203, 151), 7), ((160, 96), 4), ((97, 61), 1), ((50, 33), 2)]:
        picture = noisy(mode, size, orientation)
        expected = whole(picture, factor)
        got = upright_rgb(picture, factor)
        assert got.size == expected.size and got.mode == "RGB"
        assert np.array_equal(np.asarray(got), np.asarray(expected)), (mode, orientation, size, factor)


def test_the_picture_handed_in_is_left_as_it_was() -> None:
    picture = noisy("RGBA", (120, 80), 6)
    before = picture.tobytes()
    upright_rgb(picture, 3)
    assert picture.size == (120, 80) and picture.mode == "RGBA" and picture.tobytes() == before

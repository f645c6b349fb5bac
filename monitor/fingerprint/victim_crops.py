"""Victim-side crops: extra hashes of a picture that is at hand, so cropped copies of it match."""

from __future__ import annotations

from pathlib import Path

from monitor.fingerprint.picture import decode_picture, plain_hashes

VICTIM_CROPS: dict[str, tuple[float, float, float, float]] = {
    # name: (left, top, right, bottom) shares cut away; distributors crop from the middle or a corner
    "centre crop 5%": (0.025, 0.025, 0.025, 0.025),
    "centre crop 10%": (0.05, 0.05, 0.05, 0.05),
    "top-left crop 8%": (0.0, 0.0, 0.08, 0.08),
    "top-right crop 8%": (0.08, 0.0, 0.0, 0.08),
    "bottom-left crop 8%": (0.0, 0.08, 0.08, 0.0),
    "bottom-right crop 8%": (0.08, 0.08, 0.0, 0.0),
}


def crop_variant_hashes(path: Path | str, max_pixels: int = 89_478_485) -> list[tuple[str, dict[str, str]]]:
    """(variant name, picture signal → value) of crops of a picture that is at hand (a victim's, on their side).

    Why on the victim's side? A query can be trimmed or cropped, but it cannot grow back what a distributor
    cut off; hashing the victim's picture cropped a few ways makes those crops matchable.
    """
    try:
        picture = decode_picture(Path(path), max_pixels)
    except ValueError:
        return []
    width, height = picture.size
    found = []
    for name, (left, top, right, bottom) in VICTIM_CROPS.items():
        box = (int(width * left), int(height * top), width - int(width * right), height - int(height * bottom))
        found.append((name, plain_hashes(picture.crop(box))))
    return found

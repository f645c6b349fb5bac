"""Query-side variants of a decoded picture: its uniform borders trimmed, and centre crops.

Distributors letterbox, pad and frame pictures; a victim still supplies one hash per picture. Trimming
flat borders (and frames inside frames) and cutting centre crops gives the matcher versions of the crawled
picture that line up with the victim's again. They are only ever query variants, never stored entries.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

UNIFORM_LINE_STD = 2.5  # grey-level spread of a border row or column (JPEG noise on a flat border: ~1-2)
MIN_TRIM_SHARE = 0.03
CENTRE_CROPS = (0.1, 0.2)  # share of each side cut away on the query side (hashed at half size)


RINGING_LINES = 3  # (at half size) JPEG blocks blur a border's inner edge over a few lines
RINGING_MEAN_GAP = 24.0


def _uniform_run(stds: np.ndarray, means: np.ndarray) -> int:
    """How many lines from the start are a border: flat lines, plus the few ringing lines after them
    that keep the border's brightness on average."""
    busy = np.flatnonzero(stds > UNIFORM_LINE_STD)
    run = int(busy[0]) if len(busy) else len(stds)
    if run == 0:
        return 0
    for line in range(run, min(run + RINGING_LINES, len(means))):
        if abs(means[line] - means[run - 1]) > RINGING_MEAN_GAP:
            break
        run = line + 1
    return run


def trimmed_versions(picture: Image.Image, passes: int = 3) -> list[Image.Image]:
    """The picture with its outer border trimmed, and, if trimming again finds more (a frame inside a
    frame, a screenshot's bars), the deepest trim too.

    Why both? A flat area of the picture itself can touch its edge and look like one more border; the
    first cut is then the right one, otherwise the deeper one. Both are cheap extra query variants.
    """
    versions: list[Image.Image] = []
    current: Image.Image | None = picture
    for _ in range(passes):
        current = _trim_once(current) if current is not None else None
        if current is None:
            break
        versions = versions[:1] + [current]
    return versions


def _trim_once(picture: Image.Image) -> Image.Image | None:
    if min(picture.size) < 32:
        return None
    grey = np.asarray(picture.convert("L").reduce(2), dtype=np.float32)  # half size: borders are wide
    row_std, column_std = grey.std(axis=1), grey.std(axis=0)
    row_mean, column_mean = grey.mean(axis=1), grey.mean(axis=0)
    top, bottom = _uniform_run(row_std, row_mean), _uniform_run(row_std[::-1], row_mean[::-1])
    left, right = _uniform_run(column_std, column_mean), _uniform_run(column_std[::-1], column_mean[::-1])
    width, height = picture.size
    box = (2 * left, 2 * top, width - 2 * right, height - 2 * bottom)
    kept_width, kept_height = box[2] - box[0], box[3] - box[1]
    if kept_width < 16 or kept_height < 16:
        return None
    if 1 - (kept_width * kept_height) / (width * height) < MIN_TRIM_SHARE:
        return None
    return picture.crop(box)


def centre_crop(picture: Image.Image, share: float) -> Image.Image:
    """The middle of the picture with ``share`` of each side cut away."""
    width, height = picture.size
    dx, dy = int(width * share / 2), int(height * share / 2)
    return picture.crop((dx, dy, width - dx, height - dy))

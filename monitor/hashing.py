"""Compute fingerprints of one media file: exact hashes of the bytes, perceptual hashes of the picture.

Decoding dominates the cost, so a picture is decoded once, at reduced size, and every perceptual hash is
computed from that one decode. JPEG ``draft`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale (the smallest
with both sides at least ``DRAFT_SIZE``); other formats are reduced by an integer factor. PDQ and pHash
reduce the picture to 64×64 and 32×32 anyway: ``bench/hashing.py`` measures the bits this changes against
full-size hashing (PDQ median 7 of 256, pHash median 0 of 64) and the speed it buys.

Query-side variants make matching robust to the edits distributors make while victims still supply one
hash per picture: the eight rotations/mirrors (PDQ dihedral hashes, cheap once the picture is reduced), a
mirrored pHash, both hashes again for the picture with uniform borders (letterbox, padding, frames of
different colours per side) trimmed, and for centre crops (the picture shown inside a larger frame).

Bad input never raises out of ``fingerprint_file``: the exact hashes are always computed (they need no
decoding), and a picture that cannot be decoded — truncated, corrupt, not an image, a decompression bomb —
gets ``Fingerprints.error`` saying why, so "could not hash" is never mistaken for "no match".
These functions are module-level and pure (path in, record out) so they run in a process pool.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pdqhash
import scipy.fftpack
from PIL import Image, ImageOps, UnidentifiedImageError

from crawlers.sighting import Fingerprints

NOT_A_PICTURE = "not a picture Pillow can decode"
DRAFT_SIZE = 192
MAX_SIDE = 512
CHUNK = 1 << 20
UNIFORM_LINE_STD = 2.5  # grey-level spread of a border row or column (JPEG noise on a flat border: ~1-2)
MIN_TRIM_SHARE = 0.03
CENTRE_CROPS = (0.1, 0.2)  # share of each side cut away on the query side (hashed at half size)
_ODD_COLUMNS = np.array([(-1) ** column for column in range(8)], dtype=np.float64)


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


def fingerprint_file(path: Path | str, max_pixels: int = 89_478_485, max_video_frames: int = 600) -> Fingerprints:
    """All fingerprints of one file (a picture or a video). Never raises for bad content; see
    ``Fingerprints.error``."""
    path = Path(path)
    values = exact_hashes(path)
    if path.stat().st_size == 0:
        return Fingerprints(values=values, error="empty file")
    try:
        picture = decode_picture(path, max_pixels)
    except ValueError as exc:
        if not str(exc).startswith(NOT_A_PICTURE):
            return Fingerprints(values=values, error=str(exc))
        from monitor.video import video_frames

        try:
            video = video_frames(path, max_video_frames)
        except ValueError as video_exc:
            return Fingerprints(values=values, error=f"neither a picture nor a video: {video_exc}")
        return Fingerprints(values=values, frames=video.pdq, frame_seconds=video.seconds)
    pdq, quality, phash, pdq_variants, phash_variants = perceptual_hashes(picture)
    trimmed = trimmed_versions(picture)
    for version in trimmed:
        t_pdq, _, t_phash, t_pdq_variants, t_phash_variants = perceptual_hashes(version)
        pdq_variants += [t_pdq, *t_pdq_variants]
        phash_variants += [t_phash, *t_phash_variants]
    base = trimmed[0] if trimmed else picture
    if min(base.size) >= 128:  # PDQ's cost grows with pixels; a variant needs no full detail
        base = base.reduce(2)
    for share in CENTRE_CROPS:
        c_pdq, c_phash = plain_hashes(centre_crop(base, share))
        pdq_variants.append(c_pdq)
        phash_variants.append(c_phash)
    return Fingerprints(
        values={**values, "pdq": pdq, "phash": phash},
        variants={"pdq": tuple(dict.fromkeys(pdq_variants)), "phash": tuple(dict.fromkeys(phash_variants))},
        pdq_quality=quality,
        width=picture.width,
        height=picture.height,
    )


VICTIM_CROPS: dict[str, tuple[float, float, float, float]] = {
    # name: (left, top, right, bottom) shares cut away; distributors crop from the middle or a corner
    "centre crop 5%": (0.025, 0.025, 0.025, 0.025),
    "centre crop 10%": (0.05, 0.05, 0.05, 0.05),
    "top-left crop 8%": (0.0, 0.0, 0.08, 0.08),
    "top-right crop 8%": (0.08, 0.0, 0.0, 0.08),
    "bottom-left crop 8%": (0.0, 0.08, 0.08, 0.0),
    "bottom-right crop 8%": (0.08, 0.08, 0.0, 0.0),
}


def crop_variant_hashes(path: Path | str, max_pixels: int = 89_478_485) -> list[tuple[str, str, str]]:
    """(variant name, PDQ, pHash) of crops of a picture that is at hand (a victim's, on their side).

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
        found.append((name, *plain_hashes(picture.crop(box))))
    return found

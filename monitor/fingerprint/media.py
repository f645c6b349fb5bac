"""Compute the fingerprints of one media file: exact hashes of the bytes, perceptual hashes of the content.

A picture is decoded once, at reduced size (``monitor/fingerprint/picture.py``), and every perceptual hash
and query-side variant is computed from that decode (``monitor/fingerprint/variants.py``); a file that is
not a picture is tried as a video (``monitor/fingerprint/video.py``).

Bad input never raises out of ``fingerprint_file``: the exact hashes are always computed (they need no
decoding), and a file that cannot be decoded — truncated, corrupt, not an image, a decompression bomb —
gets ``Fingerprints.error`` saying why, so "could not hash" is never mistaken for "no match".
These functions are module-level and pure (path in, record out) so they run in a process pool.
"""

from __future__ import annotations

from pathlib import Path

from crawlers.sighting import Fingerprints
from monitor.fingerprint.exact import exact_hashes
from monitor.fingerprint.picture import NOT_A_PICTURE, decode_picture, perceptual_hashes, plain_hashes
from monitor.fingerprint.variants import CENTRE_CROPS, centre_crop, trimmed_versions
from monitor.fingerprint.video import video_frames


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

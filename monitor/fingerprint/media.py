"""Compute the fingerprints of one media file: exact hashes of the bytes, perceptual hashes of the content.

Every registered signal is computed by its kind (``monitor/signals/base.py``): exact signals from one read
of the bytes (``monitor/fingerprint/exact.py``); picture signals from one decode at reduced size
(``monitor/fingerprint/picture.py``), each with its query-side variants: its own rotations and mirrors, the
same of the border-trimmed picture, and centre crops (``monitor/fingerprint/variants.py``); a file that is
not a picture is tried as a video, whose frames the frame signal hashes (``monitor/fingerprint/video.py``).

Bad input never raises out of ``fingerprint_file``: the exact hashes are always computed (they need no
decoding), and a file that cannot be decoded — truncated, corrupt, not an image, a decompression bomb —
gets ``Fingerprints.error`` saying why, so "could not hash" is never mistaken for "no match". A video
refused by its declared size or length gets the refusal; one whose decoding ran out of time keeps the
frames hashed before, and ``error`` says the rest was not hashed.
These functions are module-level and pure (path and the run's key in, record out) so they run in a process
pool: the key reaches its processes as a call argument, through the pool's pipe.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from crawlers.sighting import Fingerprints
from crawlers.temp_files import PLAIN, PlainFiles, TempFiles
from monitor.fingerprint.exact import MediaSource, exact_hashes, source_size
from monitor.fingerprint.picture import NotAPicture, decode_picture, picture_hashes, plain_hashes
from monitor.fingerprint.variants import CENTRE_CROPS, centre_crop, trimmed_versions
from monitor.fingerprint.video import video_frames
from monitor.fingerprint.video_limits import VideoRefused


def fingerprint_file(
    path: Path | str, max_pixels: int = 89_478_485, max_video_frames: int = 600, files: TempFiles = PLAIN
) -> Fingerprints:
    """All fingerprints of one file (a picture or a video), read through ``files`` (a sealed temporary file
    is decrypted into memory, never to disk). Never raises for bad content; see ``Fingerprints.error``."""
    source: MediaSource = Path(path) if isinstance(files, PlainFiles) else files.read(Path(path))
    values = exact_hashes(source)
    if source_size(source) == 0:
        return Fingerprints(values=values, error="empty file")
    try:
        picture = decode_picture(source, max_pixels)
    except NotAPicture:
        try:
            video = video_frames(source, max_video_frames, max_pixels)
        except VideoRefused as refused:
            return Fingerprints(values=values, error=str(refused))
        except ValueError as video_exc:
            return Fingerprints(values=values, error=f"neither a picture nor a video: {video_exc}")
        return Fingerprints(values=values, frames=video.hashes, frame_seconds=video.seconds, error=video.stopped)
    except ValueError as exc:  # a picture, but broken or refused
        return Fingerprints(values=values, error=str(exc))
    return picture_fingerprints(picture, values)


def picture_fingerprints(picture: Image.Image, exact: dict[str, str]) -> Fingerprints:
    """Every picture signal's value and query-side variants, from one decoded picture."""
    hashed = picture_hashes(picture)
    variants = {name: list(hashes.variants) for name, hashes in hashed.items()}
    trimmed = trimmed_versions(picture)
    for version in trimmed:
        for name, hashes in picture_hashes(version).items():
            variants[name] += [hashes.value, *hashes.variants]
    base = trimmed[0] if trimmed else picture
    if min(base.size) >= 128:  # PDQ's cost grows with pixels; a variant needs no full detail
        base = base.reduce(2)
    for share in CENTRE_CROPS:
        for name, value in plain_hashes(centre_crop(base, share)).items():
            variants[name].append(value)
    # Fingerprints has one quality slot, PDQ's (crawlers/sighting.py): the signal that reports a quality fills it
    quality = next((hashes.quality for hashes in hashed.values() if hashes.quality is not None), None)
    return Fingerprints(
        values={**exact, **{name: hashes.value for name, hashes in hashed.items()}},
        variants={name: tuple(dict.fromkeys(found)) for name, found in variants.items()},
        pdq_quality=quality,
        width=picture.width,
        height=picture.height,
    )

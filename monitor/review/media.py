"""Pictures for the hit page, made on the server: blurred grey previews, and the original after a reveal.

The unblurred bytes never reach the browser without a reveal: the preview is blurred and grey-scaled
here, from the packet's encrypted media, and re-encoded as a small JPEG. A video becomes a strip of its
keyframes (never a playable file), decoded within the crawl's pixel cap, so a hostile video that matched
cannot exhaust the review server either. A reveal is granted per hit for a limited time and recorded; the
original route checks the grant on every request. Decrypted video bytes are decoded from a file with no
name (``evidence/unnamed_file.py``), so nothing of them is ever found on disk, even after a kill.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image, ImageFilter, ImageOps

from evidence.unnamed_file import unnamed_copy
from monitor.fingerprint.video_limits import VideoRefused, open_video

PREVIEW_SIZE = 480
REVEAL_SIZE = 1280
KEYFRAMES = 6
DEFAULT_PIXEL_CAP = 89_478_485  # Pillow's, used when a caller has switched Pillow's off


class NoPicture(Exception):
    """The media cannot be shown (no packet, undecodable bytes)."""


def _pictures(data: bytes, mime: str, workdir: Path) -> list[Image.Image]:
    if mime.startswith("video/"):
        return _keyframes(data, workdir)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (REVEAL_SIZE, REVEAL_SIZE))
            return [ImageOps.exif_transpose(opened).convert("RGB")]
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise NoPicture(f"not a decodable picture ({type(exc).__name__})") from None


def _keyframes(data: bytes, workdir: Path) -> list[Image.Image]:
    frames: list[Image.Image] = []
    try:
        with unnamed_copy(data, workdir) as name:
            container, video = open_video(name, Image.MAX_IMAGE_PIXELS or DEFAULT_PIXEL_CAP)
            with container:
                video.codec_context.skip_frame = "NONKEY"
                for frame in container.decode(video):
                    frames.append(frame.to_image())  # type: ignore[no-untyped-call]
                    if len(frames) >= KEYFRAMES:
                        break
    except VideoRefused as exc:
        raise NoPicture(str(exc)) from None
    except (av.error.FFmpegError, IndexError, OSError, ValueError) as exc:
        raise NoPicture(f"not a decodable video ({type(exc).__name__})") from None
    if not frames:
        raise NoPicture("no keyframe")
    return frames


def _strip(pictures: list[Image.Image], size: int) -> Image.Image:
    """One picture, or the keyframes side by side, fitting ``size``."""
    height = size if len(pictures) == 1 else max(120, size // 2)
    scaled = [ImageOps.contain(p, (size, height)) for p in pictures]
    strip = Image.new("RGB", (sum(p.width for p in scaled) + 4 * (len(scaled) - 1), max(p.height for p in scaled)))
    x = 0
    for picture in scaled:
        strip.paste(picture, (x, 0))
        x += picture.width + 4
    return strip


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def blurred_preview(data: bytes, mime: str, workdir: Path) -> bytes:
    """Grey, small and blurred so hard that shapes show but nothing identifying does."""
    strip = _strip(_pictures(data, mime, workdir), PREVIEW_SIZE)
    grey = ImageOps.grayscale(strip)
    radius = max(8, max(grey.size) // 24)
    return _jpeg(grey.filter(ImageFilter.GaussianBlur(radius)).convert("RGB"))


def revealed_picture(data: bytes, mime: str, workdir: Path) -> bytes:
    return _jpeg(_strip(_pictures(data, mime, workdir), REVEAL_SIZE))

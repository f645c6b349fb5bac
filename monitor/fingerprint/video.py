"""Fingerprint a video by its frames: the frame signal's hash (PDQ) of a frame about every second and at
scene changes.

Frames are decoded scaled down (PDQ needs little detail), a frame almost identical to the previous kept
one (within ``DUPLICATE_BITS``) is dropped, and at most ``max_frames`` are hashed: a video longer than
that many seconds is sampled at evenly spaced seek points instead of decoded whole, so a 10-hour upload
costs no more than a ``max_frames``-second one. A video matches a blocklisted video when enough of the
entry's frames are found among its frames (the rule of Meta's vPDQ; ``monitor/signals/frame_index.py``).

What a hostile file may cost is bounded in ``monitor/fingerprint/video_limits.py``: frames over the
picture pixel cap and absurd declared lengths are refused before decoding, and decoding stops at a
wall-clock budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from monitor.fingerprint.video_limits import DECODE_SECONDS, DecodeBudget, VideoRefused, check_frame, open_video
from monitor.signals import FrameSignal, hamming_distance, signals_of

FRAME_SIDE = 192
SAMPLE_SECONDS = 1.0
SCENE_CHANGE = 40.0  # mean absolute difference (0-255) of 16×16 grey thumbnails
DUPLICATE_BITS = 8


@dataclass(frozen=True, slots=True)
class VideoFrames:
    hashes: tuple[str, ...]
    seconds: tuple[float, ...]
    quality: tuple[int, ...]
    stopped: str | None = None  # why only the first part is hashed (the decode budget ran out), or None


@dataclass(frozen=True, slots=True)
class _Decoding:
    """One video being decoded: its stream, the pixel cap every frame is held to, and the time budget."""

    container: av.container.InputContainer
    stream: av.VideoStream
    max_pixels: int
    budget: DecodeBudget


def _frame_array(frame: av.VideoFrame, max_pixels: int) -> np.ndarray:
    check_frame(frame, max_pixels)
    scale = FRAME_SIDE / max(frame.width, frame.height, 1)
    width, height = max(2, int(frame.width * min(scale, 1))), max(2, int(frame.height * min(scale, 1)))
    return frame.to_ndarray(width=width, height=height, format="rgb24")


def _thumbnail(rgb: np.ndarray) -> np.ndarray:
    grey = rgb.mean(axis=2)
    rows = np.linspace(0, grey.shape[0] - 1, 16).astype(int)
    columns = np.linspace(0, grey.shape[1] - 1, 16).astype(int)
    return grey[np.ix_(rows, columns)]


def _sequential(video: _Decoding, max_frames: int, kept: list[tuple[float, np.ndarray]]) -> str | None:
    """Decode from the start, keeping frames into ``kept``; why it stopped early, or None."""
    next_sample, previous = 0.0, None
    for frame in video.container.decode(video.stream):
        seconds = float(frame.time or 0.0)
        if kept and video.budget.spent:  # a frame is left: the rest is not hashed
            return video.budget.stopped_at(seconds)
        rgb = None
        if seconds >= next_sample:
            rgb = _frame_array(frame, video.max_pixels)
            next_sample = seconds + SAMPLE_SECONDS
        elif previous is not None:
            candidate = _frame_array(frame, video.max_pixels)
            if np.abs(_thumbnail(candidate) - previous).mean() > SCENE_CHANGE:
                rgb = candidate
        if rgb is not None:
            previous = _thumbnail(rgb)
            kept.append((seconds, rgb))
            if len(kept) >= max_frames:
                break
    return None


def _sampled(video: _Decoding, duration: float, max_frames: int, kept: list[tuple[float, np.ndarray]]) -> str | None:
    """Decode a frame at each of ``max_frames`` seek points, keeping them into ``kept``; as ``_sequential``."""
    time_base = float(video.stream.time_base or 0) or 1 / 90_000
    for number in range(max_frames):
        target = duration * (number + 0.5) / max_frames
        if kept and video.budget.spent:
            return video.budget.stopped_at(target)
        video.container.seek(int(target / time_base), stream=video.stream, any_frame=False, backward=True)
        frame = next(video.container.decode(video.stream), None)
        if frame is not None:
            kept.append((float(frame.time or target), _frame_array(frame, video.max_pixels)))
    return None


def _over_the_cap(exc: av.error.ArgumentError, max_pixels: int) -> VideoRefused:
    return VideoRefused(
        f"refused: FFmpeg's decoder refused a frame as over the pixel cap of {max_pixels}, or invalid ({exc})"
    )


def frame_signal() -> type[FrameSignal]:
    """The registered frame signal: ``Fingerprints`` holds one list of frames (see ``FrameSignal``)."""
    found = signals_of(FrameSignal)
    if len(found) != 1:
        raise ValueError(f"videos need exactly one registered frame signal (found {len(found)})")
    return found[0]


def video_frames(
    path: Path | str | bytes,
    max_frames: int = 600,
    max_pixels: int = 89_478_485,
    budget_seconds: float = DECODE_SECONDS,
) -> VideoFrames:
    """The kept frames' hashes. Raises ``VideoRefused`` for a video over the limits of
    ``video_limits.py``, and ``ValueError`` saying why when the file has no decodable video frame."""
    hash_frame = frame_signal().hash_frame
    frames: list[tuple[float, np.ndarray]] = []
    try:
        container, stream = open_video(path if isinstance(path, bytes) else Path(path), max_pixels)
        with container:
            video = _Decoding(container, stream, max_pixels, DecodeBudget(budget_seconds))
            duration = (container.duration or 0) / 1_000_000
            if duration > max_frames * SAMPLE_SECONDS:
                stopped = _sampled(video, duration, max_frames, frames)
            else:
                stopped = _sequential(video, max_frames, frames)
    except (VideoRefused, av.error.ArgumentError) as exc:  # ArgumentError: FFmpeg's answer to a frame over max_pixels
        refused = exc if isinstance(exc, VideoRefused) else _over_the_cap(exc, max_pixels)
        if not frames:
            raise refused from None
        stopped = f"{refused}; only the frames before it are hashed"  # a video grown mid-way is not unmatchable
    except (av.error.FFmpegError, OSError, StopIteration) as exc:
        raise ValueError(f"not a decodable video ({type(exc).__name__}: {exc})") from None
    if not frames:
        raise ValueError(stopped or "no decodable video frame")
    hashes: list[str] = []
    seconds: list[float] = []
    qualities: list[int] = []
    for when, rgb in frames:
        value, quality = hash_frame(rgb)
        if hashes and hamming_distance(value, hashes[-1]) <= DUPLICATE_BITS:
            continue
        hashes.append(value)
        seconds.append(round(when, 3))
        qualities.append(int(quality))
    return VideoFrames(tuple(hashes), tuple(seconds), tuple(qualities), stopped)

"""What a video may declare, and may cost, before jikimi refuses it or stops decoding it.

A hostile server controls every byte of a video: a 1.6 MB file of 16000×16000 frames cost 2.6 GB and 40 s
to decode. So a video is opened with the picture pixel cap handed to FFmpeg's decoders (``max_pixels``:
while FFmpeg probes the file, and for every frame decoded after, so a stream that grows its frames
mid-way is refused too), its declared frame size and length are checked before any frame is decoded, and
decoding stops at a wall-clock budget. Refusals raise ``VideoRefused`` with a message for the user; a
stop at the budget keeps the frames hashed so far and says so (``VideoFrames.stopped``).
"""

from __future__ import annotations

import time

import av

from monitor.fingerprint.exact import MediaSource, readable

MAX_DECLARED_SECONDS = 7 * 24 * 3600
"""A video declaring itself longer than a week lies: even a day-long stream recording is well below."""
MAX_DECLARED_FRAMES = MAX_DECLARED_SECONDS * 240
"""A week at 240 frames a second (a phone's slow motion): more frames than that is a lie too."""
DECODE_SECONDS = 300.0
"""Wall-clock budget for decoding one video. Videos up to ``max_frames`` seconds are decoded whole: a
10-minute 1080p one at 60 frames a second takes about 3 minutes on a busy 2-core machine (5 ms a frame).
A file built to be slow (a tiny one of 100,000 frames) or a long 4K one reaches the budget; its first
part is still hashed and the rest is recorded as not hashed."""
THREADED_PIXELS = 3840 * 2160
"""Frames up to 4K are decoded with FFmpeg's frame threads; larger ones with slice threads only, since
every frame thread holds its own frames (three threads of 80 MP frames: over 1 GB)."""

DECODER_SLACK = 8
"""FFmpeg's decoders count a frame's pixels with its width rounded up to 64 (their buffers' alignment): the
cap handed to them is an eighth larger, so a frame at the cap is not refused by them; ``check_frame``
holds every decoded frame to the cap itself."""


class VideoRefused(ValueError):
    """A file that is a video, refused before its frames are decoded: frames over the pixel cap, or a
    declared length no real video has. Its exact hashes are still kept; the message says why."""


def open_video(path: MediaSource, max_pixels: int) -> tuple[av.container.InputContainer, av.VideoStream]:
    """The container and its first video stream, checked against the limits above and set to decode
    within the pixel cap. Raises ``VideoRefused``, ``ValueError`` (no video stream) or FFmpeg's errors.

    Why open it twice? FFmpeg decodes a frame while it probes a file whose header leaves something out
    (a PNG or MJPEG stream's pixel format), at full size unless ``max_pixels`` reaches that decoder; and
    when it does, FFmpeg forgets a declared size over it. So the size is first read with every decoder
    disallowed (which also holds for formats that name their streams only while probing, like MPEG-TS),
    then the file is opened capped for decoding.
    """
    width, height = declared_size(path)
    check_declared(width, height, 0.0, 0, max_pixels)
    capped = {"max_pixels": str(max_pixels + max_pixels // DECODER_SLACK)}
    container = av.open(readable(path), mode="r", options=capped)
    try:
        stream = container.streams.video[0]
        if stream.codec_context is None:
            raise ValueError(f"no decoder for its video codec ({stream.codec_tag or 'unknown'})")
        width, height = stream.codec_context.width or width, stream.codec_context.height or height
        check_declared(width, height, (container.duration or 0) / 1_000_000, stream.frames or 0, max_pixels)
        stream.codec_context.options = capped
        stream.thread_type = "AUTO" if 0 < width * height <= THREADED_PIXELS else "SLICE"
    except BaseException:
        container.close()
        raise
    return container, stream


def declared_size(path: MediaSource) -> tuple[int, int]:
    """The first video stream's frame size as the file declares it (0×0 if it does not say without
    decoding), read with every decoder disallowed, so nothing is decoded."""
    with av.open(readable(path), options={"codec_whitelist": "none"}) as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams.video[0]
        return stream.codec_context.width, stream.codec_context.height


def check_declared(width: int, height: int, seconds: float, frames: int, max_pixels: int) -> None:
    """Refuse a frame size over the pixel cap and an absurd declared length (see the limits above)."""
    if width * height > max_pixels:
        raise VideoRefused(
            f"refused as a decompression bomb: video frames of {width}×{height} pixels are over {max_pixels}"
        )
    if seconds > MAX_DECLARED_SECONDS:
        raise VideoRefused(
            f"refused: the video declares {seconds / 3600:,.0f} hours, over {MAX_DECLARED_SECONDS // 3600} hours"
        )
    if frames > MAX_DECLARED_FRAMES:
        raise VideoRefused(f"refused: the video declares {frames:,} frames, over {MAX_DECLARED_FRAMES:,}")


def check_frame(frame: av.VideoFrame, max_pixels: int) -> None:
    """Refuse a decoded frame over the pixel cap (a decoder that ignores ``max_pixels``)."""
    check_declared(frame.width, frame.height, 0.0, 0, max_pixels)


class DecodeBudget:
    """The wall-clock budget of one video's decoding; ``spent`` once it is used up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds

    @property
    def spent(self) -> bool:
        return time.monotonic() >= self._deadline

    def stopped_at(self, video_seconds: float) -> str:
        """Why a video's hashes end early, for ``Fingerprints.error``."""
        return (
            f"decoding stopped at the {self.seconds:.0f} s budget, {video_seconds:.1f} s into the video:"
            " only the frames before are hashed"
        )

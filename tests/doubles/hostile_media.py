"""Videos a hostile server serves: small files that declare huge frames or an absurd length.

Generated with PyAV (the library jikimi decodes with), never downloaded: a flat PNG frame of 16000×16000
one-bit pixels deflates to 31 KB, so a MOV of a few such frames is about 100 KB, though every frame
decodes to 256 million pixels.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import av
import numpy as np

PIXEL_FORMATS = {1: "monob", 8: "gray"}


def flat_png(width: int, height: int, bit_depth: int = 1, level: int = 9) -> bytes:
    """A valid greyscale PNG of ``width``×``height`` black pixels, deflated row by row (never held whole)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = bytes(1 + (width * bit_depth + 7) // 8)  # filter byte 0, then the row's pixels
    deflate = zlib.compressobj(level)
    pixels = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def huge_frame_video(path: Path, side: int = 16_000, frames: int = 3, bit_depth: int = 1) -> Path:
    """A MOV of ``frames`` PNG frames of ``side``×``side`` pixels, one a second: decodable, and costly."""
    frame = flat_png(side, side, bit_depth, level=9 if bit_depth == 1 else 1)
    return _png_video(path, (side, side), [frame] * frames, PIXEL_FORMATS[bit_depth])


def growing_video(path: Path, side: int = 16_000) -> Path:
    """A MOV that declares 64×64 frames and has two, then two of ``side``×``side``: it grows mid-way."""
    small, huge = flat_png(64, 64), flat_png(side, side)
    return _png_video(path, (64, 64), [small, small, huge, huge], PIXEL_FORMATS[1])


def _png_video(path: Path, declared: tuple[int, int], frames: list[bytes], pixel_format: str) -> Path:
    with av.open(str(path), "w", format="mov") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = declared[0], declared[1], pixel_format
        for number, frame in enumerate(frames):
            packet = av.Packet(frame)
            packet.stream, packet.pts, packet.dts = stream, number, number
            container.mux(packet)
    return path


def long_declared_video(path: Path, seconds: int, size: tuple[int, int] = (64, 48)) -> Path:
    """A Matroska file of two tiny frames, the second stamped ``seconds`` after the first: it declares
    that length in under a kilobyte."""
    with av.open(str(path), "w", format="matroska") as container:
        stream = container.add_stream("mpeg4", rate=1)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
        packets = []
        for channel in range(2):
            pixels[:, :, channel] = 200
            packets += stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24"))
        packets += stream.encode()
        for packet, stamp in zip(packets, (0, seconds), strict=True):
            packet.pts, packet.dts = stamp, stamp  # in the stream's rate: one unit a second
            container.mux(packet)
    return path

"""Video PDQ: a video's frame hashes (PDQ, 256 bits each), written as hex separated by commas.

A video matches an entry when enough of the entry's frames are found among the video's frames within the
PDQ threshold (``monitor/matching/video_index.py``).
"""

from __future__ import annotations

import re
from typing import ClassVar

FRAME = re.compile(r"[0-9a-f]{64}")


class VideoPdqSignal:
    name: ClassVar[str] = "video_pdq"
    bits: ClassVar[int] = 256
    default_threshold: ClassVar[int] = 31
    frames: ClassVar[bool] = True

    @classmethod
    def validate(cls, value: str) -> str:
        parts = [part.strip().lower() for part in re.split(r"[,\s]+", value.strip()) if part.strip()]
        if not parts or not all(FRAME.fullmatch(part) for part in parts):
            raise ValueError(f"{value[:80]!r} is not a valid video PDQ hash (PDQ frame hashes separated by commas)")
        return ",".join(parts)

    @classmethod
    def examples(cls) -> list[str]:
        return ["0" * 64 + "," + "f" * 64, ("0123456789abcdef" * 4)]

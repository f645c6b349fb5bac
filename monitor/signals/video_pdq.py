"""Video PDQ: a video's frame hashes (PDQ, 256 bits each), written as hex separated by commas.

A video matches an entry when at least half of the entry's frames (``match_video_share``) are found among
the video's frames within the PDQ threshold (``monitor/signals/frame_index.py``).
"""

from __future__ import annotations

import numpy as np

from monitor.signals.base import FrameSignal, MatchRule
from monitor.signals.pdq import pdq_of


class VideoPdqSignal(FrameSignal):
    name = "video_pdq"
    bits = 256
    label = "video PDQ"
    default_rule = MatchRule(31, min_share=0.5)

    @classmethod
    def hash_frame(cls, rgb: np.ndarray) -> tuple[str, int]:
        return pdq_of(rgb)

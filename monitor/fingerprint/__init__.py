"""Fingerprints of media: exact hashes of the bytes, perceptual hashes of one reduced-size decode, query-side
variants, video frames (within the limits of ``video_limits.py``: what a hostile video may cost), victim-side
crops, and the process pool that computes them off the event loop.

The names below are imported on first use (``config/lazy_imports.py``): ``monitor.fingerprint.exact``
needs only hashlib, and importing it must not load numpy, Pillow, pdqhash and PyAV."""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.fingerprint.exact import exact_hashes
    from monitor.fingerprint.media import fingerprint_file
    from monitor.fingerprint.pool import HashPool
    from monitor.fingerprint.victim_crops import crop_variant_hashes
    from monitor.fingerprint.video import VideoFrames, video_frames
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.fingerprint.exact": ("exact_hashes",),
            "monitor.fingerprint.media": ("fingerprint_file",),
            "monitor.fingerprint.pool": ("HashPool",),
            "monitor.fingerprint.victim_crops": ("crop_variant_hashes",),
            "monitor.fingerprint.video": ("VideoFrames", "video_frames"),
        },
    )

__all__ = ["HashPool", "VideoFrames", "crop_variant_hashes", "exact_hashes", "fingerprint_file", "video_frames"]

"""Fingerprints of media: exact hashes of the bytes, perceptual hashes of one reduced-size decode, query-side
variants, video frames, victim-side crops, and the process pool that computes them off the event loop."""

from monitor.fingerprint.exact import exact_hashes
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.fingerprint.victim_crops import crop_variant_hashes
from monitor.fingerprint.video import VideoFrames, video_frames

__all__ = ["HashPool", "VideoFrames", "crop_variant_hashes", "exact_hashes", "fingerprint_file", "video_frames"]

"""Red team, hostile media: files a hostile server serves to exhaust the hash workers (issue 12, finding 9).

A 1.6 MB video of 16000×16000 frames cost 2.6 GB and 40 s per file, because the pixel cap covered
pictures only; an 88-megapixel PNG peaked at 843 MB per worker. Now a video's frames are held to the
picture pixel cap before any is decoded, an absurd declared length is refused, decoding has a time
budget, and a big picture is reduced without full-size copies. Every refusal is a recorded reason.
Memory bounds are asserted only where the old peak is far above them (measured in a fresh process).
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.fingerprint import media
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.fingerprint.video import video_frames
from monitor.review.media import NoPicture, blurred_preview
from tests.conftest import write_video
from tests.doubles.hostile_media import flat_png, growing_video, huge_frame_video, long_declared_video

CAP = 89_478_485  # the default pixel cap (config/settings.py hash_max_pixels)


def peak_mib_hashing(path: Path) -> float:
    """Peak resident memory of a fresh Python process that fingerprints ``path``, in MiB: its ``VmHWM``
    (``ru_maxrss`` would carry over the test runner's own peak: Linux keeps it across ``exec``)."""
    code = (
        "import pathlib, sys\n"
        "from monitor.fingerprint.media import fingerprint_file\n"
        "fingerprint_file(sys.argv[1])\n"
        "print(pathlib.Path('/proc/self/status').read_text().split('VmHWM:')[1].split()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


def test_a_small_video_of_16000_by_16000_frames_is_refused_before_decoding_and_says_why(tmp_path: Path) -> None:
    video = huge_frame_video(tmp_path / "huge.mov")
    assert video.stat().st_size < 200_000
    fingerprints = fingerprint_file(video)
    assert fingerprints.error == f"refused as a decompression bomb: video frames of 16000×16000 pixels are over {CAP}"
    assert fingerprints.frames == ()
    assert fingerprints.values["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()  # kept: nothing lost


def test_refusing_the_huge_frames_costs_a_worker_a_fraction_of_decoding_them(tmp_path: Path) -> None:
    video = huge_frame_video(tmp_path / "huge-grey.mov", frames=2, bit_depth=8)  # decoding it peaked at 567 MiB
    assert peak_mib_hashing(video) < 250  # refused: about 70 MiB, the interpreter and its libraries


def test_a_video_that_grows_its_frames_past_the_cap_mid_way_keeps_the_frames_before_and_says_why(
    tmp_path: Path,
) -> None:
    fingerprints = fingerprint_file(growing_video(tmp_path / "growing.mov"))
    assert len(fingerprints.frames) == 1 and fingerprints.frame_seconds == (0.0,)  # still matchable by them
    assert fingerprints.error is not None
    assert fingerprints.error.startswith(f"refused: FFmpeg's decoder refused a frame as over the pixel cap of {CAP}")
    assert fingerprints.error.endswith("only the frames before it are hashed")


def test_the_pixel_cap_for_video_frames_is_the_one_for_pictures(tmp_path: Path) -> None:
    video = huge_frame_video(tmp_path / "two-thousand.mov", side=2000, frames=1)
    refused = fingerprint_file(video, max_pixels=2000 * 2000 - 1)
    assert refused.error is not None and "2000×2000 pixels are over 3999999" in refused.error
    hashed = fingerprint_file(video, max_pixels=2000 * 2000)
    assert hashed.error is None and len(hashed.frames) == 1


async def test_the_hash_pool_records_the_refusal_and_hashes_the_next_file(
    tmp_path: Path, hash_pool: HashPool, make_image: Callable[..., Path]
) -> None:
    refused = await hash_pool.fingerprint(huge_frame_video(tmp_path / "huge.mov"))
    assert refused.error is not None and "16000×16000" in refused.error
    after = await hash_pool.fingerprint(make_image(5))
    assert after.error is None and "pdq" in after.values


@pytest.mark.parametrize("days", [8, 30_000])
def test_a_video_declaring_an_absurd_length_is_refused_and_says_why(tmp_path: Path, days: int) -> None:
    video = long_declared_video(tmp_path / "long.mkv", days * 24 * 3600)
    assert video.stat().st_size < 2_000
    fingerprints = fingerprint_file(video)
    assert fingerprints.error == f"refused: the video declares {days * 24:,} hours, over 168 hours"
    assert fingerprints.frames == ()


def test_a_video_whose_decoding_runs_out_of_time_keeps_its_first_frames_and_says_the_rest_is_not_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media, "video_frames", functools.partial(video_frames, budget_seconds=0.0))
    fingerprints = fingerprint_file(write_video(tmp_path / "v.mp4", [1, 2, 3]))
    assert len(fingerprints.frames) == 1 and fingerprints.frame_seconds == (0.0,)
    assert fingerprints.error is not None and fingerprints.error.startswith("decoding stopped at the 0 s budget")
    assert "only the frames before are hashed" in fingerprints.error


def test_an_11_kb_png_of_89_megapixels_is_hashed_without_full_size_copies(tmp_path: Path) -> None:
    picture = tmp_path / "flat.png"
    picture.write_bytes(flat_png(10_000, 8_900))  # just under the cap: allowed, 89 MB decoded
    assert picture.stat().st_size < 12_000
    fingerprints = fingerprint_file(picture)
    assert fingerprints.error is None and (fingerprints.width, fingerprints.height) == (527, 469)  # reduced 19×
    assert peak_mib_hashing(picture) < 320  # one 89 MB decode: about 160 MiB; with an RGB copy it was 483


def test_the_review_ui_refuses_to_preview_a_matched_video_of_huge_frames_and_says_why(tmp_path: Path) -> None:
    video = huge_frame_video(tmp_path / "huge.mov").read_bytes()
    with pytest.raises(NoPicture, match="decompression bomb: video frames of 16000×16000"):
        blurred_preview(video, "video/quicktime", tmp_path / "work")
    assert list((tmp_path / "work").iterdir()) == []  # the decrypted copy is gone too

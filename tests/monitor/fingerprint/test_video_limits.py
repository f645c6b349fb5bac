"""What a video may declare before it is decoded, and the decode budget (``monitor/fingerprint/video_limits.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.fingerprint.video import video_frames
from monitor.fingerprint.video_limits import (
    MAX_DECLARED_FRAMES,
    MAX_DECLARED_SECONDS,
    DecodeBudget,
    VideoRefused,
    check_declared,
    declared_size,
)
from tests.conftest import write_video
from tests.doubles.hostile_media import huge_frame_video


def test_a_declared_size_length_and_frame_count_within_the_limits_pass() -> None:
    check_declared(3840, 2160, MAX_DECLARED_SECONDS, MAX_DECLARED_FRAMES, max_pixels=3840 * 2160)
    check_declared(0, 0, 0.0, 0, max_pixels=1)  # a file that does not say: its decoded frames are checked


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ((3841, 2160, 1.0, 1), "refused as a decompression bomb: video frames of 3841×2160 pixels are over 8294400"),
        ((64, 48, MAX_DECLARED_SECONDS + 3600, 1), "refused: the video declares 169 hours, over 168 hours"),
        ((64, 48, 1.0, MAX_DECLARED_FRAMES + 1), "refused: the video declares 145,152,001 frames, over 145,152,000"),
    ],
    ids=["frame-size", "length", "frame-count"],
)
def test_a_declaration_over_a_limit_is_refused_with_the_numbers(
    declared: tuple[int, int, float, int], message: str
) -> None:
    with pytest.raises(VideoRefused) as refused:
        check_declared(*declared, max_pixels=3840 * 2160)
    assert str(refused.value) == message


def test_the_declared_size_is_read_without_decoding_a_frame(tmp_path: Path) -> None:
    assert declared_size(huge_frame_video(tmp_path / "huge.mov", frames=1)) == (16_000, 16_000)


def test_a_budget_is_spent_once_its_seconds_have_passed() -> None:
    assert DecodeBudget(0.0).spent and not DecodeBudget(60.0).spent
    assert DecodeBudget(120.0).stopped_at(12.34).startswith("decoding stopped at the 120 s budget, 12.3 s into")


def test_a_long_video_sampled_past_its_budget_keeps_what_it_sampled(tmp_path: Path) -> None:
    video = video_frames(write_video(tmp_path / "long.mp4", list(range(4)), seconds_each=2.0), 4, budget_seconds=0.0)
    assert len(video.hashes) == 1 and video.stopped is not None and "into the video" in video.stopped

"""Video fingerprints (PyAV) and matching by a share of the blocklisted video's frames."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.video import video_frames
from monitor.matching.intake import hash_pictures
from monitor.matching.matcher import BlocklistMatcher
from monitor.records import BlocklistEntry
from monitor.signals import VideoPdqSignal
from tests.conftest import write_video


def matcher_of(entries: list[BlocklistEntry]) -> BlocklistMatcher:
    matcher = BlocklistMatcher()  # default rules: frames within 31 bits, half of an entry's frames
    matcher.add(entries)
    return matcher


def test_frames_are_kept_about_once_a_second_and_at_scene_changes(tmp_path: Path) -> None:
    video = video_frames(write_video(tmp_path / "v.mp4", [1, 2, 3], seconds_each=2.0))
    assert 4 <= len(video.hashes) <= 7
    assert video.seconds[0] == 0.0 and all(b > a for a, b in zip(video.seconds, video.seconds[1:], strict=False))


def test_a_long_video_is_sampled_not_decoded_whole(tmp_path: Path) -> None:
    video = video_frames(write_video(tmp_path / "long.mp4", list(range(10)), seconds_each=2.0), max_frames=4)
    assert 1 <= len(video.hashes) <= 4


def test_a_re_encoded_smaller_copy_matches_the_victims_video_and_an_unrelated_one_does_not(tmp_path: Path) -> None:
    (tmp_path / "victim").mkdir()
    write_video(tmp_path / "victim" / "clip.mp4", [11, 12, 13])
    entries = hash_pictures(tmp_path / "victim", "case-v")
    assert {e.hash_type for e in entries.entries} == {"sha256", "md5", "video_pdq"}
    matcher = matcher_of(entries.entries)
    copy = fingerprint_file(write_video(tmp_path / "copy.mp4", [11, 12, 13], size=(256, 192), codec="libx264"))
    hits = matcher.match(copy)
    assert [h.hash_type for h in hits] == ["video_pdq"] and hits[0].case == "case-v"
    assert hits[0].matched_value.startswith("frames ")
    other = fingerprint_file(write_video(tmp_path / "other.mp4", [21, 22, 23]))
    assert matcher.match(other) == ()


def test_a_clip_of_half_the_video_still_matches_at_the_default_share(tmp_path: Path) -> None:
    (tmp_path / "victim").mkdir()
    write_video(tmp_path / "victim" / "clip.mp4", [31, 32])
    matcher = matcher_of(hash_pictures(tmp_path / "victim", "case-h").entries)
    half = fingerprint_file(write_video(tmp_path / "half.mp4", [31], seconds_each=2.5))
    assert [h.case for h in matcher.match(half)] == ["case-h"]


def test_a_stopncii_style_md5_of_the_file_matches_exactly(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4", [41])
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    hits = matcher_of([BlocklistEntry("md5", md5, "case-m")]).match(fingerprint_file(path))
    assert [(h.hash_type, h.distance) for h in hits] == [("md5", 0)]


@pytest.mark.parametrize("cut", [0.05, 0.5, 0.9])
def test_a_truncated_video_keeps_its_exact_hashes_and_says_why_it_could_not_be_read(tmp_path: Path, cut: float) -> None:
    data = write_video(tmp_path / "v.mp4", [51, 52]).read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(data[: int(len(data) * cut)])  # an MP4 cut short loses its index (moov) at the end
    fingerprints = fingerprint_file(broken)
    assert fingerprints.values["sha256"] == hashlib.sha256(broken.read_bytes()).hexdigest()
    assert fingerprints.frames == ()
    assert fingerprints.error is not None and "neither a picture nor a video" in fingerprints.error


def test_video_pdq_values_are_validated() -> None:
    assert VideoPdqSignal.validate(("AB" * 32) + ", " + ("cd" * 32)) == ("ab" * 32) + "," + ("cd" * 32)
    with pytest.raises(ValueError, match="not a valid video PDQ hash"):
        VideoPdqSignal.validate("abc,def")

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.demo.pictures import bordered, encode, make_picture, mirrored, resized
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.signals import hamming_distance
from tests.doubles.hostile_site import bomb_png, truncated_jpeg


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_exact_hashes_are_the_sha256_and_md5_of_the_bytes(make_image: Callable[..., Path]) -> None:
    path = make_image(3)
    fingerprints = fingerprint_file(path)
    data = path.read_bytes()
    assert fingerprints.values["sha256"] == hashlib.sha256(data).hexdigest()
    assert fingerprints.values["md5"] == hashlib.md5(data).hexdigest()
    assert len(fingerprints.values["pdq"]) == 64 and len(fingerprints.values["phash"]) == 16
    assert fingerprints.error is None and fingerprints.pdq_quality is not None and fingerprints.pdq_quality >= 50


@pytest.mark.parametrize(
    ("edit", "max_pdq", "max_phash"),
    [
        (lambda p: encode(p, quality=30), 31, 10),
        (lambda p: encode(resized(p, 0.4)), 31, 10),
        (lambda p: encode(resized(p, 1.7)), 31, 10),
        (lambda p: encode(p, "PNG"), 31, 10),
    ],
    ids=["jpeg-q30", "downscaled", "upscaled", "png"],
)
def test_re_encoded_and_resized_copies_stay_within_the_thresholds(
    tmp_path: Path, edit: Callable, max_pdq: int, max_phash: int
) -> None:
    original = fingerprint_file(write(tmp_path, "o.jpg", encode(make_picture(5))))
    copy = fingerprint_file(write(tmp_path, "c.img", edit(make_picture(5))))
    assert hamming_distance(original.values["pdq"], copy.values["pdq"]) <= max_pdq
    assert hamming_distance(original.values["phash"], copy.values["phash"]) <= max_phash


def test_unrelated_pictures_are_far_apart(tmp_path: Path) -> None:
    first = fingerprint_file(write(tmp_path, "a.jpg", encode(make_picture(10))))
    second = fingerprint_file(write(tmp_path, "b.jpg", encode(make_picture(11))))
    assert hamming_distance(first.values["pdq"], second.values["pdq"]) > 31
    assert hamming_distance(first.values["phash"], second.values["phash"]) > 10


def test_a_mirrored_copy_is_caught_by_the_query_variants(tmp_path: Path) -> None:
    original = fingerprint_file(write(tmp_path, "o.jpg", encode(make_picture(6))))
    copy = fingerprint_file(write(tmp_path, "m.jpg", encode(mirrored(make_picture(6)))))
    assert hamming_distance(original.values["pdq"], copy.values["pdq"]) > 31
    assert min(hamming_distance(original.values["pdq"], v) for v in copy.variants["pdq"]) <= 31
    assert min(hamming_distance(original.values["phash"], v) for v in copy.variants["phash"]) <= 10


def test_a_copy_with_a_border_is_caught_by_the_trimmed_variant(tmp_path: Path) -> None:
    original = fingerprint_file(write(tmp_path, "o.jpg", encode(make_picture(7))))
    copy = fingerprint_file(write(tmp_path, "b.png", encode(bordered(make_picture(7), 0.2, "black"), "PNG")))
    assert min(hamming_distance(original.values["pdq"], v) for v in copy.variants["pdq"]) <= 31
    assert min(hamming_distance(original.values["phash"], v) for v in copy.variants["phash"]) <= 10


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("truncated.jpg", truncated_jpeg(), "truncated or corrupt"),
        ("bomb.png", bomb_png(), "decompression bomb"),
        ("empty.jpg", b"", "empty file"),
        ("text.jpg", b"%PDF-1.4 not a picture", "neither a picture nor a video"),
        ("polyglot.jpg", b"\xff\xd8\xff\xe0" + b"GIF89a" * 50, "truncated or corrupt"),
    ],
    ids=["truncated", "bomb", "empty", "not-a-picture", "broken-header"],
)
def test_undecodable_media_keeps_its_exact_hashes_and_says_why(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    fingerprints = fingerprint_file(write(tmp_path, name, data))
    assert fingerprints.values["sha256"] == hashlib.sha256(data).hexdigest()
    assert "pdq" not in fingerprints.values
    assert fingerprints.error is not None and reason in fingerprints.error


def test_a_picture_over_the_pixel_cap_is_refused(make_image: Callable[..., Path]) -> None:
    fingerprints = fingerprint_file(make_image(8), max_pixels=1000)
    assert fingerprints.error is not None and "decompression bomb" in fingerprints.error


async def test_the_process_pool_gives_the_same_fingerprints(
    hash_pool: HashPool, make_image: Callable[..., Path]
) -> None:
    path = make_image(9)
    assert await hash_pool.fingerprint(path) == fingerprint_file(path)


def test_the_stored_mirror_hashes_are_those_of_the_picture_mirrored_left_right(tmp_path: Path) -> None:
    from PIL import ImageOps

    from monitor.signals.kept import perceptual_row

    row = perceptual_row(fingerprint_file(write(tmp_path, "o.png", encode(make_picture(12), "PNG"))))
    mirror = fingerprint_file(write(tmp_path, "m.png", encode(ImageOps.mirror(make_picture(12)), "PNG")))
    (_, pdq_mirror), (_, phash_mirror) = row.hashes["pdq"], row.hashes["phash"]
    assert hamming_distance(pdq_mirror, mirror.values["pdq"]) <= 8
    assert hamming_distance(phash_mirror, mirror.values["phash"]) <= 2

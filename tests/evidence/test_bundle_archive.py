"""A bundle's zip is checked member by member, from its central directory, before anything is written."""

from __future__ import annotations

import random
import stat
import zipfile
from pathlib import Path

import pytest

from evidence.bundle_archive import ArchiveLimits, extract_checked
from evidence.errors import VerificationFailed
from evidence.manifest import unsafe_path_reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("data/packets/p/media/a.jpg", None),
        ("", "absolute or empty"),
        ("/etc/passwd", "absolute"),
        ("data/../x", "'..'"),
        ("data/./x", "'..'"),
        ("data//x", "empty"),
        ("data\\x", "backslash"),
        ("C:/x", "colon"),
        ("data/x\n", "control character"),
    ],
)
def test_a_path_inside_a_bundle_is_plain_and_relative(name: str, reason: str | None) -> None:
    found = unsafe_path_reason(name)
    assert (found is None) if reason is None else (found is not None and reason in found)


def archive(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            out.writestr(info, data)
    return path


def test_plain_members_are_extracted_whole(tmp_path: Path) -> None:
    bundle = archive(tmp_path / "b.zip", [("bagit.txt", b"BagIt-Version: 0.97\n"), ("data/a/b.txt", b"x" * 5000)])
    (tmp_path / "out").mkdir()
    assert extract_checked(bundle, tmp_path / "out") == ["bagit.txt", "data/a/b.txt"]
    assert (tmp_path / "out" / "data" / "a" / "b.txt").read_bytes() == b"x" * 5000


def test_a_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("data/key.pem")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    bundle = archive(tmp_path / "b.zip", [(link, b"/etc/ssh/ssh_host_ed25519_key")])
    with pytest.raises(VerificationFailed, match="a link or special file") as raised:
        extract_checked(bundle, tmp_path)
    assert raised.value.path == "data/key.pem"


def test_names_that_are_one_file_on_macos_or_windows_are_refused(tmp_path: Path) -> None:
    bundle = archive(tmp_path / "b.zip", [("data/index.html", b"a"), ("data/INDEX.html", b"b")])
    with pytest.raises(VerificationFailed, match="the same file as 'data/index.html'"):
        extract_checked(bundle, tmp_path)


def test_too_many_members_or_too_many_bytes_are_refused_before_extracting(tmp_path: Path) -> None:
    bundle = archive(tmp_path / "b.zip", [(f"data/{n}", b"x" * 100) for n in range(5)])
    (tmp_path / "out").mkdir()
    with pytest.raises(VerificationFailed, match="5 members, more than a bundle may hold"):
        extract_checked(bundle, tmp_path / "out", ArchiveLimits(max_members=4))
    with pytest.raises(VerificationFailed, match="declares 500 bytes, more than a bundle may hold"):
        extract_checked(bundle, tmp_path / "out", ArchiveLimits(max_total_bytes=499))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_member_that_expands_past_the_ratio_is_refused_unextracted(tmp_path: Path) -> None:
    bundle = archive(tmp_path / "b.zip", [("data/zeros", bytes(4 << 20))])
    (tmp_path / "out").mkdir()
    with pytest.raises(VerificationFailed, match="likely zip bomb"):
        extract_checked(bundle, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_members_are_held_to_the_ratio_together_beyond_the_total_floor(tmp_path: Path) -> None:
    limits = ArchiveLimits(total_ratio_floor=1 << 20, max_ratio=100)  # the defaults scaled down: 1 MiB, 100:1
    small_zeros = [(f"data/p/{n}.bin", bytes(64 << 10)) for n in range(32)]  # each far below the member floor
    bomb = archive(tmp_path / "bomb.zip", small_zeros)
    (tmp_path / "out").mkdir()
    with pytest.raises(VerificationFailed, match=r"32 members declare 2097152 bytes .* over the whole bundle"):
        extract_checked(bomb, tmp_path / "out", limits)
    assert list((tmp_path / "out").iterdir()) == []
    media = [(f"data/p/{n}.jpg", random.Random(n).randbytes(64 << 10)) for n in range(32)]  # compressed already
    pages = [(f"data/p/{n}.html", b"<p>a page of text, compressing well</p>\n" * 1600) for n in range(8)]
    real = archive(tmp_path / "real.zip", media + pages)  # 2.5 MiB: the pictures carry the pages' 50:1
    assert len(extract_checked(real, tmp_path / "out", limits)) == 40

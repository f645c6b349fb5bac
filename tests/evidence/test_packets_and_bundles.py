from __future__ import annotations

import dataclasses
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from crawlers.sighting import BlocklistHit, Distributor, Sighting
from evidence.bundle import export_bundle
from evidence.encryption import decrypt_bytes
from evidence.errors import VerificationFailed
from evidence.packet import WrittenPacket, packet_files, write_packet
from evidence.signing import public_key_pem, signing_key_from
from evidence.verify import verify_bundle
from monitor.fingerprint.media import fingerprint_file
from tests.doubles.custody_chains import exported_chain

KEY = bytes(range(32))
SIGNER = signing_key_from(bytes(range(100, 132)))


@pytest.fixture
def hit_sighting(make_sighting: Callable[..., Sighting]) -> Sighting:
    sighting = make_sighting()
    assert sighting.media.path is not None
    from datetime import UTC, datetime

    return dataclasses.replace(
        sighting,
        fingerprints=fingerprint_file(sighting.media.path),
        hits=(BlocklistHit("entry-1", "pdq", "case-9", "picture 1", 4, "00" * 32),),
        distributor=Distributor(page_title="thread", posted_at=datetime(2026, 10, 31, 22, 15, tzinfo=UTC)),
    )


def test_a_packet_holds_media_page_metadata_and_manifest_all_encrypted(hit_sighting: Sighting, tmp_path: Path) -> None:
    written = write_packet(hit_sighting, tmp_path / "evidence", KEY, operator="volunteer-3", signer=SIGNER)
    names = [name for name, _ in packet_files(written.path)]
    media_name = f"media/{hit_sighting.fingerprints.sha256}.jpg"  # type: ignore[union-attr]
    expected = ["manifest-sha256.txt", "manifest-sha256.txt.sig", "metadata.json", "page.html.txt", media_name]
    assert names == sorted(expected)
    assert all(path.suffix == ".enc" for _, path in packet_files(written.path))
    media = next(path for name, path in packet_files(written.path) if name.startswith("media/"))
    assert decrypt_bytes(media, KEY) == hit_sighting.media.path.read_bytes()  # type: ignore[union-attr]
    metadata = json.loads(decrypt_bytes(written.path / "metadata.json.enc", KEY))
    assert metadata["packet_id"] == written.id
    assert metadata["capture_time"] == "2026-11-01T12:00:00.000Z"
    assert metadata["post_time"] == "2026-10-31T22:15:00.000Z"
    assert metadata["matches"][0]["case"] == "case-9" and metadata["cases"] == ["case-9"]
    assert metadata["collector"] == "volunteer-3"
    assert metadata["transformation"] == "none: original bytes"
    assert metadata["fingerprints"]["sha256"] == hit_sighting.fingerprints.sha256  # type: ignore[union-attr]


def test_writing_the_same_packet_again_changes_nothing(hit_sighting: Sighting, tmp_path: Path) -> None:
    first = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    before = {p: p.stat().st_mtime_ns for p in first.path.rglob("*")}
    again = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    assert (again.id, again.manifest_sha256, again.created) == (first.id, first.manifest_sha256, False)
    assert {p: p.stat().st_mtime_ns for p in first.path.rglob("*")} == before
    assert [p.name for p in (tmp_path / "evidence").iterdir()] == [first.id]


def custody_of(written: WrittenPacket, change: Callable[[list[str]], list[str]] = list) -> dict[str, bytes]:
    """A packet's chain as the export writes it (captured, viewed, exported; signed), optionally ``change``d."""
    return exported_chain(written.id, written.manifest_sha256, SIGNER, change)


@pytest.fixture
def bundle(hit_sighting: Sighting, tmp_path: Path) -> Path:
    written = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    export_bundle(
        [written.path], tmp_path / "bundle.zip", KEY, public_key=public_key_pem(SIGNER), extra=custody_of(written)
    )
    return tmp_path / "bundle.zip"


def rewrite(bundle: Path, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> Path:
    """A copy of ``bundle`` with members changed (``None`` deletes one) and ``extra`` members added."""
    copy = bundle.with_name(bundle.stem + "-tampered.zip")
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return copy


def flip_first_byte_of(suffix: str) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: (bytes([data[0] ^ 1]) + data[1:]) if name.endswith(suffix) else data


def test_an_exported_bundle_verifies(bundle: Path) -> None:
    report = verify_bundle(bundle)
    # payload: media, page, metadata, manifest, signature, custody chain, public key; bag: 6 BagIt files
    assert len(report.packets) == 1 and report.files == 13


@pytest.mark.parametrize(
    "suffix",
    [
        ".jpg",
        "metadata.json",
        "page.html.txt",
        "/manifest-sha256.txt",
        ".sig",
        "public-key.pem",
        ".jsonl",
        "bag-info.txt",
    ],  # fmt: skip
)
def test_a_flipped_byte_in_any_file_fails_verification_naming_it(bundle: Path, suffix: str) -> None:
    with pytest.raises(VerificationFailed) as raised:
        verify_bundle(rewrite(bundle, flip_first_byte_of(suffix)))
    assert raised.value.path.endswith(suffix)
    assert raised.value.path in str(raised.value)


def test_a_changed_bundle_manifest_fails_naming_the_file_it_no_longer_matches(bundle: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"0", b"1", 1) if name == "manifest-sha256.txt" else data

    with pytest.raises(VerificationFailed):
        verify_bundle(rewrite(bundle, change))


def test_a_deleted_file_fails_verification(bundle: Path) -> None:
    with pytest.raises(VerificationFailed, match="not found") as raised:
        verify_bundle(rewrite(bundle, lambda name, data: None if name.endswith("page.html.txt") else data))
    assert raised.value.path.endswith("page.html.txt")


def test_an_added_file_fails_verification(bundle: Path) -> None:
    with pytest.raises(VerificationFailed, match="not in the manifest") as raised:
        verify_bundle(rewrite(bundle, lambda name, data: data, {"data/packets/extra.txt": b"planted"}))
    assert raised.value.path == "data/packets/extra.txt"


def test_a_hash_only_bundle_has_no_media_bytes_and_still_verifies(hit_sighting: Sighting, tmp_path: Path) -> None:
    from evidence.rendered_capture import RenderedCapture

    screenshot = RenderedCapture({"capture.png": b"\x89PNG a screenshot showing the picture"}, {"screenshot": "x"})
    written = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER, rendered=screenshot)
    export_bundle(
        [written.path],
        tmp_path / "hash-only.zip",
        KEY,
        hash_only=True,
        public_key=public_key_pem(SIGNER),
        extra=custody_of(written),
    )
    with zipfile.ZipFile(tmp_path / "hash-only.zip") as archive:
        names = archive.namelist()
        media_bytes = hit_sighting.media.path.read_bytes()  # type: ignore[union-attr]
        assert not any("/media/" in name or name.endswith("/capture.png") for name in names)
        assert all(media_bytes[:256] not in archive.read(name) for name in names)
    verify_bundle(tmp_path / "hash-only.zip")


def test_a_file_that_is_not_a_bundle_is_a_clear_failure(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(VerificationFailed, match="not a readable bundle"):
        verify_bundle(tmp_path / "x.zip")


def test_a_bundle_signed_by_another_key_fails_at_the_signature(hit_sighting: Sighting, tmp_path: Path) -> None:
    written = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    other = public_key_pem(signing_key_from(bytes(32)))  # a consistent bag, but the wrong key
    export_bundle([written.path], tmp_path / "b.zip", KEY, public_key=other, extra=custody_of(written))
    with pytest.raises(VerificationFailed, match="Ed25519 signature does not match") as raised:
        verify_bundle(tmp_path / "b.zip")
    assert raised.value.path.endswith("manifest-sha256.txt.sig")


def test_stock_openssl_verifies_a_packet_signature(bundle: Path, tmp_path: Path) -> None:
    import subprocess

    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "out")
    packet = next((tmp_path / "out" / "data" / "packets").iterdir())
    key, manifest = tmp_path / "out" / "data" / "public-key.pem", packet / "manifest-sha256.txt"
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key), "-rawin", "-in", str(manifest),
               "-sigfile", f"{manifest}.sig"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0 and "Signature Verified Successfully" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lines: [lines[0], lines[1].replace('"by": "test"', '"by": "someone else"'), lines[2]], "edited"),
        (lambda lines: [lines[0], lines[2]], "removed or re-ordered"),
        (lambda lines: [lines[0], lines[2], lines[1]], "removed or re-ordered"),
    ],
    ids=["edited", "deleted", "reordered"],
)
def test_a_custody_chain_that_was_edited_shortened_or_reordered_fails_naming_it(
    hit_sighting: Sighting, tmp_path: Path, change: Callable[[list[str]], list[str]], message: str
) -> None:
    written = write_packet(hit_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    forged = custody_of(written, change)  # forged before bagging: the bag is consistent, the chain is not
    export_bundle([written.path], tmp_path / "b.zip", KEY, public_key=public_key_pem(SIGNER), extra=forged)
    with pytest.raises(VerificationFailed, match=message) as raised:
        verify_bundle(tmp_path / "b.zip")
    assert raised.value.path == f"data/custody/{written.id}.jsonl"

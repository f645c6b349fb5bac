from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence import encryption
from evidence.encryption import decrypt_bytes, encrypt_bytes_to, key_id
from evidence.errors import DecryptionFailed, KeyProblem
from evidence.keys import load_or_create_key

KEY = bytes(range(32))


@pytest.mark.parametrize("size", [0, 1, 1000, encryption.CHUNK, encryption.CHUNK * 2 + 5])
def test_encrypted_files_decrypt_to_the_same_bytes(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    digest = encrypt_bytes_to(data, tmp_path / "f.enc", KEY)
    assert decrypt_bytes(tmp_path / "f.enc", KEY) == data
    import hashlib

    assert digest == hashlib.sha256(data).hexdigest()
    if size >= 64:  # shorter plaintexts can appear in random ciphertext by chance
        assert data[:64] not in (tmp_path / "f.enc").read_bytes()


def test_a_flipped_byte_is_detected_and_the_file_named(tmp_path: Path) -> None:
    encrypt_bytes_to(b"evidence" * 100, tmp_path / "f.enc", KEY)
    raw = bytearray((tmp_path / "f.enc").read_bytes())
    raw[-20] ^= 1
    (tmp_path / "f.enc").write_bytes(bytes(raw))
    with pytest.raises(DecryptionFailed, match="f.enc.*altered"):
        decrypt_bytes(tmp_path / "f.enc", KEY)


def test_a_file_cut_at_a_chunk_boundary_is_detected(tmp_path: Path) -> None:
    encrypt_bytes_to(os.urandom(encryption.CHUNK * 2), tmp_path / "f.enc", KEY)
    raw = (tmp_path / "f.enc").read_bytes()
    (tmp_path / "f.enc").write_bytes(raw[: encryption.HEADER_SIZE + encryption.CHUNK + encryption.TAG])
    with pytest.raises(DecryptionFailed, match="truncated"):
        decrypt_bytes(tmp_path / "f.enc", KEY)


def test_another_key_is_refused_by_its_key_id(tmp_path: Path) -> None:
    encrypt_bytes_to(b"x", tmp_path / "f.enc", KEY)
    with pytest.raises(DecryptionFailed, match="another key"):
        decrypt_bytes(tmp_path / "f.enc", bytes(32))
    assert key_id(KEY) != key_id(bytes(32))


def test_a_key_file_is_created_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "media.key"
    first = load_or_create_key(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_or_create_key(path) == first and len(first) == 32


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "media.key"
    load_or_create_key(path)
    path.chmod(0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        load_or_create_key(path)

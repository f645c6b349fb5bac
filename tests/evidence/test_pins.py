"""``--key`` and ``--tsa-root``: what the person verifying trusts, read from what they typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import UsageError
from evidence.pins import TrustPins
from evidence.signing import key_fingerprint, public_key_pem, signing_key_from

PEM = public_key_pem(signing_key_from(bytes(range(32))))
OTHER = public_key_pem(signing_key_from(bytes(32)))


FINGERPRINT = key_fingerprint(PEM)


@pytest.mark.parametrize(
    "given", [FINGERPRINT, FINGERPRINT[:16].upper(), ":".join(FINGERPRINT[i : i + 2] for i in range(0, 32, 2))]
)
def test_a_fingerprint_pins_the_key_whose_file_hashes_to_it(given: str) -> None:
    pins = TrustPins.from_arguments(given, None)
    assert pins.pins_key and pins.key_matches(PEM) and not pins.key_matches(OTHER)


def test_a_key_file_pins_that_key_whatever_its_line_endings(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_bytes(PEM.replace(b"\n", b"\r\n"))
    pins = TrustPins.from_arguments(str(tmp_path / "key.pem"), None)
    assert pins.key_matches(PEM) and not pins.key_matches(OTHER)


@pytest.mark.parametrize("given", ["abc", "not-hex-at-all-0123456789", "0" * 65])
def test_a_key_that_is_neither_a_file_nor_a_fingerprint_is_a_usage_error(given: str) -> None:
    with pytest.raises(UsageError, match="neither a key file nor a SHA-256 fingerprint"):
        TrustPins.from_arguments(given, None)


def test_a_tsa_root_must_be_a_readable_pem_certificate(tmp_path: Path) -> None:
    (tmp_path / "root.txt").write_text("hello")
    with pytest.raises(UsageError, match="no PEM certificate"):
        TrustPins.from_arguments(None, tmp_path / "root.txt")
    with pytest.raises(UsageError, match="cannot read it"):
        TrustPins.from_arguments(None, tmp_path / "missing.pem")
    assert not TrustPins.from_arguments(None, None).pins_tsa

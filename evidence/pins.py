"""What the person verifying a bundle trusts: the signer's key and the time-stamping root, given by them.

Why pins? A bundle carries its own ``public-key.pem`` and ``tsa-chain.pem``, so checking it against them
only proves it is consistent: whoever forged it re-signed it with their own key, or time-stamped it under
a root they made. Only a key fingerprint or root certificate that reached the investigator another way
(from the operator, a court filing, the authority's website) says who signed and who time-stamped.
``jikimi verify --key FINGERPRINT|FILE --tsa-root FILE`` pins them; without a pin the verifier says
plainly what it could not check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from config.errors import UsageError
from evidence.signing import key_fingerprint, raw_public_key

_HEX = re.compile(r"^[0-9a-f]{16,64}$")
MIN_FINGERPRINT = 16  # hex characters: the key id recorded in packets (64 bits)


@dataclass(frozen=True, slots=True)
class TrustPins:
    """``key_fingerprint``: hex start (16–64 characters) of the key file's SHA-256; ``key_pem``: the key itself;
    ``tsa_roots_pem``: the roots (and any intermediates) to trust for time-stamps. ``None``: not pinned."""

    key_fingerprint: str | None = None
    key_pem: bytes | None = None
    tsa_roots_pem: bytes | None = None

    @property
    def pins_key(self) -> bool:
        return self.key_fingerprint is not None or self.key_pem is not None

    @property
    def pins_tsa(self) -> bool:
        return self.tsa_roots_pem is not None

    def key_matches(self, public_pem: bytes) -> bool:
        """Whether the bundle's key is the pinned one (by its bytes, or by its fingerprint)."""
        if self.key_pem is not None:
            theirs = raw_public_key(public_pem)
            return theirs is not None and theirs == raw_public_key(self.key_pem)
        if self.key_fingerprint is not None:
            return key_fingerprint(public_pem).startswith(self.key_fingerprint)
        return True

    @classmethod
    def from_arguments(cls, key: str | None, tsa_root: Path | None) -> TrustPins:
        """Read ``--key`` (a file holding the PEM key, else a hex fingerprint) and ``--tsa-root`` (a PEM file)."""
        fingerprint, pem = None, None
        if key is not None:
            if Path(key).is_file():
                pem = Path(key).read_bytes()
                if raw_public_key(pem) is None:
                    raise UsageError(f"--key {key}: not an Ed25519 public key in PEM (like data/public-key.pem)")
            else:
                fingerprint = key.strip().lower().replace(":", "").replace(" ", "")
                if not _HEX.match(fingerprint):
                    raise UsageError(
                        f"--key {key!r}: neither a key file nor a SHA-256 fingerprint "
                        f"(at least {MIN_FINGERPRINT} hex characters of `sha256sum public-key.pem`)"
                    )
        roots = None
        if tsa_root is not None:
            try:
                roots = tsa_root.read_bytes()
            except OSError as exc:
                raise UsageError(f"--tsa-root {tsa_root}: cannot read it ({exc.strerror})") from None
            if b"-----BEGIN CERTIFICATE-----" not in roots:
                raise UsageError(f"--tsa-root {tsa_root}: no PEM certificate in it")
        return cls(fingerprint, pem, roots)

"""Sign packet manifests with Ed25519, and check signatures offline.

A signature is the raw 64-byte Ed25519 signature of ``manifest-sha256.txt``, kept next to it as
``manifest-sha256.txt.sig``. Anyone holding the exported ``public-key.pem`` can check it with stock
tools: ``openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest-sha256.txt
-sigfile manifest-sha256.txt.sig``. The private key is a secret (0600 in the data directory, or
``JIKIMI_SIGNING_KEY``), never exported.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence.errors import KeyProblem, SigningFailed
from evidence.keys import load_or_create_key

SIGNATURE_SUFFIX = ".sig"


def signing_key_from(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_or_create_signing_key(path: Path, configured: str | None = None) -> Ed25519PrivateKey:
    """The key from ``JIKIMI_SIGNING_KEY`` (base64 of 32 bytes), else the key file, created on first use."""
    if configured:
        try:
            raw = base64.b64decode(configured.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyProblem("JIKIMI_SIGNING_KEY: not base64") from None
        if len(raw) != 32:
            raise KeyProblem(f"JIKIMI_SIGNING_KEY: must be 32 bytes of base64 (got {len(raw)} bytes)")
        return signing_key_from(raw)
    return signing_key_from(load_or_create_key(path))


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_fingerprint(public_pem: bytes) -> str:
    """The SHA-256 of the public key file as exported (what ``sha256sum data/public-key.pem`` prints).

    This is what an operator gives a recipient out of band, and what ``jikimi verify --key`` pins."""
    return hashlib.sha256(public_pem).hexdigest()


def public_key_id(public_pem: bytes) -> str:
    """A short public name of a signing key, recorded in every packet it signs (its fingerprint's start)."""
    return key_fingerprint(public_pem)[:16]


def _ed25519_public(public_pem: bytes) -> Ed25519PublicKey | None:
    try:
        public = serialization.load_pem_public_key(public_pem)
    except ValueError:
        return None
    return public if isinstance(public, Ed25519PublicKey) else None


def raw_public_key(public_pem: bytes) -> bytes | None:
    """The 32 bytes of an Ed25519 public key in PEM, or ``None`` when it is not one (so two PEM files that
    differ only in line endings name the same key)."""
    public = _ed25519_public(public_pem)
    return None if public is None else public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    try:
        return key.sign(data)
    except Exception as exc:  # the backend refused: say so, never write an unsigned packet silently
        raise SigningFailed(f"could not sign: {exc}") from exc


def signature_valid(public_pem: bytes, data: bytes, signature: bytes) -> bool:
    public = _ed25519_public(public_pem)
    if public is None:
        return False
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True

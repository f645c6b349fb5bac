"""RFC 3161 time-stamps over packet manifests: ask an authority, and check a token offline.

A token (``manifest-sha256.txt.tsr``, as ``openssl ts`` names it) proves the manifest — and through it
every file of the packet — existed at the authority's time. The request carries the SHA-256 of the
manifest and a nonce, and asks for the authority's certificate. Checking needs only the token, the
manifest and the authority's certificate chain (exported with each bundle): ``openssl ts -verify -data
manifest-sha256.txt -in manifest-sha256.txt.tsr -CAfile tsa-chain.pem`` does the same with stock tools.

Whom to trust: the chain in a bundle was put there by whoever made the bundle, so a token checked only
against it proves nothing about who time-stamped it (a self-made root would do). ``check_token`` says
which authority signed and which root it chains to, and with ``pinned_pem`` (``jikimi verify
--tsa-root``) it trusts only the roots the person verifying chose, never the bundle's.

An authority that is down, slow or answering garbage raises ``TimestampUnavailable``: the packet is kept
and marked "awaiting timestamp", and the token is added later as a custody event, never silently skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.errors import VerificationError

from evidence.errors import EvidenceError, TimestampUnavailable
from evidence.printable import printable

TOKEN_SUFFIX = ".tsr"
GRANTED = (0, 1)  # PKIStatus granted, grantedWithMods


class TimestampInvalid(EvidenceError):
    """A token does not verify against the data and the certificate chain."""


async def request_token(data: bytes, url: str, timeout: float) -> bytes:
    """The DER time-stamp response for ``data`` from the authority at ``url``."""
    import aiohttp  # here, not at the top: the offline verifier imports this module and needs no HTTP client

    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).nonce(nonce=True)
    query = request.cert_request(cert_request=True).build()
    headers = {"Content-Type": "application/timestamp-query"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            async with http.post(url, data=query.as_bytes(), headers=headers) as answer:
                body = await answer.read()
                status = answer.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise TimestampUnavailable(f"time-stamping authority unreachable ({type(exc).__name__})") from None
    if status != 200:
        raise TimestampUnavailable(f"time-stamping authority answered HTTP {status}")
    try:
        response = decode_timestamp_response(body)
    except ValueError:
        raise TimestampUnavailable("time-stamping authority answered something that is not a time-stamp") from None
    if int(response.status) not in GRANTED:
        raise TimestampUnavailable(f"time-stamping authority refused: status {int(response.status)}")
    return body


@dataclass(frozen=True, slots=True)
class StampCheck:
    """A token that verified: the authority's time, who signed it, and the root it chains to."""

    time: datetime  # tz-aware UTC
    authority: str  # the time-stamping certificate's subject (RFC 4514)
    root: str  # the trust root's subject and SHA-256 fingerprint


def load_chain(pem: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem)


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def _signer_certificate(response: TimeStampResponse) -> x509.Certificate | None:
    """The certificate that signed the token (named by its SignerInfo), when the token carries it."""
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if certificate.issuer == infos[0].issuer and certificate.serial_number == infos[0].serial_number:
            return certificate
    return None


def _root_of(leaf: x509.Certificate | None, roots: list[x509.Certificate], others: list[x509.Certificate]) -> str:
    """The root the signer's certificate chains up to (by issuer name), as ``subject (sha256 …)``."""
    issuer = leaf.issuer if leaf is not None else None
    for _ in range(8):
        root = next((r for r in roots if r.subject == issuer), None)
        if root is not None:
            return f"{root.subject.rfc4514_string()} (sha256 {certificate_fingerprint(root)})"
        step = next((c for c in others if c.subject == issuer), None)
        if step is None:
            break
        issuer = step.issuer
    return "; ".join(f"{r.subject.rfc4514_string()} (sha256 {certificate_fingerprint(r)})" for r in roots)


def check_token(token: bytes, data: bytes, chain_pem: bytes, pinned_pem: bytes | None = None) -> StampCheck:
    """Check the token over ``data``: against the roots in ``pinned_pem`` when given (the bundle's chain is
    then ignored), else against the self-signed certificates of ``chain_pem``. ``TimestampInvalid`` if it is
    not over ``data`` or does not chain to a trusted root."""
    try:
        response = decode_timestamp_response(token)
        certificates = load_chain(pinned_pem if pinned_pem is not None else chain_pem)
    except ValueError as exc:
        raise TimestampInvalid(f"unreadable token or chain: {exc}") from None
    roots = [c for c in certificates if c.issuer == c.subject]
    others = [c for c in certificates if c.issuer != c.subject]
    if not roots:
        raise TimestampInvalid("no root certificate (self-signed) to check the time-stamp against")
    builder = VerifierBuilder()
    for certificate in roots:
        builder = builder.add_root_certificate(certificate)
    for certificate in others:
        builder = builder.add_intermediate_certificate(certificate)
    try:
        builder.build().verify(response, hashlib.sha256(data).digest())
    except VerificationError as exc:
        raise TimestampInvalid(f"time-stamp does not verify: {exc}") from None
    leaf = _signer_certificate(response)
    authority = leaf.subject.rfc4514_string() if leaf is not None else "(not named in the token)"
    return StampCheck(response.tst_info.gen_time, printable(authority), printable(_root_of(leaf, roots, others)))


def verify_token(token: bytes, data: bytes, chain_pem: bytes) -> datetime:
    """The authority's time in the token; ``TimestampInvalid`` if it is not over ``data`` or not from the chain."""
    return check_token(token, data, chain_pem).time

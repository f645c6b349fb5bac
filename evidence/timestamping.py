"""RFC 3161 time-stamps over packet manifests: ask an authority, and check a token offline.

A token (``manifest-sha256.txt.tsr``, as ``openssl ts`` names it) proves the manifest — and through it
every file of the packet — existed at the authority's time. The request carries the SHA-256 of the
manifest and a nonce, and asks for the authority's certificate. Checking needs only the token, the
manifest and the authority's certificate chain (exported with each bundle): ``openssl ts -verify -data
manifest-sha256.txt -in manifest-sha256.txt.tsr -CAfile tsa-chain.pem`` does the same with stock tools.

An authority that is down, slow or answering garbage raises ``TimestampUnavailable``: the packet is kept
and marked "awaiting timestamp", and the token is added later as a custody event, never silently skipped.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography import x509
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder, VerifierBuilder, decode_timestamp_response
from rfc3161_client.errors import VerificationError

from evidence.errors import EvidenceError, TimestampUnavailable

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


def load_chain(pem: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem)


def verify_token(token: bytes, data: bytes, chain_pem: bytes) -> datetime:
    """The authority's time in the token; ``TimestampInvalid`` if it is not over ``data`` or not from the chain."""
    try:
        response = decode_timestamp_response(token)
        certificates = load_chain(chain_pem)
    except ValueError as exc:
        raise TimestampInvalid(f"unreadable token or chain: {exc}") from None
    builder = VerifierBuilder()
    for certificate in certificates:
        if certificate.issuer == certificate.subject:
            builder = builder.add_root_certificate(certificate)
        else:
            builder = builder.add_intermediate_certificate(certificate)
    try:
        builder.build().verify(response, hashlib.sha256(data).digest())
    except VerificationError as exc:
        raise TimestampInvalid(f"time-stamp does not verify: {exc}") from None
    return response.tst_info.gen_time

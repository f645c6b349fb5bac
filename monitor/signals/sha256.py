"""Exact file hash: the same bytes. Also the media's identity everywhere (``Fingerprints.sha256``)."""

from __future__ import annotations

import hashlib

from monitor.signals.base import ByteDigest, ExactSignal


class Sha256Signal(ExactSignal):
    name = "sha256"
    bits = 256
    label = "SHA-256"

    @classmethod
    def new_hasher(cls) -> ByteDigest:
        return hashlib.sha256()

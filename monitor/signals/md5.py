"""Exact file hash, as StopNCII shares video and many legacy lists hold."""

from __future__ import annotations

import hashlib

from monitor.signals.base import ByteDigest, ExactSignal


class Md5Signal(ExactSignal):
    name = "md5"
    bits = 128
    label = "MD5"

    @classmethod
    def new_hasher(cls) -> ByteDigest:
        return hashlib.md5(usedforsecurity=False)

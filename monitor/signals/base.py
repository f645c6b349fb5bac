"""The ``SignalType`` protocol: one kind of hash (sha256, md5, pdq, phash), one module each.

Why is a hash value a lowercase hex ``str``? It is how every shared hash list (StopNCII, ThreatExchange,
NCMEC) exchanges them, it survives CSV, JSON and databases unchanged, and it is what a person can compare
by eye in an evidence packet. Indexes convert to packed bits internally.
"""

from __future__ import annotations

import re
from typing import ClassVar, Protocol

from monitor.signals.bits import hamming_distance

__all__ = ["HexSignal", "SignalType", "hamming_distance"]


class SignalType(Protocol):
    """A hash type. ``bits`` is the hash length; ``default_threshold`` 0 means exact matching only."""

    name: ClassVar[str]
    bits: ClassVar[int]
    default_threshold: ClassVar[int]

    @classmethod
    def validate(cls, value: str) -> str: ...

    @classmethod
    def examples(cls) -> list[str]: ...


class HexSignal:
    """Shared code of the hex hash types: normalise and validate a value of ``bits`` bits."""

    name: ClassVar[str]
    bits: ClassVar[int]
    default_threshold: ClassVar[int] = 0
    label: ClassVar[str]

    @classmethod
    def validate(cls, value: str) -> str:
        """The value lowercased and stripped; ``ValueError`` naming it when it is not ``bits`` bits of hex."""
        normalised = value.strip().lower()
        if not re.fullmatch(rf"[0-9a-f]{{{cls.bits // 4}}}", normalised):
            raise ValueError(f"{value!r} is not a valid {cls.label} hash ({cls.bits // 4} hex digits)")
        return normalised

    @classmethod
    def examples(cls) -> list[str]:
        return ["0" * (cls.bits // 4), "f" * (cls.bits // 4), ("0123456789abcdef" * 16)[: cls.bits // 4]]

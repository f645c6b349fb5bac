"""The ``SignalType`` protocol, the match rule of a signal, and the three kinds of signal jikimi computes.

Why is a hash value a lowercase hex ``str``? It is how every shared hash list (StopNCII, ThreatExchange,
NCMEC) exchanges them, it survives CSV, JSON and databases unchanged, and it is what a person can compare
by eye in an evidence packet. Indexes convert to packed bits internally.

What a signal declares (python-threatexchange's ``SignalType`` and its hasher mixins): its name and length,
its default ``MatchRule``, how to validate a value, a few ``examples()``, the index that searches its
values (``index_for``), and where its values sit in a media file's ``Fingerprints``. How it is computed is
its kind, a base class to inherit:

- ``ExactSignal``: a hash of the file's bytes (``new_hasher``), matched exactly: SHA-256, MD5.
- ``PictureSignal``: a perceptual hash of the one decoded picture (``hash_picture``, with its rotations
  and mirrors; ``hash_plain`` for a crop), matched within a Hamming radius: PDQ, pHash.
- ``FrameSignal``: a video as the hashes of its kept frames (``hash_frame``): video PDQ.

``monitor/fingerprint/``, ``monitor/matching/matcher.py`` and ``monitor/matching/retro.py`` loop over the
registry (``monitor/signals/__init__.py``) and ask each signal through these methods; none of them names a
signal. Adding a hash type is one module with one class, and a line in the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from crawlers.sighting import Fingerprints
from monitor.signals.bits import hamming_distance
from monitor.signals.frame_index import FrameIndex
from monitor.signals.index import ExactIndex, SignalIndex
from monitor.signals.mih import MultiIndexHashIndex

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

__all__ = [
    "ByteDigest",
    "ExactSignal",
    "FrameSignal",
    "HexSignal",
    "MatchRule",
    "PictureHashes",
    "PictureSignal",
    "SignalType",
    "hamming_distance",
]


@dataclass(frozen=True, slots=True)
class MatchRule:
    """How one signal's values match. Each signal declares its default; the settings override it.

    ``variant_threshold``: the radius of a match that involves a variant on either side (a query-side
    rotation, trim or crop, or a crop stored on the victim's side); ``None`` means the threshold. Every
    variant is one more comparison, and a 64-bit pHash at radius 10 gives unrelated pictures a real chance
    to meet somewhere, so pHash uses 6. ``min_quality``: below it a value is not trusted (PDQ of flat
    pictures all hash alike, as Meta's HMA notes); only signals that report a quality are checked.
    ``min_share``: the share of an entry's parts that must be found (a video's frames).
    """

    threshold: int
    variant_threshold: int | None = None
    min_quality: int = 0
    min_share: float = 0.0

    @property
    def variant_radius(self) -> int:
        """The radius for a match involving a variant: the stricter one where set, never above the threshold."""
        return self.threshold if self.variant_threshold is None else min(self.variant_threshold, self.threshold)

    def trusts(self, quality: int | None) -> bool:
        """Whether a value of this quality may match; ``None``: the signal reports no quality."""
        return quality is None or quality >= self.min_quality

    def accepts(self, distance: int, share: float, variant: bool) -> bool:
        """Whether a match the index found within the threshold stands: enough of the entry was found, and
        a match involving a ``variant`` (on the query side or the entry's) is within ``variant_radius``."""
        return share >= self.min_share and (not variant or distance <= self.variant_radius)


class SignalType(Protocol):
    """A hash type, as the registry, the matcher, retro-matching and the store see it."""

    name: ClassVar[str]  # also names store columns: a lowercase identifier
    bits: ClassVar[int]
    default_rule: ClassVar[MatchRule]
    reports_quality: ClassVar[bool]  # a quality is kept beside its values (``<name>_quality``)

    @classmethod
    def validate(cls, value: str) -> str:
        """The value normalised; ``ValueError`` naming it when it is not a value of this type."""

    @classmethod
    def examples(cls) -> list[str]:
        """Valid, normalised values, for tests."""

    @classmethod
    def index_for(cls, threshold: int) -> SignalIndex[Any]:
        """An empty index for this signal's values, exact up to ``threshold``."""

    @classmethod
    def value_of(cls, fingerprints: Fingerprints) -> str | None:
        """The media's own value of this signal, if it was computed."""

    @classmethod
    def probes(cls, fingerprints: Fingerprints) -> list[str]:
        """What the matcher queries: the media's value first, then its query-side variants."""

    @classmethod
    def quality_of(cls, fingerprints: Fingerprints) -> int | None:
        """The value's quality, checked against ``MatchRule.min_quality``; ``None`` if it reports none."""

    @classmethod
    def kept_columns(cls) -> tuple[str, ...]:
        """Names of what each media keeps of this signal for retro-matching (store columns), value first."""

    @classmethod
    def kept_values(cls, fingerprints: Fingerprints) -> tuple[str, ...]:
        """The kept values, in ``kept_columns`` order; shorter when some were not computed."""


class HexSignal:
    """Shared code of the hex hash types: values of ``bits`` bits, one per media in ``Fingerprints.values``."""

    name: ClassVar[str]
    bits: ClassVar[int]
    label: ClassVar[str]
    default_rule: ClassVar[MatchRule] = MatchRule(0)
    reports_quality: ClassVar[bool] = False

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

    @classmethod
    def value_of(cls, fingerprints: Fingerprints) -> str | None:
        return fingerprints.values.get(cls.name)

    @classmethod
    def probes(cls, fingerprints: Fingerprints) -> list[str]:
        value = cls.value_of(fingerprints)
        return [] if value is None else [value, *fingerprints.variants.get(cls.name, ())]

    @classmethod
    def quality_of(cls, fingerprints: Fingerprints) -> int | None:
        return None

    @classmethod
    def kept_columns(cls) -> tuple[str, ...]:
        return (cls.name,)

    @classmethod
    def kept_values(cls, fingerprints: Fingerprints) -> tuple[str, ...]:
        value = cls.value_of(fingerprints)
        return () if value is None else (value,)


class ByteDigest(Protocol):
    """What ``hashlib`` objects offer: fed chunk by chunk, read once."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


class ExactSignal(HexSignal):
    """A hash of the file's bytes, matched exactly. ``monitor/fingerprint/exact.py`` reads each file once and
    feeds every exact signal's hasher."""

    @classmethod
    def new_hasher(cls) -> ByteDigest:
        raise NotImplementedError(f"{cls.__name__} must say how it hashes bytes (new_hasher)")

    @classmethod
    def index_for(cls, threshold: int) -> SignalIndex[Any]:
        return ExactIndex()


@dataclass(frozen=True, slots=True)
class PictureHashes:
    """A picture signal's value for one decoded picture, with the values of its 7 other rotations and mirrors
    (in the signal's own order: ``PictureSignal.mirror_variant`` says where the left-right mirror is)."""

    value: str
    variants: tuple[str, ...]
    quality: int | None = None


class PictureSignal(HexSignal):
    """A perceptual hash of a decoded picture, matched within a Hamming radius by a multi-index.

    ``monitor/fingerprint/media.py`` decodes each picture once and gives every picture signal the same
    decode, its border-trimmed versions (``hash_picture``: value and dihedral variants) and its centre
    crops (``hash_plain``). Each media keeps the value and its left-right mirror for retro-matching.
    """

    mirror_variant: ClassVar[int]

    @classmethod
    def hash_picture(cls, picture: Image.Image) -> PictureHashes:
        raise NotImplementedError(f"{cls.__name__} must say how it hashes a picture (hash_picture)")

    @classmethod
    def hash_plain(cls, picture: Image.Image) -> str:
        """The value alone, for a crop (no variants needed); override when that is cheaper."""
        return cls.hash_picture(picture).value

    @classmethod
    def index_for(cls, threshold: int) -> SignalIndex[Any]:
        return MultiIndexHashIndex(cls.bits, threshold)

    @classmethod
    def kept_columns(cls) -> tuple[str, ...]:
        return (cls.name, f"{cls.name}_mirror")

    @classmethod
    def kept_values(cls, fingerprints: Fingerprints) -> tuple[str, ...]:
        value = cls.value_of(fingerprints)
        if value is None:
            return ()
        variants = fingerprints.variants.get(cls.name, ())
        return (value, variants[cls.mirror_variant]) if len(variants) > cls.mirror_variant else (value,)


class FrameSignal:
    """A video as its kept frames' hashes (hex, comma-separated), matched by the share of frames found.

    Why not the generic path of the other kinds? ``Fingerprints`` keeps one list of frames with one list of
    timestamps (``frames``, ``frame_seconds`` in ``crawlers/sighting.py``), so one frame signal is
    registered; ``monitor/fingerprint/video.py`` decodes the frames and hashes each with ``hash_frame``.
    Frame lists are not kept per media for retro-matching (``kept_columns`` is empty): a video found in
    a later import is found again at its next crawl.
    """

    name: ClassVar[str]
    bits: ClassVar[int]  # of one frame hash
    label: ClassVar[str]
    default_rule: ClassVar[MatchRule]
    reports_quality: ClassVar[bool] = False

    @classmethod
    def hash_frame(cls, rgb: np.ndarray) -> tuple[str, int]:
        """(hash, quality) of one decoded frame (``height × width × 3`` uint8)."""
        raise NotImplementedError(f"{cls.__name__} must say how it hashes a frame (hash_frame)")

    @classmethod
    def validate(cls, value: str) -> str:
        digits = cls.bits // 4
        parts = [part.strip().lower() for part in re.split(r"[,\s]+", value.strip()) if part.strip()]
        if not parts or not all(re.fullmatch(rf"[0-9a-f]{{{digits}}}", part) for part in parts):
            raise ValueError(f"{value[:80]!r} is not a valid {cls.label} hash (frame hashes separated by commas)")
        return ",".join(parts)

    @classmethod
    def examples(cls) -> list[str]:
        digits = cls.bits // 4
        return ["0" * digits + "," + "f" * digits, ("0123456789abcdef" * 16)[:digits]]

    @classmethod
    def index_for(cls, threshold: int) -> SignalIndex[Any]:
        return FrameIndex(cls.bits, threshold)

    @classmethod
    def value_of(cls, fingerprints: Fingerprints) -> str | None:
        return ",".join(fingerprints.frames) if fingerprints.frames else None

    @classmethod
    def probes(cls, fingerprints: Fingerprints) -> list[str]:
        value = cls.value_of(fingerprints)
        return [] if value is None else [value]

    @classmethod
    def quality_of(cls, fingerprints: Fingerprints) -> int | None:
        return None

    @classmethod
    def kept_columns(cls) -> tuple[str, ...]:
        return ()

    @classmethod
    def kept_values(cls, fingerprints: Fingerprints) -> tuple[str, ...]:
        return ()

"""The registry of hash types: name → ``SignalType``. Add a hash type by adding a module and a line here.

Everything else finds signals here, at the time it needs them (``SIGNALS``, ``signals_of``), so a signal
registered before the matcher is built and the store is opened is fingerprinted, matched, stored and
retro-matched without other changes (``tests/monitor/signals/test_plugging_in.py`` shows it).
"""

from __future__ import annotations

from typing import TypeVar

from config.errors import did_you_mean
from monitor.errors import UnknownHashType
from monitor.signals.base import (
    ExactSignal,
    FrameSignal,
    HexSignal,
    MatchRule,
    PictureHashes,
    PictureSignal,
    SignalType,
    hamming_distance,
)
from monitor.signals.frame_index import FrameIndex
from monitor.signals.index import ExactIndex, HammingIndex, IndexMatch, SignalIndex
from monitor.signals.md5 import Md5Signal
from monitor.signals.mih import MultiIndexHashIndex
from monitor.signals.pdq import PdqSignal
from monitor.signals.phash import PhashSignal
from monitor.signals.sha256 import Sha256Signal
from monitor.signals.video_pdq import VideoPdqSignal

K = TypeVar("K")

SIGNALS: dict[str, type[SignalType]] = {
    signal.name: signal for signal in (Sha256Signal, Md5Signal, PdqSignal, PhashSignal, VideoPdqSignal)
}


def signal_for(name: str) -> type[SignalType]:
    """The hash type called ``name``; ``UnknownHashType`` with a did-you-mean hint otherwise."""
    try:
        return SIGNALS[name.strip().lower()]
    except KeyError:
        raise UnknownHashType(f"unknown hash type {name!r}, {did_you_mean(name, list(SIGNALS))}") from None


def signals_of(kind: type[K]) -> list[type[K]]:
    """The registered signals of one kind (``ExactSignal``, ``PictureSignal``, ``FrameSignal``), in order."""
    return [signal for signal in SIGNALS.values() if isinstance(signal, type) and issubclass(signal, kind)]


__all__ = [
    "SIGNALS",
    "ExactIndex",
    "ExactSignal",
    "FrameIndex",
    "FrameSignal",
    "HammingIndex",
    "HexSignal",
    "IndexMatch",
    "MatchRule",
    "Md5Signal",
    "MultiIndexHashIndex",
    "PdqSignal",
    "PhashSignal",
    "PictureHashes",
    "PictureSignal",
    "Sha256Signal",
    "SignalIndex",
    "SignalType",
    "VideoPdqSignal",
    "hamming_distance",
    "signal_for",
    "signals_of",
]

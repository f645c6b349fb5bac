"""The registry of hash types: name → ``SignalType``. Add a hash type by adding a module and a line here."""

from __future__ import annotations

from config.errors import did_you_mean
from monitor.errors import UnknownHashType
from monitor.signals.base import HexSignal, SignalType, hamming_distance
from monitor.signals.md5 import Md5Signal
from monitor.signals.pdq import PdqSignal
from monitor.signals.phash import PhashSignal
from monitor.signals.sha256 import Sha256Signal
from monitor.signals.video_pdq import VideoPdqSignal

SIGNALS: dict[str, type[SignalType]] = {
    signal.name: signal for signal in (Sha256Signal, Md5Signal, PdqSignal, PhashSignal, VideoPdqSignal)
}
FRAME_SIGNALS = tuple(name for name, signal in SIGNALS.items() if getattr(signal, "frames", False))
EXACT_SIGNALS = tuple(name for name, signal in SIGNALS.items() if signal.default_threshold == 0)
DISTANCE_SIGNALS = tuple(
    name for name, signal in SIGNALS.items() if signal.default_threshold > 0 and name not in FRAME_SIGNALS
)


def signal_for(name: str) -> type[SignalType]:
    """The hash type called ``name``; ``UnknownHashType`` with a did-you-mean hint otherwise."""
    try:
        return SIGNALS[name.strip().lower()]
    except KeyError:
        raise UnknownHashType(f"unknown hash type {name!r}, {did_you_mean(name, list(SIGNALS))}") from None


__all__ = [
    "DISTANCE_SIGNALS",
    "EXACT_SIGNALS",
    "FRAME_SIGNALS",
    "SIGNALS",
    "HexSignal",
    "Md5Signal",
    "PdqSignal",
    "PhashSignal",
    "Sha256Signal",
    "VideoPdqSignal",
    "SignalType",
    "hamming_distance",
    "signal_for",
]

"""Exact file hash, as StopNCII shares video and many legacy lists hold."""

from __future__ import annotations

from monitor.signals.base import HexSignal


class Md5Signal(HexSignal):
    name = "md5"
    bits = 128
    label = "MD5"

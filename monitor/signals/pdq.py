"""PDQ: Meta's 256-bit perceptual hash, robust to re-encoding and resizing; compared by Hamming distance.

The default threshold (31 of 256 bits) is the one Meta's Hasher-Matcher-Actioner uses. PDQ also
reports a quality (0-100): below ``match_pdq_min_quality`` the picture is too flat for PDQ to be
trusted, and its PDQ matches are ignored.
"""

from __future__ import annotations

from monitor.signals.base import HexSignal


class PdqSignal(HexSignal):
    name = "pdq"
    bits = 256
    label = "PDQ"
    default_threshold = 31

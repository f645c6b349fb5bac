"""Errors of evidence packets, bundles and keys.

::

    JikimiError
    └── EvidenceError
        ├── KeyProblem             a key file is missing, unreadable, too open, or the wrong key
        ├── DecryptionFailed       an encrypted file was altered, truncated, or needs another key
        ├── SigningFailed          (signing lands with the custody-chain issue)
        ├── TimestampUnavailable   (RFC 3161 lands with the custody-chain issue)
        └── VerificationFailed     a bundle does not verify; ``path`` names the first bad file
"""

from __future__ import annotations

from config.errors import JikimiError
from crawlers.errors import SealBroken
from evidence.printable import printable


class EvidenceError(JikimiError):
    """Trouble building, storing or checking evidence."""


class KeyProblem(EvidenceError):
    """A key cannot be used; the message says which file and what to do."""


class DecryptionFailed(EvidenceError, SealBroken):
    """An encrypted file does not decrypt: altered, truncated, or encrypted with another key."""


class SigningFailed(EvidenceError):
    """A signature could not be made."""


class TimestampUnavailable(EvidenceError):
    """The time-stamping authority could not be reached; the packet waits for a later token."""


class VerificationFailed(EvidenceError):
    """A bundle or packet does not verify. ``path`` is the first file that failed. The message may quote a
    crafted bundle, so its control characters are shown as escapes (``evidence/printable.py``)."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(printable(message))
        self.path = path

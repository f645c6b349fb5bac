"""Load or create the secret keys kept in the data directory (mode 0600, never logged).

A key given in the settings wins; otherwise the key file is created on first use. Why refuse a key file
that others can read? Whoever reads it can decrypt every preserved picture.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from pathlib import Path

from evidence.errors import KeyProblem

KEY_BYTES = 32


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{where}: not base64") from None
    if len(key) != KEY_BYTES:
        raise KeyProblem(f"{where}: must be {KEY_BYTES} bytes of base64 (got {len(key)} bytes)")
    return key


def load_or_create_key(path: Path) -> bytes:
    """The key stored at ``path``; created there (0600, in a 0700 folder) if it does not exist yet."""
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyProblem(f"{path}: key file is readable by others (mode {mode:o}); run: chmod 600 {path}")
        return decode_key(path.read_text(encoding="ascii"), str(path))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = os.urandom(KEY_BYTES)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return load_or_create_key(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(base64.b64encode(key).decode() + "\n")
    return key

"""Show text taken from a bundle on a terminal without letting it act on the terminal.

Member names, custody fields and certificate names in a crafted bundle are chosen by whoever made it. A
name holding terminal escapes could erase the ``NOT CHECKED`` lines above it or recolour a failure, and a
right-to-left override could show ``gpj.exe`` as ``exe.jpg``. Control and formatting characters (Unicode
categories Cc and Cf) are therefore shown as escapes; everything else, backslashes included, is kept.
"""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """``text`` with every control or formatting character written as ``\\xNN`` / ``\\uNNNN``."""
    if text.isprintable():
        return text
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in text
    )

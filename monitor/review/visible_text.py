"""Text from hostile places shown as it is, not as it pretends to be.

A channel called ``\\u202eGPJ.exe`` reads ``exe.JPG`` on screen: bidi overrides, embeddings, isolates and
marks reorder what follows them, and zero-width or control characters hide differences between two
names that look the same. Every value a template prints passes through ``visible_controls`` (the jinja2
environment's ``finalize``), which replaces each such character with a visible ``[U+202E]``: the reviewer
sees that the name holds one, and where. Joiners (U+200C, U+200D) stay: scripts and emoji need them.
"""

from __future__ import annotations

from markupsafe import Markup

BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
INVISIBLE = (0x200B, 0x2060, 0xFEFF)
CONTROLS = (*(c for c in range(0x20) if chr(c) not in "\t\n\r"), *range(0x7F, 0xA0))
SHOWN_AS_CODES = {code: f"[U+{code:04X}]" for code in (*BIDI_CONTROLS, *INVISIBLE, *CONTROLS)}


def visible_controls(value: object) -> object:
    """``value`` with every bidi control, invisible and control character written out as ``[U+XXXX]``."""
    if not isinstance(value, str):
        return value
    shown = str.translate(value, SHOWN_AS_CODES)
    if shown == value:
        return value
    return Markup(shown) if isinstance(value, Markup) else shown

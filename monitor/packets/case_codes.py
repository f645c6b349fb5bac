"""What a case code may be, and the bundle file name made from one.

A case code is a pseudonymous reference (``case-7``, ``사건-12``) that ends up in file names, HTTP headers,
custody events and documents handed to courts. One rule, checked wherever a code comes in (hash-list
imports, ``blocklist add-images``, the review UI's export form), so that a code can never be a path
(``../../x``), a header (quotes, line breaks) or text that reads differently than it is (bidi controls,
invisible characters):

- 1 to 64 characters, in Unicode NFC;
- letters and digits of any script, and ``-``, ``_``, ``.``;
- starting with a letter or a digit (so never ``.``, ``..`` or ``-rf``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from monitor.errors import BadCaseCode

MAX_LENGTH = 64
_ALLOWED = re.compile(r"[^\W_][\w.-]*")  # \w: letters and digits of any script, and "_"


def checked_case_code(text: str) -> str:
    """``text`` if it is a valid case code, else ``BadCaseCode`` naming what is wrong with it."""
    reason = None
    if not text:
        reason = "it is empty"
    elif len(text) > MAX_LENGTH:
        reason = f"it is longer than {MAX_LENGTH} characters"
    elif not unicodedata.is_normalized("NFC", text):
        reason = "it is not in Unicode NFC form"
    elif not _ALLOWED.fullmatch(text):
        bad = next((c for c in text if not (c.isalnum() or c in "-_.")), None)
        reason = f"it holds {bad!r} (U+{ord(bad):04X})" if bad else f"it starts with {text[0]!r}"
    if reason is not None:
        raise BadCaseCode(
            f"case code {text[:80]!r} refused: {reason}; a case code is 1-{MAX_LENGTH} letters or digits, "
            "with '-', '_' or '.' between them",
            code=text,
            reason=reason,
        )
    return text


def bundle_file_name(case: str | None) -> str:
    """``jikimi-<case>-bundle.zip`` (``jikimi-hits-bundle.zip`` for chosen hits); the case is checked."""
    return f"jikimi-{checked_case_code(case) if case else 'hits'}-bundle.zip"


def bundle_path(folder: Path, case: str | None) -> Path:
    """Where a bundle of ``case`` is written inside ``folder``: never anywhere else, whatever the code."""
    path = folder / bundle_file_name(case)
    if path.resolve().parent != folder.resolve():  # cannot happen with a checked code: a second line of defence
        reason = "it leads out of the export folder"
        raise BadCaseCode(f"case code {case!r} refused: {reason}", code=case or "", reason=reason)
    return path

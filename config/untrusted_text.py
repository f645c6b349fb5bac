"""Make text from hostile places (page titles, channel names, imported labels) safe where people read it.

Three readers can be attacked by text alone:

- a terminal runs escape sequences (``ESC [ …``: colours, cursor moves, window titles, even clipboard
  writes on some terminals) and bidirectional overrides (U+202E) show a name reversed;
- rich's console parses ``[tag]`` markup, so ``[/]`` in a page title crashes ``jikimi hits``;
- a spreadsheet runs a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a formula
  (``=HYPERLINK(…)`` sends whoever clicks to the attacker: CSV injection, OWASP).

Refusing is right where a person types the text (an imported hash list: ``control_characters_in``);
where the text is evidence of what a site showed, it is kept as it was and only *shown* neutralised
(``visible``, ``spreadsheet_cell``).
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" or character in BIDI_CONTROLS


def control_characters_in(text: str) -> list[str]:
    """The control and bidirectional-override characters of ``text``, as ``U+XXXX`` names (empty: clean)."""
    return sorted({f"U+{ord(c):04X}" for c in text if _is_control(c)})


def visible(text: str) -> str:
    """``text`` with every control or bidi character written out (``\\x1b``, ``\\u202e``), so a terminal
    shows what is there instead of obeying it. Markup is a separate matter: pass the result to rich as
    plain ``Text``, never as markup."""
    if not any(_is_control(c) for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if _is_control(c) else c for c in text)


def json_line_for_terminal(line: str) -> str:
    """A JSON text (``json.dumps(..., ensure_ascii=False)``) with the control characters JSON leaves raw
    (DEL, C1 controls such as U+009B, bidi overrides) as ``\\uXXXX`` escapes: the same data, but nothing a
    terminal obeys. Such characters can only stand inside JSON strings, where the escape is valid."""
    return "".join(f"\\u{ord(c):04x}" if _is_control(c) else c for c in line)


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run: one starting like a formula gets a leading ``'`` (OWASP's
    advice); a plain number such as a Telegram channel id ``-1001234`` is data, not a formula, and stays."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value

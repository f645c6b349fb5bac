"""Text from hostile places: refused at import, shown written out on a terminal, inert in a spreadsheet."""

from __future__ import annotations

import pytest

from config.untrusted_text import control_characters_in, spreadsheet_cell, visible
from config.url_credentials import redact_credentials


def test_control_and_bidi_characters_are_named() -> None:
    assert control_characters_in("a\x1b[31mb\u202ec\x7f") == ["U+001B", "U+007F", "U+202E"]
    assert control_characters_in("사진 1 — ok") == []


def test_visible_writes_controls_out_and_leaves_other_text_alone() -> None:
    assert visible("title\x1b]0;x\x07\u202e") == "title\\x1b]0;x\\x07\\u202e"
    assert visible("[/] 사진") == "[/] 사진"


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1+1", "'+1+1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("-2+3", "'-2+3"), ("-1001234567890", "-1001234567890"),
     ("12.5", "12.5"), ("https://t.me/x/1", "https://t.me/x/1")],
)  # fmt: skip
def test_spreadsheet_cells_starting_like_a_formula_get_a_quote(cell: str, shown: str) -> None:
    assert spreadsheet_cell(cell) == shown


def test_credentials_in_urls_are_redacted_wherever_they_are_in_a_text() -> None:
    text = "GET https://user:pa%40ss@forum.example/t/1 then ftp://anon@files.example/x; mail me@example.org"
    assert (
        redact_credentials(text)
        == "GET https://***@forum.example/t/1 then ftp://***@files.example/x; mail me@example.org"
    )
    assert redact_credentials("https://forum.example/@user") == "https://forum.example/@user"

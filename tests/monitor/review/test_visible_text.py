"""Bidi controls, invisible and control characters are written out wherever a template prints text."""

from __future__ import annotations

from markupsafe import Markup

from monitor.review.pages import TEMPLATES
from monitor.review.visible_text import visible_controls


def test_overrides_isolates_marks_and_invisible_characters_are_written_out() -> None:
    assert visible_controls("\u202egpj.exe") == "[U+202E]gpj.exe"
    assert visible_controls("a\u2067b\u2069\u200f\u200b\ufeff\x1b[31m") == (
        "a[U+2067]b[U+2069][U+200F][U+200B][U+FEFF][U+001B][31m"
    )


def test_ordinary_text_lines_joiners_and_other_values_are_left_alone() -> None:
    for text in ("사건 7", "line 1\nline 2\tend", "👩\u200d👩\u200d👧", "نص عربي"):
        assert visible_controls(text) == text
    assert visible_controls(7) == 7 and visible_controls(None) is None
    assert isinstance(visible_controls(Markup("<b>\u202e</b>")), Markup)


def test_every_template_expression_passes_through_it_before_escaping() -> None:
    page = TEMPLATES.from_string("<p title='{{ name }}'>{{ name }}</p>").render(name="<\u202eb>")
    assert page == "<p title='&lt;[U+202E]b&gt;'>&lt;[U+202E]b&gt;</p>"

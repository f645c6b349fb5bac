"""Case codes: one rule wherever a code comes in, and bundle paths that stay in their folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import BadCaseCode
from monitor.packets.case_codes import bundle_file_name, bundle_path, checked_case_code


@pytest.mark.parametrize("code", ["case-7", "C7", "사건-12", "2026.11_a", "x" * 64])
def test_pseudonymous_codes_of_letters_digits_and_separators_are_accepted(code: str) -> None:
    assert checked_case_code(code) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "it is empty"),
        ("x" * 65, "longer than 64"),
        ("../../etc/x", "'/' (U+002F)"),
        ("..", "it starts with '.'"),
        ("a/b", "'/' (U+002F)"),
        ("a\\b", "U+005C"),
        ('x";filename="evil.html', "'\"' (U+0022)"),
        ("a\r\nSet-Cookie: x", "U+000D"),
        ("\u202egpj", "U+202E"),
        ("case 7", "U+0020"),
        ("-rf", "it starts with '-'"),
        ("e\u0301", "NFC"),
    ],
)
def test_anything_else_is_refused_naming_what_is_wrong(code: str, reason: str) -> None:
    with pytest.raises(BadCaseCode) as refused:
        checked_case_code(code)
    assert reason in str(refused.value) and refused.value.exit_code == 2


def test_a_bundle_is_named_after_its_case_inside_the_folder(tmp_path: Path) -> None:
    assert bundle_file_name(None) == "jikimi-hits-bundle.zip"
    assert bundle_path(tmp_path, "case-7") == tmp_path / "jikimi-case-7-bundle.zip"
    with pytest.raises(BadCaseCode):
        bundle_path(tmp_path, "/../../x")

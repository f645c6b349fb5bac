"""A file with no name until it is whole: nothing at the target (or beside it) before, or after an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.unnamed_file import written_whole


def test_the_file_appears_only_when_complete_and_is_private(tmp_path: Path) -> None:
    target = tmp_path / "bundle.zip"
    with written_whole(target) as stream:
        stream.write(b"decrypted picture")
        assert list(tmp_path.iterdir()) == []  # no name, not even a temporary one
    assert target.read_bytes() == b"decrypted picture"
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_an_error_leaves_nothing_and_an_earlier_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "bundle.zip"
    target.write_bytes(b"the earlier bundle")
    with pytest.raises(RuntimeError), written_whole(target) as stream:
        stream.write(b"half")
        raise RuntimeError("export failed")
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.zip"]
    assert target.read_bytes() == b"the earlier bundle"

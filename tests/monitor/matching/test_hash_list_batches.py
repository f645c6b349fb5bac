"""A hash list of any size is checked whole, then handed out a batch at a time (never held whole)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import BlocklistError
from monitor.matching.hash_lists import blocklist_batches, check_blocklist, read_blocklist


def hash_list(tmp_path: Path, rows: int, bad_lines: tuple[int, ...] = ()) -> Path:
    """A CSV of ``rows`` distinct SHA-256 rows; the rows on ``bad_lines`` (file lines, header is 1) are not hex."""
    lines = ["hash_type,hash,case,label"]
    for number in range(rows):
        value = "zz" * 32 if number + 2 in bad_lines else f"{number:064x}"
        lines.append(f"sha256,{value},case-{number % 3},row {number}")
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_batches_give_every_entry_in_file_order_at_most_size_at_a_time(tmp_path: Path) -> None:
    path = hash_list(tmp_path, 25)
    batches = list(blocklist_batches(path, size=10))
    assert [len(batch) for batch in batches] == [10, 10, 5]
    assert [entry.id for batch in batches for entry in batch] == [entry.id for entry in read_blocklist(path)]


def test_batches_are_handed_out_before_the_file_is_read_to_the_end(tmp_path: Path) -> None:
    batches = blocklist_batches(hash_list(tmp_path, 25), size=10)
    first = next(batches)
    assert len(first) == 10  # the rest of the file is read only as the caller asks for it


def test_a_check_counts_the_entries_and_keeps_none(tmp_path: Path) -> None:
    assert check_blocklist(hash_list(tmp_path, 25)).entries == 25


def test_a_check_names_every_bad_row_as_the_whole_list_read_would(tmp_path: Path) -> None:
    path = hash_list(tmp_path, 25, bad_lines=(3, 20))
    with pytest.raises(BlocklistError) as checked:
        check_blocklist(path)
    with pytest.raises(BlocklistError) as read:
        read_blocklist(path)
    assert str(checked.value) == str(read.value)
    assert [line for line, _ in checked.value.problems] == [3, 20]
    assert "2 bad row(s), nothing imported" in str(checked.value)
    assert "line 3:" in str(checked.value) and "line 20:" in str(checked.value)


def test_batches_of_a_list_with_a_bad_row_end_with_the_same_refusal(tmp_path: Path) -> None:
    path = hash_list(tmp_path, 25, bad_lines=(20,))
    with pytest.raises(BlocklistError, match="line 20:"):
        list(blocklist_batches(path, size=10))


def test_an_empty_list_is_refused_by_the_check(tmp_path: Path) -> None:
    with pytest.raises(BlocklistError, match="no entries"):
        check_blocklist(hash_list(tmp_path, 0))

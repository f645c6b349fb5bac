from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.errors import BlocklistError
from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
from monitor.matching.intake import hash_pictures
from monitor.records import BlocklistEntry

SHA = "ab" * 32
PDQ = "0f" * 32


def write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_valid_csv_imports_every_row_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, f"hash_type,hash,case,label\nsha256,{SHA.upper()},case-1,first\nPDQ, {PDQ} ,case-2,\n")
    entries = read_blocklist(path)
    assert [(e.hash_type, e.value, e.case, e.label) for e in entries] == [
        ("sha256", SHA, "case-1", "first"),
        ("pdq", PDQ, "case-2", ""),
    ]


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "hash_type,hash,case,label\n"
        f"sha256,{SHA},case-1,ok\n"
        "sha265,abc,case-1,typo\n"
        f"pdq,{PDQ[:-2]},case-1,short\n"
        f"md5,{'z' * 32},case-1,not hex\n"
        f"phash,{'1' * 16},,no case\n",
    )
    with pytest.raises(BlocklistError) as raised:
        read_blocklist(path)
    assert [line for line, _ in raised.value.problems] == [3, 4, 5, 6]
    message = str(raised.value)
    assert "line 3" in message and "did you mean 'sha256'" in message
    assert "line 4" in message and "not a valid PDQ hash" in message
    assert "nothing imported" in message
    assert raised.value.exit_code == 2


def test_a_file_without_the_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BlocklistError, match="line 1: header must be"):
        read_blocklist(write(tmp_path, f"sha256,{SHA},case-1,x\n"))


def test_json_lines_are_read_too(tmp_path: Path) -> None:
    path = write(tmp_path, f'{{"hash_type": "sha256", "hash": "{SHA}", "case": "c"}}\n\nnot json\n', "list.jsonl")
    with pytest.raises(BlocklistError) as raised:
        read_blocklist(path)
    assert [line for line, _ in raised.value.problems] == [3]


def test_a_written_list_reads_back_the_same(tmp_path: Path) -> None:
    entries = read_blocklist(write(tmp_path, f"hash_type,hash,case,label\nsha256,{SHA},c,l\npdq,{PDQ},c,m\n"))
    write_blocklist_csv(entries, tmp_path / "out.csv")
    assert [(e.hash_type, e.value, e.case, e.label) for e in read_blocklist(tmp_path / "out.csv")] == [
        (e.hash_type, e.value, e.case, e.label) for e in entries
    ]


def test_add_images_keeps_only_hashes_and_never_the_file_names(make_image: Callable[..., Path], tmp_path: Path) -> None:
    make_image(20, name="victim/Jane Doe at the beach.jpg")
    make_image(21, name="victim/second.png", fmt="PNG")
    (tmp_path / "victim" / "notes.txt").write_text("not a picture")
    intake = hash_pictures(tmp_path / "victim", "case-7", "picture", crop_variants=False)
    assert {e.hash_type for e in intake.entries} == {"sha256", "md5", "pdq", "phash"}
    assert len(intake.entries) == 8
    assert all(e.case == "case-7" and e.origin == "victim intake" for e in intake.entries)
    assert not any("Jane" in e.label or "beach" in e.label for e in intake.entries)


def test_add_images_reports_a_picture_it_cannot_decode(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.jpg").write_bytes(b"\xff\xd8 broken")
    intake = hash_pictures(tmp_path / "in", "case-1")
    assert len(intake.skipped) == 1 and "picture 1" in intake.skipped[0]
    assert {e.hash_type for e in intake.entries} == {"sha256", "md5"}


def test_add_images_also_stores_crops_of_each_picture_as_extra_perceptual_hashes(
    make_image: Callable[..., Path], tmp_path: Path
) -> None:
    make_image(30, name="victim/one.jpg")
    intake = hash_pictures(tmp_path / "victim", "case-8")
    crops = [e for e in intake.entries if e.variant]
    assert len(crops) == 12 and {e.hash_type for e in crops} == {"pdq", "phash"}
    assert all(e.label == "picture 1" and "crop" in e.variant for e in crops)
    assert len({e.value for e in crops if e.hash_type == "pdq"}) == 6  # six different crops


def test_add_images_makes_one_item_per_picture_holding_all_its_hashes_and_crops(
    make_image: Callable[..., Path], tmp_path: Path
) -> None:
    make_image(40, name="victim/one.jpg")
    make_image(41, name="victim/two.png", fmt="PNG")
    intake = hash_pictures(tmp_path / "victim", "case-9")
    by_item: dict[str, set[str]] = {}
    for entry in intake.entries:
        by_item.setdefault(entry.item_id, set()).add(entry.label)
    assert sorted(by_item.values()) == [{"picture 1"}, {"picture 2"}]  # two pictures, two items
    first = [e for e in intake.entries if e.label == "picture 1"]
    assert {e.hash_type for e in first} == {"sha256", "md5", "pdq", "phash"} and any(e.variant for e in first)
    again = hash_pictures(tmp_path / "victim", "case-9")
    assert {e.item_id for e in again.entries} == set(by_item)  # the same picture is the same item every time


def test_an_item_column_groups_the_rows_of_one_case_and_a_row_without_one_is_an_item_of_its_own(
    tmp_path: Path,
) -> None:
    rows = (
        "hash_type,hash,case,label,item\n"
        f"sha256,{SHA},case-1,front,p1\npdq,{PDQ},case-1,front crop,p1\n"
        f"md5,{'cd' * 16},case-1,alone,\nmd5,{'ef' * 16},case-2,other case,p1\n"
    )
    entries = read_blocklist(write(tmp_path, rows))
    assert entries[0].item_id == entries[1].item_id
    assert len({e.item_id for e in entries}) == 3  # p1 of case-1, the row without item, p1 of case-2


def test_without_an_item_column_every_row_is_an_item(tmp_path: Path) -> None:
    entries = read_blocklist(write(tmp_path, f"hash_type,hash,case,label\nsha256,{SHA},c,l\npdq,{PDQ},c,l\n"))
    assert len({e.item_id for e in entries}) == 2
    assert read_blocklist(tmp_path / "list.csv")[0].item_id == entries[0].item_id  # the same id on every import


def test_a_written_list_keeps_its_grouping_into_items(make_image: Callable[..., Path], tmp_path: Path) -> None:
    make_image(42, name="victim/one.jpg")
    make_image(43, name="victim/two.jpg")
    intake = hash_pictures(tmp_path / "victim", "case-3", crop_variants=False)
    write_blocklist_csv(intake.entries, tmp_path / "out.csv")
    read = read_blocklist(tmp_path / "out.csv")

    def grouping(entries: list[BlocklistEntry]) -> list[set[str]]:
        groups: dict[str, set[str]] = {}
        for entry in entries:
            groups.setdefault(entry.item_id, set()).add(entry.id)
        return sorted(groups.values(), key=sorted)

    assert grouping(read) == grouping(intake.entries) and len(grouping(read)) == 2

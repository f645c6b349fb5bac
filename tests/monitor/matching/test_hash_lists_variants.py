"""A hash list keeps the victim-side variant of each hash: written by ``write_blocklist_csv`` (the demo's and
add-images' list) and read back by ``read_blocklist``, so a card can say "pHash of the centre crop" and the
variant matches under its stricter radius."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import BlocklistError
from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
from monitor.records import BlocklistEntry

PHASH = "cae196bcc56d92c2"


def test_a_variant_survives_a_round_trip_through_the_csv(tmp_path: Path) -> None:
    entries = [
        BlocklistEntry("phash", PHASH, "case-1", "picture 1", "intake", item_id="item-1"),
        BlocklistEntry("phash", "cae3b4b1c97a928c", "case-1", "picture 1", "intake", variant="centre crop 5%",
                       item_id="item-1"),
    ]  # fmt: skip
    path = tmp_path / "list.csv"
    write_blocklist_csv(entries, path)
    read = read_blocklist(path)
    assert [entry.variant for entry in read] == ["", "centre crop 5%"]
    assert len({entry.item_id for entry in read}) == 1  # still one picture


def test_a_list_without_a_variant_column_reads_as_before_and_a_hostile_variant_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(f"hash_type,hash,case,label\nphash,{PHASH},case-1,x\n")
    assert read_blocklist(plain)[0].variant == ""
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(f"hash_type,hash,case,label,variant\nphash,{PHASH},case-1,x,crop\u202e%5\n")
    with pytest.raises(BlocklistError, match="variant contains control characters"):
        read_blocklist(hostile)

"""Read and write hash lists (CSV ``hash_type,hash,case,label[,item][,variant]`` or JSON lines).

An optional ``item`` column groups rows: the rows of one case with the same ``item`` are the signals of one
blocklist item (one victim picture); a row without one is an item of its own. A partner list (StopNCII,
ThreatExchange exports) carries no grouping, so each of its hashes is one item. An optional ``variant``
column names a hash of the picture made on the victim's side (``centre crop 5%``), which a reviewer's
card shows beside the match, and which matches under the stricter variant radius.

An import is all or nothing: every row is validated first, and one bad row means nothing is imported,
with every bad row reported by line number.

Why two passes over a large list instead of one list in memory? A national list has millions of rows; as
``BlocklistEntry`` objects they take gigabytes. ``check_blocklist`` reads the file once and keeps only the
problems (and a count); ``blocklist_batches`` reads it again and hands out entries a batch at a time, so an
import's memory is one batch whatever the list's size. The validation is the same function on both passes.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from config.untrusted_text import control_characters_in
from monitor.errors import BadCaseCode, BlocklistError, UnknownHashType
from monitor.packets.case_codes import checked_case_code
from monitor.records import BlocklistEntry, named_item_id
from monitor.signals import signal_for

CSV_COLUMNS = ("hash_type", "hash", "case", "label")
MAX_PROBLEMS_SHOWN = 20


def _entry(
    hash_type: str, value: str, case: str, label: str, origin: str, item: str = "", variant: str = ""
) -> BlocklistEntry:
    """One validated entry; ``ValueError`` says what is wrong with the row."""
    try:
        signal = signal_for(hash_type)
    except UnknownHashType as exc:
        raise ValueError(str(exc)) from None
    if not case.strip():
        raise ValueError("case is empty (give a pseudonymous case reference)")
    _checked_case(case.strip())  # a case code ends up in file names, headers and court documents
    refuse_control_characters(label, "label")
    refuse_control_characters(item, "item")
    refuse_control_characters(variant, "variant")
    item_id = named_item_id(case.strip(), item.strip()) if item.strip() else ""
    return BlocklistEntry(
        signal.name, signal.validate(value), case.strip(), label.strip(), origin, variant=variant.strip()[:200],
        item_id=item_id,
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _checked_case(case: str) -> None:
    """``ValueError`` for a bad case code; a list holds few cases in many rows, so each is checked once."""
    try:
        checked_case_code(case)
    except BadCaseCode as exc:
        raise ValueError(str(exc)) from None


def refuse_control_characters(text: str, field: str) -> None:
    """``ValueError`` for a case or label holding control characters: shown on a terminal or in the review
    UI they would run as escape sequences or reverse the text (U+202E), so they are refused at the door.
    Printable ASCII holds none of them, which is checked first (most rows of a large list)."""
    if text.isascii() and text.isprintable():
        return
    found = control_characters_in(text)
    if found:
        raise ValueError(f"{field} contains control characters ({', '.join(found)}): remove them and import again")


def _fail(path: Path, problems: list[tuple[int, str]]) -> BlocklistError:
    shown = "\n".join(f"  line {line}: {message}" for line, message in problems[:MAX_PROBLEMS_SHOWN])
    more = f"\n  … and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""
    return BlocklistError(f"{path}: {len(problems)} bad row(s), nothing imported:\n{shown}{more}", problems)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in CSV_COLUMNS if name not in header and name != "label"]
        if missing:
            expected = ",".join(CSV_COLUMNS)
            raise BlocklistError(f"{path}: line 1: header must be {expected} (missing {', '.join(missing)})")
        reader.fieldnames = header
        for row in reader:
            yield reader.line_num, {key: (value or "") for key, value in row.items() if key is not None}


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"_error": f"not JSON: {exc.msg}"}
                    continue
                if not isinstance(row, dict):
                    yield number, {"_error": "not a JSON object"}
                    continue
                yield number, {key: str(value) for key, value in row.items()}


@dataclass(slots=True)
class ListCheck:
    """What ``check_blocklist`` found: the number of entries (every row valid)."""

    entries: int = 0


def _rows_of(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    return _jsonl_rows(path) if path.suffix.lower() in (".jsonl", ".ndjson") else _csv_rows(path)


def iter_blocklist(path: Path, origin: str = "import") -> Iterator[BlocklistEntry]:
    """Every entry of a CSV (``hash_type,hash,case,label[,item]``) or JSON-lines file, as read; once the file
    is read, ``BlocklistError`` naming every bad row by line if any was bad (the good ones were yielded
    already: ``check_blocklist`` first, to import all or nothing), or if there was no entry at all."""
    problems: list[tuple[int, str]] = []
    count = 0
    try:
        for line, row in _rows_of(path):
            try:
                if "_error" in row:
                    raise ValueError(row["_error"])
                entry = _entry(row.get("hash_type", ""), row.get("hash", ""), row.get("case", ""),
                               row.get("label", ""), origin, row.get("item", ""), row.get("variant", ""))  # fmt: skip
            except ValueError as exc:
                problems.append((line, str(exc)))
                continue
            count += 1
            yield entry
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BlocklistError(f"{path}: cannot read the hash list: {exc}") from None
    if problems:
        raise _fail(path, problems)
    if not count:
        raise BlocklistError(f"{path}: no entries (expected a header {','.join(CSV_COLUMNS)} and rows)")


def check_blocklist(path: Path, origin: str = "import") -> ListCheck:
    """Validate every row without keeping any: ``BlocklistError`` as ``read_blocklist`` raises it."""
    check = ListCheck()
    for _ in iter_blocklist(path, origin):
        check.entries += 1
    return check


def blocklist_batches(path: Path, origin: str = "import", size: int = 20_000) -> Iterator[list[BlocklistEntry]]:
    """The entries in file order, ``size`` at a time (``check_blocklist`` first: a bad row raises only once the
    whole file has been read, after the batches before it)."""
    batch: list[BlocklistEntry] = []
    for entry in iter_blocklist(path, origin):
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_blocklist(path: Path, origin: str = "import") -> list[BlocklistEntry]:
    """Every entry of a CSV (``hash_type,hash,case,label[,item]``) or JSON-lines file; ``BlocklistError`` if any
    is bad. For a list of a size that fits in memory (an upload); ``blocklist_batches`` for any size."""
    return list(iter_blocklist(path, origin))


def write_blocklist_csv(entries: list[BlocklistEntry], path: Path) -> None:
    """The entries as a CSV ``read_blocklist`` reads back, with their ``item`` and ``variant`` so the grouping
    and the victim-side crops' names survive."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow((*CSV_COLUMNS, "item", "variant"))
        for entry in entries:
            writer.writerow((entry.hash_type, entry.value, entry.case, entry.label, entry.item_id, entry.variant))

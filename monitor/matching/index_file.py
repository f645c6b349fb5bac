"""The matching index persisted beside the store: loaded as a memory map at start, rebuilt only when the
blocklist changed.

Why a file and not a table? A million entries read back from the store and indexed again cost seconds
(16 s per 100,000 entries through the documents); the built tables are plain arrays, so they are written
once and mapped into memory by every later process in a fraction of a second, pages read as queried.

The file (``blocklist-index.bin`` in the data directory) holds, after a header: every entry as a short
record (``EntryTable``), and per signal either the multi-index's built tables (picture signals), a sorted
array (exact signals), or the numbers of its entries, re-added at load (signals whose index is neither:
video frames, few). The header names the format version, the store's ``blocklist_revision`` when it was
built, each signal's radius and a BLAKE2b digest of everything after it. A file of another version,
revision or radius, or whose digest does not match (a torn write, a flipped bit), is not used: the index is
built again from the store and the file replaced (written beside it, then renamed: never half-written).

Withdrawals are not in the file: the index holds every entry, and the matcher leaves out the items the
store says are withdrawn (``BlocklistMatcher.withdraw``), so a withdrawal never costs a rebuild.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import mmap
import os
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from monitor.matching.matcher import BlocklistMatcher
from monitor.matching.stored_index import EntryTable, SortedExactIndex, TableIndex, entry_record
from monitor.records import ItemState
from monitor.signals import SIGNALS, ExactIndex, MultiIndexHashIndex, SignalIndex
from monitor.store.base import BlocklistRow, Store

FORMAT = 1
MAGIC = b"JIKIMI-INDEX\n"
INDEX_FILE = "blocklist-index.bin"
READ_BATCH = 100_000
ALIGN = 64
MIH_ARRAYS = ("words", "offsets", "ids", "table_words", "entries")
log = logging.getLogger(__name__)


@dataclass(slots=True)
class IndexParts:
    """The arrays of one index file: ``arrays`` by name (``entries.offsets``, ``pdq.words``…) and the blob."""

    revision: str
    radii: dict[str, int]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    blob: bytes | memoryview = b""


def kind_of(index: SignalIndex[Any]) -> str:
    if isinstance(index, MultiIndexHashIndex):
        return "mih"
    return "exact" if isinstance(index, ExactIndex) else "replay"


@dataclass(slots=True)
class RowsRead:
    """Every entry as read from the store: records in one growing blob (not a million ``bytes`` objects),
    and per signal its packed values and entry numbers."""

    blob: bytearray = field(default_factory=bytearray)
    offsets: array[int] = field(default_factory=lambda: array("Q", [0]))
    packed: dict[str, list[np.ndarray]] = field(default_factory=dict)
    numbers: dict[str, array[int]] = field(default_factory=dict)

    def take(self, rows: list[BlocklistRow]) -> None:
        by_type: dict[str, list[str]] = {}
        for row in rows:
            if row.hash_type not in SIGNALS:
                continue  # a hash type no longer registered: not matchable, so not indexed
            self.numbers.setdefault(row.hash_type, array("q")).append(len(self.offsets) - 1)
            self.blob += entry_record(*row[1:])
            self.offsets.append(len(self.blob))
            by_type.setdefault(row.hash_type, []).append(row.value)
        for name, values in by_type.items():
            if kind_of(SIGNALS[name].index_for(0)) != "replay":
                size = SIGNALS[name].bits // 8
                packed = np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8).reshape(len(values), size)
                self.packed.setdefault(name, []).append(packed)


async def read_rows(store: Store) -> RowsRead:
    """Every entry from the store, page by page (each page taken apart in a thread)."""
    read = RowsRead()
    after = ""
    while rows := await store.blocklist_rows(after, READ_BATCH):
        await asyncio.to_thread(read.take, rows)
        after = rows[-1].key
    return read


def build_parts(revision: str, radii: Mapping[str, int], read: RowsRead) -> IndexParts:
    """The file's arrays: CPU-bound (the multi-index sorts each table once), run in a thread."""
    parts = IndexParts(revision, dict(radii))
    parts.arrays["entries.offsets"] = np.frombuffer(read.offsets, dtype=np.uint64)
    parts.blob = bytes(read.blob)
    read.blob.clear()
    for name, entry_numbers in read.numbers.items():
        kept = np.frombuffer(entry_numbers, dtype=np.int64)
        index = SIGNALS[name].index_for(radii[name])
        kind = kind_of(index)
        if kind == "mih":
            assert isinstance(index, MultiIndexHashIndex)
            index.add_packed(np.concatenate(read.packed.pop(name)), list(kept))
            parts.arrays |= {f"{name}.{key}": values for key, values in index.arrays().items()}
        elif kind == "exact":
            exact = SortedExactIndex.build(np.concatenate(read.packed.pop(name)), kept)
            parts.arrays |= {f"{name}.values": exact.keys.view(np.uint8).reshape(-1, exact.nbytes),
                             f"{name}.numbers": exact.numbers}  # fmt: skip
        else:
            parts.arrays[f"{name}.numbers"] = kept
    return parts


def write_parts(path: Path, parts: IndexParts) -> None:
    """The file, written beside ``path`` and renamed over it (owner-only: it names cases and labels)."""
    layout: dict[str, list[Any]] = {}
    chunks: list[bytes | memoryview] = []
    position = 0
    for name, saved in [*parts.arrays.items(), ("blob", np.frombuffer(parts.blob, dtype=np.uint8))]:
        data = np.ascontiguousarray(saved)
        pad = -position % ALIGN
        chunks.append(b"\0" * pad)
        position += pad
        layout[name] = [data.dtype.str, list(data.shape), position]
        chunks.append(data.reshape(-1).view(np.uint8).data)
        position += data.nbytes
    digest = hashlib.blake2b()
    for chunk in chunks:
        digest.update(chunk)
    header = {"format": FORMAT, "revision": parts.revision, "radii": parts.radii, "arrays": layout,
              "digest": digest.hexdigest()}  # fmt: skip
    head = json.dumps(header).encode()
    prefix = MAGIC + len(head).to_bytes(8, "little") + head
    prefix += b"\0" * (-len(prefix) % ALIGN)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "wb") as out:
        out.write(prefix)
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def read_parts(path: Path, revision: str, radii: Mapping[str, int]) -> IndexParts | None:
    """The saved arrays, mapped from ``path``, if it is the file of this revision and these radii and its
    digest matches; ``None`` (and why, in the log) otherwise."""
    try:
        with path.open("rb") as stream:
            mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:  # absent, unreadable, or empty
        log.info("matching index %s not used: %s", path, exc)
        return None
    reason, parts = _parse(memoryview(mapped), revision, radii)
    if parts is None:
        log.warning("matching index %s not used: %s; building it again", path, reason)
    return parts


def _parse(view: memoryview, revision: str, radii: Mapping[str, int]) -> tuple[str, IndexParts | None]:
    if bytes(view[: len(MAGIC)]) != MAGIC:
        return "not an index file", None
    size = int.from_bytes(view[len(MAGIC) : len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8
    try:
        header = json.loads(bytes(view[start : start + size]))
    except ValueError:
        return "its header is damaged", None
    if header.get("format") != FORMAT:
        return f"format {header.get('format')!r}, this version reads {FORMAT}", None
    if header.get("revision") != revision or header.get("radii") != dict(radii):
        return "the blocklist or the match radii changed since it was built", None
    body = start + size + (-(start + size) % ALIGN)
    if hashlib.blake2b(view[body:]).hexdigest() != header.get("digest"):
        return "its digest does not match (damaged)", None
    parts = IndexParts(revision, dict(radii))
    try:
        for name, (dtype, shape, offset) in header["arrays"].items():
            count = int(np.prod(shape))
            mapped = np.frombuffer(view, dtype=np.dtype(dtype), count=count, offset=body + offset).reshape(shape)
            if name == "blob":
                parts.blob = view[body + offset : body + offset + count]
            else:
                parts.arrays[name] = mapped
    except (KeyError, TypeError, ValueError) as exc:
        return f"its layout is damaged ({exc})", None
    return "", parts


def install(matcher: BlocklistMatcher, parts: IndexParts) -> None:
    """Put the saved indexes into ``matcher`` (its indexes must be empty)."""
    table = EntryTable(parts.blob, parts.arrays["entries.offsets"])
    for name, index in list(matcher.indexes.items()):
        numbers: SignalIndex[int]
        kind = kind_of(index)
        radius = matcher.rules[name].threshold
        if kind == "mih" and f"{name}.words" in parts.arrays:
            arrays = {
                key: parts.arrays[f"{name}.{key}"] for key in ("words", "offsets", "ids", "table_words", "entries")
            }
            numbers = MultiIndexHashIndex.from_arrays(SIGNALS[name].bits, radius, arrays)
        elif kind == "exact" and f"{name}.values" in parts.arrays:
            numbers = SortedExactIndex(parts.arrays[f"{name}.values"], parts.arrays[f"{name}.numbers"])
        else:
            numbers = SIGNALS[name].index_for(radius)
            for number in parts.arrays.get(f"{name}.numbers", ()):
                numbers.add(table.entry(int(number)).value, int(number))
        matcher.indexes[name] = TableIndex(numbers, table)


async def load_blocklist(matcher: BlocklistMatcher, store: Store, data_dir: Path) -> str:
    """Fill ``matcher`` with the whole blocklist from the index file, built first if stale; leave out the
    withdrawn items. Returns the revision loaded (``blocklist_revision``)."""
    revision = await store.blocklist_revision()  # before the rows: entries added meanwhile mean a rebuild next time
    radii = {name: rule.threshold for name, rule in matcher.rules.items()}
    path = data_dir / INDEX_FILE
    parts = await asyncio.to_thread(read_parts, path, revision, radii)
    if parts is None:
        parts = await asyncio.to_thread(build_parts, revision, radii, await read_rows(store))
        try:
            await asyncio.to_thread(write_parts, path, parts)
        except OSError as exc:  # a full disk or a read-only data directory: match from memory, rebuild next time
            log.warning("matching index %s not written: %s; the next start builds it again", path, exc)
    await asyncio.to_thread(install, matcher, parts)
    matcher.withdraw(item.id for item in await store.blocklist_items(state=ItemState.WITHDRAWN))
    return revision

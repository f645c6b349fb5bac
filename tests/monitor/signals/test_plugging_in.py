"""Adding a hash type is one module: a signal defined here, and registered, is fingerprinted, matched, read
from hash lists, kept by the stores and retro-matched, with no other change.

``DhashSignal`` is what such a module holds (a difference hash: is each pixel of a 9×8 thumbnail brighter
than its left neighbour?). In production it would be ``monitor/signals/dhash.py`` plus a line in the
registry (``monitor/signals/__init__.py``), which is also how the hash pool's worker processes get it;
here ``monkeypatch`` adds it to the registry for one test. The contract every signal passes runs on it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from monitor.demo.pictures import encode, make_picture, mirrored, resized
from monitor.fingerprint.media import fingerprint_file
from monitor.matching.hash_lists import read_blocklist
from monitor.matching.matcher import BlocklistMatcher
from monitor.matching.retro import find_retro_matches
from monitor.records import BlocklistEntry
from monitor.signals import SIGNALS, MatchRule, PictureHashes, PictureSignal, SignalType
from monitor.signals.bits import bits_to_hex
from monitor.store import MongoStore, SqliteStore
from monitor.store.base import Store
from tests.contracts.signal_contract import SignalContract

TURNS = (
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)


def dhash(picture: Image.Image) -> str:
    grey = np.asarray(picture.convert("L").resize((9, 8), Image.Resampling.BILINEAR), dtype=np.int16)
    return bits_to_hex((grey[:, 1:] > grey[:, :-1]).ravel())


class DhashSignal(PictureSignal):
    """dHash: 64 bits, compared by Hamming distance."""

    name = "dhash"
    bits = 64
    label = "dHash"
    default_rule = MatchRule(10, variant_threshold=6)
    mirror_variant = 0  # TURNS[0]

    @classmethod
    def hash_picture(cls, picture: Image.Image) -> PictureHashes:
        return PictureHashes(dhash(picture), tuple(dhash(picture.transpose(turn)) for turn in TURNS))


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[SignalType]]:
    monkeypatch.setitem(SIGNALS, DhashSignal.name, DhashSignal)
    yield DhashSignal


class TestDhashSignal(SignalContract):
    @pytest.fixture
    def signal(self, registered: type[SignalType]) -> type[SignalType]:
        return registered


def write(folder: Path, name: str, picture: Image.Image) -> Path:
    path = folder / name
    path.write_bytes(encode(picture))
    return path


@pytest.mark.usefixtures("registered")
def test_fingerprinting_computes_the_new_signal_with_its_variants(tmp_path: Path) -> None:
    fingerprints = fingerprint_file(write(tmp_path, "p.jpg", make_picture(21)))
    assert DhashSignal.validate(fingerprints.values["dhash"]) == fingerprints.values["dhash"]
    assert len(fingerprints.variants["dhash"]) >= 7 and {"pdq", "phash"} <= set(fingerprints.values)


@pytest.mark.usefixtures("registered")
def test_the_matcher_finds_copies_by_the_new_signal_alone(tmp_path: Path) -> None:
    original = fingerprint_file(write(tmp_path, "o.jpg", make_picture(22)))
    entry = BlocklistEntry("dhash", original.values["dhash"], "case-d")
    matcher = BlocklistMatcher()
    matcher.add([entry])
    for name, copy in (("resized.jpg", resized(make_picture(22), 0.5)), ("mirrored.jpg", mirrored(make_picture(22)))):
        hits = matcher.match(fingerprint_file(write(tmp_path, name, copy)))
        assert [(hit.hash_type, hit.case) for hit in hits] == [("dhash", "case-d")], name
    unrelated = fingerprint_file(write(tmp_path, "u.jpg", ImageOps.flip(make_picture(23))))
    assert matcher.match(unrelated) == ()


@pytest.mark.usefixtures("registered")
def test_a_hash_list_may_name_the_new_signal(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("hash_type,hash,case,label\ndhash, 00FF00FF00FF00FF ,case-d,x\n")
    assert [(e.hash_type, e.value) for e in read_blocklist(path)] == [("dhash", "00ff00ff00ff00ff")]


@pytest.fixture(params=["sqlite", "inmemory-mongo-standin"])
async def store(request: pytest.FixtureRequest, registered: type[SignalType], tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened: Store = SqliteStore(tmp_path / "store.sqlite3")
    else:
        from pymongo_async_mock import AsyncMongoMockClient

        opened = MongoStore(AsyncMongoMockClient(tz_aware=True), "jikimi_test")
    await opened.open()
    yield opened
    await opened.close()


async def test_the_stores_keep_the_new_signal_and_retro_matching_finds_media_seen_before(
    store: Store, tmp_path: Path
) -> None:
    copy = fingerprint_file(write(tmp_path, "c.jpg", mirrored(resized(make_picture(24), 0.7))))
    await store.put_fingerprints(copy)
    (row,) = await store.perceptual_rows("", 10)
    assert row.hashes["dhash"] == (copy.values["dhash"], copy.variants["dhash"][DhashSignal.mirror_variant])
    original = fingerprint_file(write(tmp_path, "o.jpg", make_picture(24)))
    found = await find_retro_matches(store, [BlocklistEntry("dhash", original.values["dhash"], "case-d")])
    assert [(hit.hash_type, hit.case) for hit in found.by_media[copy.sha256]] == [("dhash", "case-d")]


async def test_an_sqlite_data_directory_made_before_the_signal_gains_its_columns_and_keeps_its_media(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    earlier = fingerprint_file(write(tmp_path, "e.jpg", make_picture(25)))
    before = SqliteStore(path)
    await before.open()
    await before.put_fingerprints(earlier)
    await before.close()
    monkeypatch.setitem(SIGNALS, DhashSignal.name, DhashSignal)
    after = SqliteStore(path)
    await after.open()
    later = fingerprint_file(write(tmp_path, "l.jpg", make_picture(26)))
    await after.put_fingerprints(later)
    entries = [
        BlocklistEntry("pdq", earlier.values["pdq"], "case-old"),
        BlocklistEntry("dhash", later.values["dhash"], "case-new"),
    ]
    found = await find_retro_matches(after, entries)
    await after.close()
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(media)")}
    assert {"dhash", "dhash_mirror"} <= columns
    assert {sha: [hit.case for hit in hits] for sha, hits in found.by_media.items()} == {
        earlier.sha256: ["case-old"],
        later.sha256: ["case-new"],
    }

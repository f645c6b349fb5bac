from __future__ import annotations

import random

import pytest

from monitor.signals import hamming_distance
from monitor.signals.index import ExactIndex, HammingIndex


def random_hex(rng: random.Random, bits: int) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def flip_bits(rng: random.Random, value: str, count: int) -> str:
    number = int(value, 16)
    for bit in rng.sample(range(len(value) * 4), count):
        number ^= 1 << bit
    return f"{number:0{len(value)}x}"


@pytest.mark.parametrize("bits,radius", [(256, 31), (64, 10)])
def test_hamming_index_finds_exactly_what_a_brute_force_scan_finds(bits: int, radius: int) -> None:
    rng = random.Random(bits)
    centres = [random_hex(rng, bits) for _ in range(20)]
    values = [flip_bits(rng, rng.choice(centres), rng.randrange(0, radius * 2 + 2)) for _ in range(600)]  # clustered
    values += [random_hex(rng, bits) for _ in range(400)]  # random
    index: HammingIndex[int] = HammingIndex(bits)
    for number, value in enumerate(values):
        index.add(value, number)
    for probe in centres + [random_hex(rng, bits) for _ in range(10)]:
        expected = {
            (n, hamming_distance(probe, v)) for n, v in enumerate(values) if hamming_distance(probe, v) <= radius
        }
        found = {(match.entry, match.distance) for match in index.query(probe, radius)}
        assert found == expected
        assert expected or probe not in centres  # the clustered probes do find neighbours


def test_an_entry_added_later_is_matchable_at_once() -> None:
    index: HammingIndex[str] = HammingIndex(64)
    assert index.query("0" * 16, 10) == []
    for number in range(40):  # past the initial buffer, so it has to grow
        index.add(f"{number:016x}", str(number))
    index.add("f" * 16, "late")
    assert [match.entry for match in index.query("f" * 15 + "e", 1)] == ["late"]


def test_exact_index_returns_every_entry_of_a_value() -> None:
    index: ExactIndex[str] = ExactIndex()
    index.add("aa", "first")
    index.add("aa", "second")
    assert [m.entry for m in index.query("aa")] == ["first", "second"]
    assert index.query("bb") == [] and len(index) == 2


from monitor.signals.mih import MultiIndexHashIndex  # noqa: E402


@pytest.mark.parametrize(("bits", "radius"), [(256, 31), (256, 3), (256, 0), (64, 10), (64, 6), (64, 0)])
@pytest.mark.parametrize("layout", ["built", "delta", "mixed"])
def test_multi_index_hashing_finds_exactly_what_a_brute_force_scan_finds(bits: int, radius: int, layout: str) -> None:
    rng = random.Random(bits * 100 + radius)
    centres = [random_hex(rng, bits) for _ in range(30)]
    values = [flip_bits(rng, rng.choice(centres), rng.randrange(0, radius * 2 + 2)) for _ in range(1500)]
    values += [random_hex(rng, bits) for _ in range(1500)]
    index: MultiIndexHashIndex[int] = MultiIndexHashIndex(bits, radius, delta_limit=10_000)
    if layout in ("built", "mixed"):
        split = len(values) if layout == "built" else len(values) // 2
        index.add_many(values[:split], list(range(split)))
    for number in range(len(index), len(values)):
        index.add(values[number], number)
    probes = centres + [flip_bits(rng, c, radius) for c in centres] + [random_hex(rng, bits) for _ in range(20)]
    for probe in probes:
        expected = {
            (n, hamming_distance(probe, v)) for n, v in enumerate(values) if hamming_distance(probe, v) <= radius
        }
        assert {(m.entry, m.distance) for m in index.query(probe, radius)} == expected


def test_a_radius_beyond_the_built_one_is_refused_rather_than_answered_inexactly() -> None:
    index: MultiIndexHashIndex[int] = MultiIndexHashIndex(64, 10)
    index.add_many(["0" * 16], [0])
    with pytest.raises(ValueError, match="beyond"):
        index.query("0" * 16, 20)


def test_the_delta_is_folded_into_the_tables_when_it_grows() -> None:
    index: MultiIndexHashIndex[int] = MultiIndexHashIndex(64, 10, delta_limit=5)
    for number in range(12):
        index.add(f"{number:016x}", number)
    assert len(index) == 12 and index.nbytes_beyond_hashes > 0
    assert {m.entry for m in index.query("0" * 16, 2)} == {n for n in range(12) if n.bit_count() <= 2}


from monitor.signals.frame_index import FrameIndex  # noqa: E402
from monitor.signals.index import SignalIndex  # noqa: E402

INDEXES = {
    "exact": lambda: ExactIndex(),
    "hamming": lambda: HammingIndex(64),
    "multi-index": lambda: MultiIndexHashIndex(64, 10),
    "frames": lambda: FrameIndex(64, 10),
}


@pytest.mark.parametrize("kind", sorted(INDEXES))
@pytest.mark.parametrize("bulk", [1, 1500], ids=["small", "large"])
def test_every_index_answers_a_batch_as_it_answers_each_value_after_adding_in_bulk(kind: str, bulk: int) -> None:
    rng = random.Random(bulk)
    values = [random_hex(rng, 64) for _ in range(bulk)]
    values += [flip_bits(rng, value, 3) for value in values[:5]]
    index: SignalIndex[int] = INDEXES[kind]()
    index.add_many(values[:bulk], list(range(bulk)))
    for number in range(bulk, len(values)):
        index.add(values[number], number)
    assert len(index) == len(values)
    probes = values[:5] + [random_hex(rng, 64)]
    expected = [sorted((m.entry, m.distance) for m in index.query(probe, 10)) for probe in probes]
    assert [sorted((m.entry, m.distance) for m in found) for found in index.query_batch(probes, 10)] == expected
    assert all(any(distance == 0 for _, distance in found) for found in expected[:-1])  # each finds itself


def test_a_video_entry_reports_the_share_of_its_frames_found_and_their_median_distance() -> None:
    frames = ["0" * 16, "f" * 16, "0f" * 8, "f0" * 8]
    index: FrameIndex[str] = FrameIndex(64, 10)
    index.add(",".join(frames), "clip")
    (match,) = index.query(",".join([frames[0], "0" * 15 + "3", frames[1]]), 10)  # frame 0 twice: once counted
    assert (match.entry, match.share, match.distance, match.matched) == ("clip", 0.5, 0, "frames 2/4")
    assert index.query("3c" * 8, 10) == []

from __future__ import annotations

from crawlers.sighting import Fingerprints
from monitor.matching.matcher import BlocklistMatcher
from monitor.records import BlocklistEntry

PDQ = "f" * 64
NEAR_PDQ = "0" * 4 + "f" * 60  # 16 bits away


def matcher(*entries: BlocklistEntry) -> BlocklistMatcher:
    found = BlocklistMatcher()  # default rules: PDQ within 31 bits and at least quality 50, pHash within 10
    found.add(entries)
    return found


def test_an_entry_is_hit_once_at_the_smallest_distance_any_variant_reaches() -> None:
    entry = BlocklistEntry("pdq", PDQ, "case-1")
    fingerprints = Fingerprints({"sha256": "a" * 64, "pdq": NEAR_PDQ}, {"pdq": (PDQ,)}, pdq_quality=90)
    (hit,) = matcher(entry).match(fingerprints)
    assert (hit.entry_id, hit.distance, hit.matched_value) == (entry.id, 0, PDQ)


def test_pdq_of_a_flat_low_quality_picture_is_not_trusted() -> None:
    fingerprints = Fingerprints({"sha256": "a" * 64, "pdq": PDQ}, pdq_quality=10)
    assert matcher(BlocklistEntry("pdq", PDQ, "case-1")).match(fingerprints) == ()


def test_exact_hashes_match_only_exactly() -> None:
    entry = BlocklistEntry("sha256", "a" * 64, "case-1", "label")
    assert len(matcher(entry).match(Fingerprints({"sha256": "a" * 64}))) == 1
    assert matcher(entry).match(Fingerprints({"sha256": "b" + "a" * 63})) == ()


def test_a_distance_beyond_the_threshold_is_no_match() -> None:
    far = "0" * 12 + "f" * 52  # 48 bits away
    fingerprints = Fingerprints({"sha256": "a" * 64, "pdq": far}, pdq_quality=90)
    assert matcher(BlocklistEntry("pdq", PDQ, "case-1")).match(fingerprints) == ()


def test_a_hit_carries_its_item_and_the_entry_s_own_hash_beside_the_probe_that_found_it() -> None:
    entry = BlocklistEntry("pdq", PDQ, "case-1", item_id="item-1")
    mirrored = Fingerprints({"sha256": "a" * 64, "pdq": "1" * 64}, {"pdq": (NEAR_PDQ,)}, pdq_quality=90)
    (hit,) = matcher(entry).match(mirrored)
    assert (hit.item_id, hit.entry_value, hit.matched_value, hit.distance) == ("item-1", PDQ, NEAR_PDQ, 16)

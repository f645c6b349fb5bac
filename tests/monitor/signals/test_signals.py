"""The registry of hash types, the contract every registered one passes, and the match rules they declare."""

from __future__ import annotations

import pytest

from monitor.demo.pictures import make_picture
from monitor.errors import UnknownHashType
from monitor.signals import SIGNALS, MatchRule, PdqSignal, PhashSignal, SignalType, hamming_distance, signal_for
from tests.contracts.signal_contract import SignalContract


class TestRegisteredSignals(SignalContract):
    @pytest.fixture(params=sorted(SIGNALS))
    def signal(self, request: pytest.FixtureRequest) -> type[SignalType]:
        return SIGNALS[request.param]


def test_names_are_unique_and_each_is_its_signals_own() -> None:
    assert [name for name, signal in SIGNALS.items() if signal.name != name] == []


def test_an_unknown_hash_type_is_refused_with_a_hint() -> None:
    assert signal_for(" PDQ ") is PdqSignal
    with pytest.raises(UnknownHashType, match="did you mean 'phash'"):
        signal_for("phsh")


def test_a_variant_radius_is_the_stricter_one_but_never_above_the_threshold() -> None:
    assert MatchRule(10, variant_threshold=6).variant_radius == 6
    assert MatchRule(4, variant_threshold=6).variant_radius == 4
    assert MatchRule(31).variant_radius == 31


def test_a_rule_trusts_values_at_or_above_its_quality_floor_and_signals_without_one() -> None:
    rule = MatchRule(31, min_quality=50)
    assert rule.trusts(50) and not rule.trusts(49) and rule.trusts(None)


def test_a_rule_accepts_a_variant_match_only_within_the_variant_radius_and_enough_of_an_entry() -> None:
    rule = MatchRule(10, variant_threshold=6, min_share=0.5)
    assert rule.accepts(9, 1.0, variant=False) and not rule.accepts(9, 1.0, variant=True)
    assert rule.accepts(6, 0.5, variant=True) and not rule.accepts(0, 0.4, variant=False)


def test_the_default_rules_are_those_of_meta_and_of_our_robustness_measurements() -> None:
    assert PdqSignal.default_rule == MatchRule(31, min_quality=50)
    assert PhashSignal.default_rule == MatchRule(10, variant_threshold=6)
    assert SIGNALS["video_pdq"].default_rule == MatchRule(31, min_share=0.5)
    assert SIGNALS["sha256"].default_rule.threshold == SIGNALS["md5"].default_rule.threshold == 0


@pytest.mark.parametrize("seed", range(12))
def test_our_phash_is_imagehash_phash_bit_for_bit_and_its_mirror_is_the_mirrors_phash(seed: int) -> None:
    import imagehash
    from PIL import ImageOps

    picture = make_picture(seed, (300 + 7 * seed, 200 + 5 * seed))
    hashes = PhashSignal.hash_picture(picture)
    assert hashes.value == str(imagehash.phash(picture))
    mirrored = hashes.variants[PhashSignal.mirror_variant]
    assert hamming_distance(mirrored, str(imagehash.phash(ImageOps.mirror(picture)))) <= 1


@pytest.mark.parametrize("seed", range(4))
def test_the_pdq_mirror_variant_is_the_pdq_of_the_picture_mirrored_left_right(seed: int) -> None:
    from PIL import ImageOps

    picture = make_picture(seed, (320, 240))
    mirrored = PdqSignal.hash_picture(picture).variants[PdqSignal.mirror_variant]
    assert hamming_distance(mirrored, PdqSignal.hash_plain(ImageOps.mirror(picture))) <= 8

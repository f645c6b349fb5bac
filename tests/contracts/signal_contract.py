"""What every signal type must do, written once (python-threatexchange's ``SignalTypeAutoTest``).

A test class subclasses ``SignalContract`` and provides a ``signal`` fixture: ``tests/monitor/signals/
test_signals.py`` runs it on every registered signal, ``tests/monitor/signals/test_plugging_in.py`` on a
signal defined in a test. The tests use only what ``SignalType`` declares, plus the hashing hook of the
signal's kind, so a new signal passes them without a line of its own.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np
import pytest

from crawlers.sighting import Fingerprints
from monitor.demo.pictures import make_picture
from monitor.matching.matcher import BlocklistMatcher
from monitor.records import BlocklistEntry
from monitor.signals import SIGNALS, ExactSignal, FrameSignal, PictureSignal, SignalType


def fingerprints_with(signal: type[SignalType], value: str) -> Fingerprints:
    """Fingerprints of a media whose value of ``signal`` is ``value`` (a trusted quality, where one counts)."""
    if isinstance(signal, type) and issubclass(signal, FrameSignal):
        return Fingerprints({"sha256": "e" * 64}, frames=tuple(value.split(",")))
    return Fingerprints({"sha256": "e" * 64, signal.name: value}, pdq_quality=100)


def malformed(example: str) -> list[str]:
    return ["", "not a hash", example[:-1], example + "0", "g" * len(example)]


class SignalContract:
    """Every test takes the ``signal`` fixture of the subclass."""

    def test_its_name_is_a_lowercase_identifier_and_registered_under_it(self, signal: type[SignalType]) -> None:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", signal.name)  # it names store columns
        assert SIGNALS[signal.name] is signal

    def test_its_examples_are_valid_and_already_normalised(self, signal: type[SignalType]) -> None:
        examples = signal.examples()
        assert len(examples) >= 2 and len(set(examples)) == len(examples)
        assert [signal.validate(example) for example in examples] == examples

    def test_a_value_is_normalised_from_capitals_and_spaces(self, signal: type[SignalType]) -> None:
        for example in signal.examples():
            assert signal.validate(f"  {example.upper()} ") == example

    @pytest.mark.parametrize("case", range(5))
    def test_a_malformed_value_is_refused_naming_it(self, signal: type[SignalType], case: int) -> None:
        bad = malformed(signal.examples()[-1])[case]
        with pytest.raises(ValueError, match=re.escape(repr(bad)[:40])):
            signal.validate(bad)

    def test_every_example_matches_itself_at_distance_zero_in_its_index(self, signal: type[SignalType]) -> None:
        examples = signal.examples()
        index = signal.index_for(signal.default_rule.threshold)
        index.add_many(examples, list(range(len(examples))))
        assert len(index) == len(examples)
        for number, example in enumerate(examples):
            found = {(match.entry, match.distance, match.share) for match in index.query(example, 0)}
            assert (number, 0, 1.0) in found

    def test_its_index_answers_a_batch_as_it_answers_each_value(self, signal: type[SignalType]) -> None:
        examples = signal.examples()
        threshold = signal.default_rule.threshold
        index = signal.index_for(threshold)
        index.add(examples[0], "added alone")
        index.add_many(examples[1:], [f"example {n}" for n in range(1, len(examples))])
        batch = index.query_batch(examples, threshold)
        assert [sorted(map(repr, found)) for found in batch] == [
            sorted(map(repr, index.query(example, threshold))) for example in examples
        ]

    def test_the_matcher_hits_an_entry_with_a_media_of_the_same_value(self, signal: type[SignalType]) -> None:
        example = signal.examples()[-1]
        entry = BlocklistEntry(signal.name, example, "case-contract")
        matcher = BlocklistMatcher()
        matcher.add([entry])
        hits = matcher.match(fingerprints_with(signal, example))
        assert [(hit.entry_id, hit.hash_type, hit.distance) for hit in hits] == [(entry.id, signal.name, 0)]

    def test_what_it_keeps_per_media_comes_from_its_fingerprints(self, signal: type[SignalType]) -> None:
        example = signal.examples()[-1]
        kept = signal.kept_values(fingerprints_with(signal, example))
        assert len(kept) <= len(signal.kept_columns()) and (not kept or kept[0] == example)

    def test_its_hashing_hook_computes_valid_values(self, signal: type[SignalType]) -> None:
        picture = make_picture(3, (200, 150))
        computed: list[Any]
        if isinstance(signal, type) and issubclass(signal, ExactSignal):
            hasher = signal.new_hasher()
            hasher.update(b"some bytes")
            computed = [hasher.hexdigest()]
            assert computed != [hashlib.sha256(b"other bytes").hexdigest()]
        elif isinstance(signal, type) and issubclass(signal, PictureSignal):
            hashes = signal.hash_picture(picture)
            assert len(hashes.variants) == 7 and 0 <= signal.mirror_variant < 7
            assert (hashes.quality is not None) == signal.reports_quality
            computed = [hashes.value, *hashes.variants, signal.hash_plain(picture)]
        elif isinstance(signal, type) and issubclass(signal, FrameSignal):
            value, quality = signal.hash_frame(np.asarray(picture))
            computed = [value]
            assert isinstance(quality, int)
        else:
            pytest.fail(f"{signal.name} is of no kind jikimi can compute (ExactSignal, PictureSignal, FrameSignal)")
        assert [signal.validate(value) for value in computed] == computed

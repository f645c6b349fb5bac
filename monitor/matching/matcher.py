"""Match a media file's fingerprints against the blocklist: one index per registered signal, one rule each.

For every signal the matcher asks the signal for its index (``index_for``), for what to query
(``probes``: the media's value, then its variants — mirrored, rotated, border-trimmed, cropped) and for
its quality; it names no signal. An entry is hit once, at the smallest distance any probe reached. The
``MatchRule`` of each signal (``monitor/signals/base.py``) decides the rest: a value below the signal's
``min_quality`` is not trusted (PDQ of flat pictures); a match that involves a variant on either side must
be within the stricter ``variant_radius`` (pHash: 6); an entry made of parts (a video's frames) needs
``min_share`` of them found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from crawlers.sighting import BlocklistHit, Fingerprints
from monitor.records import BlocklistEntry
from monitor.signals import SIGNALS, IndexMatch, MatchRule, SignalIndex, SignalType, signal_for


def rules_for(rules: Mapping[str, MatchRule] | None = None) -> dict[str, MatchRule]:
    """A rule for every registered signal: the one given, else the signal's default."""
    given = rules or {}
    return {name: given.get(name, signal.default_rule) for name, signal in SIGNALS.items()}


def hit_of(entry: BlocklistEntry, distance: int, matched: str) -> BlocklistHit:
    """A hit of ``entry``: ``matched`` is the media's side (the probe), the entry brings its item and own hash."""
    return BlocklistHit(
        entry.id, entry.hash_type, entry.case, entry.label, distance, matched, entry.item_id, entry.value
    )


class BlocklistMatcher:
    """Holds an index per registered signal; ``add`` makes new entries matchable at once, ``withdraw`` stops
    matching an item's entries at once (the indexes keep them: a withdrawal never costs a rebuild)."""

    def __init__(self, rules: Mapping[str, MatchRule] | None = None) -> None:
        self.rules = rules_for(rules)
        self.withdrawn: set[str] = set()
        self.signals: dict[str, type[SignalType]] = dict(SIGNALS)
        self.indexes: dict[str, SignalIndex[BlocklistEntry]] = {
            name: signal.index_for(self.rules[name].threshold) for name, signal in self.signals.items()
        }

    def add(self, entries: Iterable[BlocklistEntry]) -> None:
        """Make entries matchable, one batch per signal. CPU-bound for a large list: callers on the event
        loop run it in a thread (``MonitorContext.matcher``)."""
        by_type: dict[str, list[BlocklistEntry]] = {}
        for entry in entries:
            by_type.setdefault(entry.hash_type, []).append(entry)
        for hash_type, group in by_type.items():
            self.indexes[signal_for(hash_type).name].add_many([entry.value for entry in group], group)

    def withdraw(self, item_ids: Iterable[str]) -> None:
        """Match none of these items' entries any more, from the next ``match`` on."""
        self.withdrawn.update(item_ids)

    def __len__(self) -> int:
        """Entries indexed, those of withdrawn items included."""
        return sum(len(index) for index in self.indexes.values())

    def match(self, fingerprints: Fingerprints) -> tuple[BlocklistHit, ...]:
        best: dict[str, BlocklistHit] = {}
        for name, signal in self.signals.items():
            for probe, found in self._matches(name, signal, fingerprints):
                entry, current = found.entry, best.get(found.entry.id)
                if current is None or found.distance < current.distance:
                    best[entry.id] = hit_of(entry, found.distance, found.matched or probe)
        return tuple(sorted(best.values(), key=lambda hit: (hit.distance, hit.entry_id)))

    def _matches(
        self, name: str, signal: type[SignalType], fingerprints: Fingerprints
    ) -> Iterator[tuple[str, IndexMatch[BlocklistEntry]]]:
        """(probe, match) for every match of one signal that its rule accepts."""
        index, rule = self.indexes[name], self.rules[name]
        if len(index) == 0 or not rule.trusts(signal.quality_of(fingerprints)):
            return
        probes = signal.probes(fingerprints)
        answers = index.query_batch(probes, rule.threshold) if probes else []
        for number, (probe, matches) in enumerate(zip(probes, answers, strict=True)):
            for found in matches:
                if found.entry.item_id in self.withdrawn:
                    continue
                if rule.accepts(found.distance, found.share, variant=bool(number or found.entry.variant)):
                    yield probe, found

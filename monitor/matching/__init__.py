"""Matching fingerprints against the blocklist: the matcher, hash lists, victim intake and retro-matching of
media seen before. Each signal brings its own index (``monitor/signals/``)."""

from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
from monitor.matching.intake import ImageIntake, hash_pictures
from monitor.matching.matcher import BlocklistMatcher, rules_for
from monitor.matching.retro import RetroReport, find_retro_matches, retro_match

__all__ = [
    "BlocklistMatcher",
    "ImageIntake",
    "RetroReport",
    "find_retro_matches",
    "hash_pictures",
    "read_blocklist",
    "retro_match",
    "rules_for",
    "write_blocklist_csv",
]

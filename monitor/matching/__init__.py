"""Matching fingerprints against the blocklist: the matcher, hash lists, victim intake and retro-matching of
media seen before. Each signal brings its own index (``monitor/signals/``).

The names below are imported on first use (``config/lazy_imports.py``): reading a hash list must not
load the hashing libraries that intake and retro-matching need."""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
    from monitor.matching.intake import ImageIntake, hash_pictures
    from monitor.matching.matcher import BlocklistMatcher, rules_for
    from monitor.matching.retro import RetroReport, find_retro_matches, retro_match
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.matching.hash_lists": ("read_blocklist", "write_blocklist_csv"),
            "monitor.matching.intake": ("ImageIntake", "hash_pictures"),
            "monitor.matching.matcher": ("BlocklistMatcher", "rules_for"),
            "monitor.matching.retro": ("RetroReport", "find_retro_matches", "retro_match"),
        },
    )

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

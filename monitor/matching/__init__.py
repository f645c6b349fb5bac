"""Matching fingerprints against the blocklist: the matcher, video matching, hash lists, victim intake and
retro-matching of media seen before."""

from monitor.matching.hash_lists import read_blocklist, write_blocklist_csv
from monitor.matching.intake import ImageIntake, hash_pictures
from monitor.matching.matcher import BlocklistMatcher
from monitor.matching.retro import RetroReport, find_retro_matches, retro_match
from monitor.matching.video_index import VideoIndex

__all__ = [
    "BlocklistMatcher",
    "ImageIntake",
    "RetroReport",
    "VideoIndex",
    "find_retro_matches",
    "hash_pictures",
    "read_blocklist",
    "retro_match",
    "write_blocklist_csv",
]

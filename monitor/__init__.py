"""Monitor: hash, match, preserve and store what the crawlers see; the CLI and wiring live here."""

from monitor.blocklist import hash_pictures, read_blocklist, write_blocklist_csv
from monitor.hash_pool import HashPool
from monitor.hashing import fingerprint_file
from monitor.matcher import BlocklistMatcher
from monitor.pipeline import EvidenceSettings, Pipeline
from monitor.records import BlocklistEntry, HitRecord, PacketRecord, RunRecord

__all__ = [
    "BlocklistEntry",
    "BlocklistMatcher",
    "EvidenceSettings",
    "HashPool",
    "HitRecord",
    "PacketRecord",
    "Pipeline",
    "RunRecord",
    "fingerprint_file",
    "hash_pictures",
    "read_blocklist",
    "write_blocklist_csv",
]

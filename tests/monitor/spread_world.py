"""A small monitored world for the spread views, written straight into a store (no crawl, no pictures).

Item ``picture 1`` of case-7 (a SHA-256 and a PDQ signal) was seen as two media files:

- the original (``ORIGINAL``) first in @kanal9, message 12, posted by @mun_42 — two hits (sha256, pdq),
  confirmed, packet ``p-kanal9``, re-checked online and later removed;
- the same file forwarded from @kanal9's message 12 into @relay, message 5, a day later — pending, unchecked;
- a crop (``CROP``) on a web forum two days later — confirmed, still online at its re-check.

Item ``picture 2`` of case-8 was posted in @kanal9 too, by someone else (``Ann``, a signature): a
distributor's page shows both, a case-7 bundle must show only case-7's places.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawlers.sighting import Distributor, Fingerprints, ForwardedFrom, Media, Sighting
from evidence.custody import CustodyKind
from monitor.packets.custody_log import append_event
from monitor.records import BlocklistEntry, HitRecord, HitStatus, RunRecord, RunStatus
from monitor.store.base import Store

DAY = timedelta(days=1)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ORIGINAL, CROP, OTHER = "1a" * 32, "2b" * 32, "3c" * 32
ITEM, OTHER_ITEM = "item-picture-1", "item-picture-2"
KANAL9, RELAY, FORUM = "tg-kanal9", "tg-relay", "forum-watch"
ENTRIES = (
    BlocklistEntry("sha256", ORIGINAL, "case-7", "picture 1", item_id=ITEM),
    BlocklistEntry("pdq", "f0" * 32, "case-7", "picture 1", item_id=ITEM),
    BlocklistEntry("sha256", OTHER, "case-8", "picture 2", item_id=OTHER_ITEM),
)
MUN = Distributor(channel_id="-1009", channel_username="kanal9", channel_title="Kanal 9", message_id=12,
                  sender_id="777", sender_username="mun_42", sender_name="Mun", posted_at=T0 - DAY)  # fmt: skip
FORWARDED = Distributor(
    channel_id="-1005", channel_username="relay", channel_title="Relay", message_id=5,
    forwarded_from=ForwardedFrom(peer_id="-1009", name="Kanal 9", message_id=12, date=T0 - DAY),
)  # fmt: skip
ANN = Distributor(channel_username="kanal9", channel_title="Kanal 9", message_id=40, author_signature="Ann")


def sighting(source: str, kind: str, location: str, sha256: str, seen: datetime, who: Distributor) -> Sighting:
    media = Media(location + "/media.jpg", sha256=sha256)
    return Sighting(source, kind, location, seen, media, who, fingerprints=Fingerprints({"sha256": sha256}))


SIGHTINGS = {
    "kanal9": sighting(KANAL9, "telegram", "https://t.me/kanal9/12", ORIGINAL, T0, MUN),
    "relay": sighting(RELAY, "telegram", "https://t.me/relay/5", ORIGINAL, T0 + DAY, FORWARDED),
    "forum": sighting(FORUM, "web", "https://forum.example/t/1", CROP, T0 + 2 * DAY, Distributor(page_title="=cmd()")),
    "ann": sighting(KANAL9, "telegram", "https://t.me/kanal9/40", OTHER, T0 + 3 * DAY, ANN),
}


def hit(name: str, entry: BlocklistEntry, status: HitStatus, packet: str | None, distance: int = 0) -> HitRecord:
    s = SIGHTINGS[name]
    return HitRecord(
        s.id, entry.id, entry.hash_type, entry.case, entry.label, distance, "00" * 32, s.source_id, s.location,
        s.media.url, s.fingerprints.sha256 if s.fingerprints else "", s.distributor.posted_at, s.seen_at,
        packet, status, s.seen_at, source_kind=s.source_kind, item_id=entry.item_id, entry_value=entry.value,
    )  # fmt: skip


SHA, PDQ, OTHER_SHA = ENTRIES
HITS = (
    hit("kanal9", SHA, HitStatus.CONFIRMED, "p-kanal9"),
    hit("kanal9", PDQ, HitStatus.CONFIRMED, "p-kanal9", 4),
    hit("relay", SHA, HitStatus.PENDING, "p-relay"),
    hit("forum", PDQ, HitStatus.CONFIRMED, "p-forum", 12),
    hit("ann", OTHER_SHA, HitStatus.PENDING, "p-ann"),
)


async def fill(store: Store) -> None:
    """The world above, with its re-checks: kanal9 online, then removed; the forum online; relay never."""
    await store.add_blocklist_entries(ENTRIES)
    for found in SIGHTINGS.values():
        await store.put_sighting(found)
    for record in HITS:
        await store.put_hit(record)
    for chain, online in (("p-kanal9", True), ("p-kanal9", False), ("p-forum", True)):
        details = {"online": online, "result": "checked", "checked_at": "2026-11-05T00:00:00.000Z"}
        await append_event(store, chain, CustodyKind.RECHECKED, "jikimi", details, signer=None)
    await store.put_run(RunRecord("run-1", "quiet-site", T0, T0, RunStatus.OK))  # crawled, never matched

"""What an export adds for people: ``takedown.csv`` for deletion requests, ``index.html`` to read, and
``VERIFY.md`` with the stock commands that check the bundle offline. No pictures in any of them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import jinja2

from config.untrusted_text import spreadsheet_cell
from crawlers.sighting import Sighting
from evidence.canonical_json import utc_z
from monitor.records import HitRecord, PacketRecord

TAKEDOWN_COLUMNS = ("platform", "location", "media_url", "channel_id", "channel_username", "message_id",
                    "post_time_utc", "first_seen_utc", "still_online_at_last_check", "hash_entry_ids", "cases",
                    "packet_id")  # fmt: skip
TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("monitor.packets", "templates"), autoescape=True)


@dataclass(frozen=True, slots=True)
class ExportedPacket:
    packet: PacketRecord
    sighting: Sighting
    hits: Sequence[HitRecord]
    timestamp: str  # the authority's time, or "awaiting"
    last_check: str = "unknown (no re-check yet)"  # still online at the last removal re-check?


def takedown_csv(rows: Sequence[ExportedPacket]) -> bytes:
    """One row per exported packet's location: what a platform or a support centre needs to act. Every cell
    passes ``spreadsheet_cell``: a hostile page can put ``=HYPERLINK(…)`` into a location or a title."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TAKEDOWN_COLUMNS)
    for row in rows:
        s, d = row.sighting, row.sighting.distributor
        writer.writerow(spreadsheet_cell(str(cell)) for cell in (
            s.source_kind, s.location, s.media.url, d.channel_id or "", d.channel_username or "", d.message_id or "",
            utc_z(d.posted_at) or "", utc_z(s.seen_at) or "", row.last_check,
            " ".join(sorted({h.entry_id for h in row.hits})), " ".join(sorted({h.case for h in row.hits})),
            row.packet.id,
        ))  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def index_html(rows: Sequence[ExportedPacket], bundle: str, recipient: str, reason: str, hash_only: bool) -> bytes:
    packets = [
        {
            "packet_id": row.packet.id, "location": row.sighting.location,
            "where": row.sighting.distributor.channel_username or row.sighting.distributor.page_title or "",
            "posted": utc_z(row.sighting.distributor.posted_at) or "-", "captured": utc_z(row.sighting.seen_at),
            "cases": ", ".join(sorted({h.case for h in row.hits})),
            "matches": ", ".join(sorted({f"{h.hash_type} ({h.distance})" for h in row.hits})),
            "timestamp": row.timestamp,
        }
        for row in rows
    ]  # fmt: skip
    page = TEMPLATES.get_template("index.html.j2").render(
        packets=packets, bundle=bundle, recipient=recipient, reason=reason, hash_only=hash_only,
        exported_at=utc_z(datetime.now(UTC)),
    )  # fmt: skip
    return page.encode("utf-8")


VERIFY_MD = """# How to check this bundle

This bundle is a BagIt bag (RFC 8493). Everything here can be checked offline with stock tools, from the
folder the bundle was unzipped into. `jikimi verify {bundle}` runs all of these checks and names the first
file that fails. A bundle can only prove it is consistent with the key and the authority it carries itself:
pin them with what reached you apart from the bundle, `jikimi verify {bundle} --key <fingerprint the
operator gave you> --tsa-root <the authority's root certificate>`; without them it says NOT CHECKED.

1. The bag: every file under `data/` is listed with its SHA-256 and SHA-512, and the bag's own files
   (`bag-info.txt`, the manifests) in the tag manifests:

       sha256sum -c manifest-sha256.txt && sha512sum -c manifest-sha512.txt && sha256sum -c tagmanifest-sha256.txt

2. Each packet has its own manifest over its files (in a hash-only bundle the media lines report missing
   files; their digests are still stated):

       cd data/packets/<packet id> && sha256sum -c manifest-sha256.txt

   No file here runs when opened: the page as received is `page.html.txt` (its exact bytes; the page as
   shown is `capture.png`). A packet made by an older jikimi names it `page.html` in its manifest (and may
   name a media file `….html` or `….svg`); the bundle holds such a file with `.txt` added, so its line
   reports a missing file: compare `sha256sum page.html.txt` with that line.

3. Each packet manifest is signed with Ed25519 by the key in `data/public-key.pem`; compare
   `sha256sum data/public-key.pem` with the fingerprint the operator gave you:

       openssl pkeyutl -verify -pubin -inkey data/public-key.pem -rawin \\
           -in data/packets/<packet id>/manifest-sha256.txt -sigfile data/packets/<packet id>/manifest-sha256.txt.sig

4. Where a packet has `manifest-sha256.txt.tsr`, an RFC 3161 time-stamping authority certified when the
   manifest existed; its certificate chain is `data/tsa-chain.pem`:

       openssl ts -verify -data data/packets/<packet id>/manifest-sha256.txt \\
           -in data/packets/<packet id>/manifest-sha256.txt.tsr -CAfile data/tsa-chain.pem

5. `data/custody/<packet id>.jsonl` is the packet's chain of custody, one JSON event a line: each event's
   `hash` is the SHA-256 of its other fields but `signature` (canonical JSON, sorted keys), and each
   `prev_hash` is the `hash` of the event before it; the first event (`captured`) names the SHA-256 of the
   packet manifest. Each event's `signature` is the base64 Ed25519 signature, by the key in
   `data/public-key.pem`, of its `hash` written as 64 ASCII characters (events written before signing have
   none); the last event is this bundle's `exported` event. `data/custody-sha256.txt` lists the SHA-256 of
   every chain at export (`cd data && sha256sum -c custody-sha256.txt`), and its token dates them:

       openssl ts -verify -data data/custody-sha256.txt -in data/custody-sha256.txt.tsr -CAfile data/tsa-chain.pem

6. `documents-sha256.txt`, beside the bag's own files, lists with its SHA-256 every file that no packet
   signature covers: `bagit.txt`, `bag-info.txt`, the manifests and tag manifests, and under `data/` this
   file (`VERIFY.md`), `index.html`, `takedown.csv`, the spread files (`spread-items.csv`, `spread-items.json`,
   `spread-sources.csv`, `spread-sources.json`: every place the bundle's pictures and distributors were seen,
   within the bundle's cases), `public-key.pem`, `tsa-chain.pem` and the custody digests. Each must be there
   and unchanged, and there must be no other such file; the list is signed by the key in
   `data/public-key.pem` and, where it has `documents-sha256.txt.tsr`, time-stamped after the export:

       sha256sum -c documents-sha256.txt
       openssl pkeyutl -verify -pubin -inkey data/public-key.pem -rawin \\
           -in documents-sha256.txt -sigfile documents-sha256.txt.sig
       openssl ts -verify -data documents-sha256.txt -in documents-sha256.txt.tsr -CAfile data/tsa-chain.pem

All times are UTC (ISO 8601, `Z`).
"""


def verify_md(bundle: str) -> bytes:
    return VERIFY_MD.format(bundle=bundle).encode("utf-8")

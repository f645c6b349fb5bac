"""Evidence bundle cost: export and verify a bundle of 1,000 signed packets (with custody chains).

Packets are written from generated pictures (about 60 kB each), as the pipeline writes them: encrypted at
rest, signed, with a ``captured`` custody event. Export decrypts them into a BagIt bag and zips it;
verify validates the bag and every packet's manifest, signature and custody chain.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crawlers.sighting import BlocklistHit, Capture, Distributor, Fingerprints, Media, Sighting
from evidence.bundle import export_bundle
from evidence.custody import next_event
from evidence.packet import write_packet
from evidence.signing import public_key_pem, signing_key_from
from evidence.verify import verify_bundle
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.exact import exact_hashes

PACKETS = int(os.environ.get("BENCH_EVIDENCE_PACKETS", "1000"))
KEY = os.urandom(32)
SIGNER = signing_key_from(os.urandom(32))


def make_packets(folder: Path) -> tuple[list[Path], dict[str, bytes]]:
    page = folder / "page.html"
    page.write_text("<html><body>a synthetic thread</body></html>")
    when = datetime(2026, 11, 1, tzinfo=UTC)
    dirs, custody = [], {}
    for number in range(PACKETS):
        media = folder / "media.jpg"
        media.write_bytes(encode(make_picture(number % 50, (480, 360)), quality=80 + number % 15))
        location, media_url = f"http://forum.example/thread/{number}", f"http://forum.example/{number}.jpg"
        sighting = Sighting(
            "bench", "web", location, when, Media(media_url, media, "image/jpeg"),
            Distributor(page_title="thread"), Capture(when, "web", "bench", 200, (), None, page, "text/html"),
            Fingerprints(exact_hashes(media)), (BlocklistHit("e", "pdq", "case", "label", 3, "0" * 64),),
        )  # fmt: skip
        written = write_packet(sighting, folder / "evidence", KEY, "bench", SIGNER)
        event = next_event(None, written.id, "captured", "bench", {"manifest_sha256": written.manifest_sha256}, when)
        custody[f"custody/{written.id}.jsonl"] = (event.to_json_line() + "\n").encode()
        dirs.append(written.path)
    return dirs, custody


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        dirs, custody = make_packets(Path(folder))
        start = time.perf_counter()
        summary = export_bundle(
            dirs, Path(folder) / "bundle.zip", KEY, public_key=public_key_pem(SIGNER), extra=custody
        )
        export_seconds = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_bundle(summary.path)
        verify_seconds = time.perf_counter() - start
        size = summary.path.stat().st_size
    assert len(report.packets) == PACKETS
    result = {
        "packets": PACKETS,
        "bundle_mb": size / 1e6,
        "export_seconds": export_seconds,
        "verify_seconds": verify_seconds,
    }
    out = Path(__file__).parent / "results" / "evidence.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"evidence bundle ({PACKETS} packets, {size / 1e6:.0f} MB)")
    print(f"  export {export_seconds:.1f} s, verify {verify_seconds:.1f} s")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

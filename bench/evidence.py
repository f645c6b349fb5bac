"""Evidence bundle cost at two sizes 10× apart (100 and 1,000 signed packets by default): export and verify.

Packets are written from generated pictures (about 60 kB each), as the pipeline writes them: encrypted at
rest, signed, with a ``captured`` custody event. Export decrypts them into a BagIt bag (SHA-256 and SHA-512
manifests) and zips it; verify validates the bag and every packet's manifest, signature and custody chain.

Baselines, in the same rounds: for export, zipping the same packet folders as they lie on disk
(``shutil.make_archive``, deflate: the bytes moved, without decryption or manifests); for verify, reading
every file of the bundle and taking its SHA-256 (the least any check of a bundle does).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.timing import Samples, conditions, ratio, rounds, write_result
from crawlers.sighting import BlocklistHit, Capture, Distributor, Fingerprints, Media, Sighting
from evidence.bundle import export_bundle
from evidence.custody import next_event
from evidence.packet import write_packet
from evidence.signing import public_key_pem, signing_key_from
from evidence.verify import verify_bundle
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.exact import exact_hashes

LARGEST = int(os.environ.get("BENCH_EVIDENCE_PACKETS", "1000"))
SIZES = (LARGEST // 10, LARGEST)
KEY = os.urandom(32)
SIGNER = signing_key_from(os.urandom(32))


def make_packets(folder: Path, count: int) -> tuple[list[Path], dict[str, bytes]]:
    """``count`` packets under ``folder/evidence`` and their custody files (not timed)."""
    page = folder / "page.html"
    page.write_text("<html><body>a synthetic thread</body></html>")
    when = datetime(2026, 11, 1, tzinfo=UTC)
    dirs, custody = [], {}
    for number in range(count):
        media = folder / "media.jpg"
        media.write_bytes(encode(make_picture(number % 50, (480, 360)), quality=80 + number % 15))
        location, media_url = f"http://forum.example/thread/{number}", f"http://forum.example/{number}.jpg"
        sighting = Sighting(
            source_id="bench",
            source_kind="web",
            location=location,
            seen_at=when,
            media=Media(media_url, media, "image/jpeg"),
            distributor=Distributor(page_title="thread"),
            capture=Capture(when, "web", "bench", 200, (), None, page, "text/html"),
            fingerprints=Fingerprints(exact_hashes(media)),
            hits=(BlocklistHit("e", "pdq", "case", "label", 3, "0" * 64),),
        )
        written = write_packet(sighting, folder / "evidence", KEY, "bench", SIGNER)
        captured, exported = {"manifest_sha256": written.manifest_sha256}, {"export_id": "bench", "packets": count}
        event = next_event(None, written.id, "captured", "bench", captured, when, SIGNER)
        export = next_event(event, written.id, "exported", "bench", exported, when, SIGNER)
        custody[f"custody/{written.id}.jsonl"] = (event.to_json_line() + "\n" + export.to_json_line() + "\n").encode()
        dirs.append(written.path)
    return dirs, custody


def hash_every_member(bundle: Path) -> int:
    """The verify baseline: every file of the zip read and hashed; returns how many."""
    with zipfile.ZipFile(bundle) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        for name in names:
            hashlib.sha256(archive.read(name)).hexdigest()
    return len(names)


def measure_size(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        dirs, custody = make_packets(folder, count)
        bundle = folder / "bundle.zip"

        def one_round() -> dict[str, float]:
            start = time.perf_counter()
            shutil.make_archive(str(folder / "plain"), "zip", folder / "evidence")
            zipped = time.perf_counter() - start
            start = time.perf_counter()
            export_bundle(dirs, bundle, KEY, public_key=public_key_pem(SIGNER), extra=custody)
            exported = time.perf_counter() - start
            start = time.perf_counter()
            hash_every_member(bundle)
            hashed = time.perf_counter() - start
            start = time.perf_counter()
            report = verify_bundle(bundle)
            verified = time.perf_counter() - start
            assert len(report.packets) == count
            return {"zip": zipped, "export": exported, "hash": hashed, "verify": verified}

        timings = rounds(one_round)
        size = bundle.stat().st_size
    return {
        "size": count,
        "bundle_mb": size / 1e6,
        "export": timings["export"].to_json(),
        "baseline_zip_packet_folders": timings["zip"].to_json(),
        "export_over_baseline": ratio(timings["export"], timings["zip"]),
        "verify": timings["verify"].to_json(),
        "baseline_read_and_sha256_every_file": timings["hash"].to_json(),
        "verify_over_baseline": ratio(timings["verify"], timings["hash"]),
    }


def measure() -> dict[str, Any]:
    start = conditions()
    sizes = [measure_size(count) for count in SIZES]
    growth = {
        step: ratio(*(Samples(tuple(sizes[i][step]["samples"])) for i in (1, 0))) for step in ("export", "verify")
    }
    return {"conditions": start, "size_unit": "packets", "sizes": sizes, "cost_growth_at_10x_size": growth}


def main() -> None:
    result = measure()
    out = write_result("evidence", result)
    print("evidence bundle; best / median")
    for size in result["sizes"]:
        export, verify = size["export"], size["verify"]
        print(
            f"  {size['size']:>6,} packets ({size['bundle_mb']:.0f} MB): export {export['best']:.2f} / "
            f"{export['median']:.2f} s ({size['export_over_baseline']['best']:.1f}x a plain zip), verify "
            f"{verify['best']:.2f} / {verify['median']:.2f} s ({size['verify_over_baseline']['best']:.1f}x reading)"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""Fingerprinting speed, one core: jikimi's ``fingerprint_file`` against the same two hashes as a user writes them.

Baseline (per file), one decode at full size::

    img = Image.open(path).convert("RGB")
    imagehash.phash(img), pdqhash.compute(np.asarray(img))

jikimi computes more from its one reduced-size decode (SHA-256 and MD5, PDQ with its dihedral variants,
pHash, mirrored and border-trimmed variants), so the ratio understates the work per second. Each round
hashes all ``PICTURES`` with the baseline, then with jikimi. Also reported: how many bits jikimi's hashes
differ from the full-size baseline's (the price of the reduced decode).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pdqhash
from PIL import Image

from bench.timing import conditions, ratio, rounds, stopwatch, write_result
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.media import fingerprint_file
from monitor.signals import hamming_distance
from monitor.signals.bits import bits_to_hex

PICTURES = 40
SIZE = (1400, 1000)  # 1.4 MP


def baseline_hashes(path: Path) -> tuple[str, str]:
    """(PDQ, pHash) as hex, the way a user of the two libraries writes it: one decode, both hashes."""
    img = Image.open(path).convert("RGB")
    phash = str(imagehash.phash(img))
    bits, _quality = pdqhash.compute(np.asarray(img))
    return bits_to_hex(bits), phash


def write_pictures(folder: Path) -> list[Path]:
    paths = []
    for seed in range(PICTURES):
        path = folder / f"{seed}.jpg"
        path.write_bytes(encode(make_picture(seed, SIZE), quality=88))
        paths.append(path)
    return paths


def bits_apart(paths: list[Path]) -> dict[str, dict[str, float]]:
    """Median and largest Hamming distance between jikimi's PDQ/pHash and the full-size baseline's."""
    pairs = [(baseline_hashes(path), fingerprint_file(path).values) for path in paths]
    pdq = [hamming_distance(base[0], ours["pdq"]) for base, ours in pairs]
    phash = [hamming_distance(base[1], ours["phash"]) for base, ours in pairs]
    return {
        "pdq": {"median": statistics.median(pdq), "max": max(pdq)},
        "phash": {"median": statistics.median(phash), "max": max(phash)},
    }


def measure() -> dict[str, Any]:
    start = conditions()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_pictures(Path(folder))
        baseline_hashes(paths[0]), fingerprint_file(paths[0])  # warm up imports and caches
        timings = rounds(
            lambda: {
                "baseline": stopwatch(lambda: [baseline_hashes(path) for path in paths]),
                "jikimi": stopwatch(lambda: [fingerprint_file(path) for path in paths]),
            }
        )
        apart = bits_apart(paths)
    baseline, jikimi = timings["baseline"], timings["jikimi"]
    return {
        "conditions": start,
        "pictures": PICTURES,
        "megapixels": SIZE[0] * SIZE[1] / 1e6,
        "baseline": {
            "what": "one decode: Image.open(p).convert('RGB'), imagehash.phash(img), pdqhash.compute(np.asarray(img))",
            "seconds_for_all_pictures": baseline.to_json(),
            "pictures_per_s": baseline.per_second(PICTURES),
        },
        "jikimi": {
            "what": "fingerprint_file: exact hashes, PDQ and pHash with their variants, one reduced decode",
            "seconds_for_all_pictures": jikimi.to_json(),
            "pictures_per_s": jikimi.per_second(PICTURES),
        },
        "speedup_over_baseline": ratio(baseline, jikimi),
        "bits_from_baseline": apart,
    }


def main() -> None:
    result = measure()
    out = write_result("hashing", result)
    base, ours = result["baseline"]["pictures_per_s"], result["jikimi"]["pictures_per_s"]
    speedup = result["speedup_over_baseline"]
    print(f"hashing ({PICTURES} JPEGs of {result['megapixels']:.1f} MP, one core; best / median)")
    print(f"  baseline: {base['best']:.1f} / {base['median']:.1f} pictures/s")
    print(f"  jikimi:   {ours['best']:.1f} / {ours['median']:.1f} pictures/s")
    print(f"  speed-up: {speedup['best']:.2f}x / {speedup['median']:.2f}x")
    print(f"  bits from baseline: {result['bits_from_baseline']}")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

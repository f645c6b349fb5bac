"""Fingerprinting speed: jikimi's one-decode ``fingerprint_file`` against the naive baseline, per core.

Baseline (per file): ``imagehash.phash(Image.open(p))`` plus
``pdqhash.compute(np.asarray(Image.open(p).convert("RGB")))`` — two full-size decodes, no variants.
jikimi computes more (exact hashes, PDQ dihedral variants, mirrored and border-trimmed variants) from one
reduced-size decode. Also reported: how many bits jikimi's hashes differ from the baseline's.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image

from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.media import fingerprint_file
from monitor.signals import hamming_distance
from monitor.signals.bits import bits_to_hex

PICTURES = 40
SIZE = (1400, 1000)  # 1.4 MP


def naive(path: Path) -> tuple[str, str]:
    phash = str(imagehash.phash(Image.open(path)))
    bits, _ = pdqhash.compute(np.asarray(Image.open(path).convert("RGB")))
    return bits_to_hex(bits), phash


def timed(function, paths: list[Path]) -> tuple[float, list]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    results = [function(path) for path in paths]
    return time.perf_counter() - start, results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for seed in range(PICTURES):
            path = Path(folder) / f"{seed}.jpg"
            path.write_bytes(encode(make_picture(seed, SIZE), quality=88))
            paths.append(path)
        naive(paths[0]), fingerprint_file(paths[0])  # warm up imports and caches
        baseline_seconds, baseline = timed(naive, paths)
        jikimi_seconds, ours = timed(fingerprint_file, paths)
    pdq_bits = [hamming_distance(b[0], f.values["pdq"]) for b, f in zip(baseline, ours, strict=True)]
    phash_bits = [hamming_distance(b[1], f.values["phash"]) for b, f in zip(baseline, ours, strict=True)]
    result = {
        "pictures": PICTURES,
        "megapixels": SIZE[0] * SIZE[1] / 1e6,
        "baseline_pictures_per_s_per_core": PICTURES / baseline_seconds,
        "jikimi_pictures_per_s_per_core": PICTURES / jikimi_seconds,
        "speedup": baseline_seconds / jikimi_seconds,
        "pdq_bits_from_baseline": {"median": statistics.median(pdq_bits), "max": max(pdq_bits)},
        "phash_bits_from_baseline": {"median": statistics.median(phash_bits), "max": max(phash_bits)},
    }
    out = Path(__file__).parent / "results" / "hashing.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"hashing ({PICTURES} JPEGs of {result['megapixels']:.1f} MP, one core)")
    print(f"  baseline: {result['baseline_pictures_per_s_per_core']:.1f} pictures/s")
    print(f"  jikimi:   {result['jikimi_pictures_per_s_per_core']:.1f} pictures/s  ({result['speedup']:.2f}x)")
    print(f"  PDQ bits from baseline: median {result['pdq_bits_from_baseline']['median']}, max {max(pdq_bits)}")
    print(f"  pHash bits from baseline: median {result['phash_bits_from_baseline']['median']}, max {max(phash_bits)}")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

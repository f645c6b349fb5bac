"""What sealing a crawl's temporary files costs: ``SealedFiles`` (AES-256-GCM chunks, a run key) against
``PlainFiles`` on the same bytes, in the same rounds.

Two measurements, each at two sizes 10× apart:

* a file's round trip — write it, read it back, SHA-256 of what was read — at 1 MiB and 10 MiB of random
  bytes (random, so nothing downstream could compress it away). This is sealing's whole cost with nothing
  to hide it: the upper bound of what it adds to a crawl.
* fingerprinting pictures the way the hash pool does (``fingerprint_file(path, max_pixels,
  max_video_frames, files)``, ``monitor/fingerprint/pool.py``) from sealed files against plain ones: the
  cost a crawl actually pays, where decoding and hashing the picture dominate.

Writing the pictures is not timed in the second measurement (the crawl writes each one once, and the first
measurement prices that). Each round runs plain, then sealed, so both see the same load.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import Samples, conditions, ratio, rounds, stopwatch, write_result
from crawlers.temp_files import PLAIN, SealedFiles, TempFiles
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.media import fingerprint_file

MIB = 1 << 20
FILE_SIZES_MIB = (1, 10)
PICTURE_COUNTS = (4, 40)
SIZE = (1400, 1000)  # 1.4 MP, as bench/hashing.py
MAX_PIXELS, MAX_VIDEO_FRAMES = 89_478_485, 600  # fingerprint_file's defaults, passed as the pool passes them


def round_trip(files: TempFiles, path: Path, data: bytes) -> str:
    """Write ``data``, read it back in chunks as a hasher does, and return its SHA-256."""
    files.write(path, data)
    digest = hashlib.sha256()
    for chunk in files.chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


def fingerprint_all(files: TempFiles, paths: list[Path]) -> None:
    for path in paths:
        fingerprint_file(str(path), MAX_PIXELS, MAX_VIDEO_FRAMES, files)


def compared(plain: Samples, sealed: Samples, per: float, unit: str) -> dict[str, Any]:
    """One size's figures: both timings, their rates per ``unit``, and sealed over plain."""
    return {
        "plain": {"seconds": plain.to_json(), f"{unit}_per_s": plain.per_second(per)},
        "sealed": {"seconds": sealed.to_json(), f"{unit}_per_s": sealed.per_second(per)},
        "sealed_over_plain": ratio(sealed, plain),
    }


def measure_files(folder: Path, sealed: SealedFiles) -> list[dict[str, Any]]:
    return [measure_file(folder, sealed, mib) for mib in FILE_SIZES_MIB]


def measure_file(folder: Path, sealed: SealedFiles, mib: int) -> dict[str, Any]:
    """Round trips of one file of ``mib`` MiB, plain then sealed in each round; every digest is checked."""
    data = os.urandom(mib * MIB)
    expected = hashlib.sha256(data).hexdigest()
    plain_path, sealed_path = folder / f"plain-{mib}.bin", folder / f"sealed-{mib}.bin"

    def one_round() -> dict[str, float]:
        return {
            "plain": stopwatch(lambda: check(round_trip(PLAIN, plain_path, data), expected)),
            "sealed": stopwatch(lambda: check(round_trip(sealed, sealed_path, data), expected)),
        }

    one_round()  # warm up the page cache and the cipher
    timings = rounds(one_round)
    return {"size": mib, "unit": "MiB", **compared(timings["plain"], timings["sealed"], mib, "mib")}


def check(digest: str, expected: str) -> None:
    """A round trip that changed the bytes would make its timing meaningless."""
    if digest != expected:
        raise AssertionError("a round trip returned different bytes")


def measure_pictures(folder: Path, sealed: SealedFiles) -> list[dict[str, Any]]:
    encoded = [encode(make_picture(seed, SIZE), quality=88) for seed in range(max(PICTURE_COUNTS))]
    plain_paths, sealed_paths = [], []
    for seed, data in enumerate(encoded):
        plain_paths.append(folder / f"{seed}.jpg")
        PLAIN.write(plain_paths[-1], data)
        sealed_paths.append(folder / f"{seed}.sealed")
        sealed.write(sealed_paths[-1], data)
    if fingerprint_file(plain_paths[0]).values != fingerprint_file(sealed_paths[0], files=sealed).values:
        raise AssertionError("a sealed picture fingerprinted differently from its plain copy")
    return [measure_pictures_at(sealed, plain_paths[:count], sealed_paths[:count]) for count in PICTURE_COUNTS]


def measure_pictures_at(sealed: SealedFiles, plain_paths: list[Path], sealed_paths: list[Path]) -> dict[str, Any]:
    """Fingerprinting the same pictures from plain files, then from sealed ones, in each round."""
    timings = rounds(
        lambda: {
            "plain": stopwatch(lambda: fingerprint_all(PLAIN, plain_paths)),
            "sealed": stopwatch(lambda: fingerprint_all(sealed, sealed_paths)),
        }
    )
    count = len(plain_paths)
    return {"size": count, **compared(timings["plain"], timings["sealed"], count, "pictures")}


def measure() -> dict[str, Any]:
    start = conditions()
    sealed = SealedFiles.new()
    with tempfile.TemporaryDirectory() as folder:
        files = measure_files(Path(folder), sealed)
        pictures = measure_pictures(Path(folder), sealed)
    return {
        "conditions": start,
        "round_trip": {
            "what": "write, read back in chunks, SHA-256 of what was read; random bytes",
            "baseline": "PlainFiles",
            "sizes": files,
        },
        "fingerprint": {
            "what": "fingerprint_file(path, max_pixels, max_video_frames, files), as the hash pool calls it",
            "baseline": "PlainFiles",
            "megapixels": SIZE[0] * SIZE[1] / 1e6,
            "sizes": pictures,
        },
    }


def main() -> None:
    result = measure()
    out = write_result("sealing", result)
    print("sealing: sealed over plain (best / median)")
    for size in result["round_trip"]["sizes"]:
        plain, sealed, over = size["plain"]["seconds"], size["sealed"]["seconds"], size["sealed_over_plain"]
        print(
            f"  round trip {size['size']} MiB: plain {plain['best']:.4f} / {plain['median']:.4f} s,"
            f" sealed {sealed['best']:.4f} / {sealed['median']:.4f} s, {over['best']:.2f}x / {over['median']:.2f}x"
        )
    for size in result["fingerprint"]["sizes"]:
        plain, sealed, over = size["plain"]["seconds"], size["sealed"]["seconds"], size["sealed_over_plain"]
        print(
            f"  fingerprint {size['size']} pictures: plain {plain['best']:.3f} / {plain['median']:.3f} s,"
            f" sealed {sealed['best']:.3f} / {sealed['median']:.3f} s, {over['best']:.3f}x / {over['median']:.3f}x"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

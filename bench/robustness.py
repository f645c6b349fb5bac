"""Matching robustness: recall and false positives per edit, for pHash alone, PDQ alone and jikimi.

``PICTURES`` generated photo-like pictures (gradients, shapes, noise, text; no people). Half are "victim"
pictures put in a blocklist, half are not. Every picture is edited each way below; recall is the share of
edited victim pictures that match their own entry, the false-positive rate the share of the other half's
pictures (original and edited) that match any entry, with the counts behind both. No timing: this measures
what matches, not how fast. Blocklists: built by ``add-images`` (the picture at
hand: its hashes plus crop variants) and, separately, by a one-hash-per-picture import.
Matchers: pHash alone (threshold 10, no variants), PDQ alone (threshold 31, quality >= 50, no variants),
and jikimi's combined matcher (both, with the query-side variants of ``monitor/fingerprint/picture.py``).
"""

from __future__ import annotations

import io
import os
import random
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from bench.timing import conditions, write_result
from crawlers.sighting import Fingerprints
from monitor.demo.pictures import make_picture
from monitor.fingerprint.media import fingerprint_file
from monitor.matching.intake import hash_pictures
from monitor.matching.matcher import BlocklistMatcher
from monitor.records import BlocklistEntry

PICTURES = int(os.environ.get("BENCH_ROBUSTNESS_PICTURES", "1000"))


def _crop(picture: Image.Image, share: float, rng: random.Random) -> Image.Image:
    width, height = picture.size
    cut_w, cut_h = int(width * share), int(height * share)
    left, top = rng.randint(0, cut_w), rng.randint(0, cut_h)
    return picture.crop((left, top, left + width - cut_w, top + height - cut_h))


def _pad(picture: Image.Image, share: float, colour: str) -> Image.Image:
    return ImageOps.expand(picture, border=int(min(picture.size) * share / 2), fill=colour)


def _watermark(picture: Image.Image, rng: random.Random) -> Image.Image:
    edited = picture.copy()
    draw = ImageDraw.Draw(edited)
    for line in range(3):
        draw.text((rng.randint(5, 40), 20 + line * picture.height // 3), "t.me/some_channel  @reposter", fill="white")
    return edited


def _screenshot(picture: Image.Image) -> Image.Image:
    smaller = picture.resize((int(picture.width * 0.8), int(picture.height * 0.8)))
    framed = ImageOps.expand(smaller, border=(0, 30, 0, 60), fill=(24, 24, 24))
    return ImageOps.expand(framed, border=12, fill=(250, 250, 250))


EDITS: dict[str, Callable[[Image.Image, random.Random], tuple[Image.Image, int]]] = {
    "jpeg q30": lambda p, r: (p, 30),
    "jpeg q60": lambda p, r: (p, 60),
    "jpeg q95": lambda p, r: (p, 95),
    "resize 0.3x": lambda p, r: (p.resize((int(p.width * 0.3), int(p.height * 0.3))), 85),
    "resize 0.6x": lambda p, r: (p.resize((int(p.width * 0.6), int(p.height * 0.6))), 85),
    "resize 2x": lambda p, r: (p.resize((p.width * 2, p.height * 2)), 85),
    "mirror": lambda p, r: (ImageOps.mirror(p), 85),
    "rotate 90": lambda p, r: (p.rotate(90, expand=True), 85),
    "rotate 3": lambda p, r: (p.rotate(3, expand=False, resample=Image.Resampling.BILINEAR), 85),
    "crop 5%": lambda p, r: (_crop(p, 0.05, r), 85),
    "crop 10%": lambda p, r: (_crop(p, 0.10, r), 85),
    "pad 10% black": lambda p, r: (_pad(p, 0.10, "black"), 85),
    "pad 20% white": lambda p, r: (_pad(p, 0.20, "white"), 85),
    "watermark": lambda p, r: (_watermark(p, r), 85),
    "brightness +20%": lambda p, r: (ImageEnhance.Brightness(p).enhance(1.2), 85),
    "brightness -20%": lambda p, r: (ImageEnhance.Brightness(p).enhance(0.8), 85),
    "contrast +20%": lambda p, r: (ImageEnhance.Contrast(p).enhance(1.2), 85),
    "contrast -20%": lambda p, r: (ImageEnhance.Contrast(p).enhance(0.8), 85),
    "blur": lambda p, r: (p.filter(ImageFilter.GaussianBlur(2)), 85),
    "screenshot": lambda p, r: (_screenshot(p), 85),
    "greyscale": lambda p, r: (ImageOps.grayscale(p).convert("RGB"), 85),
}
TARGETS = {"jpeg q30": 0.99, "jpeg q60": 0.99, "jpeg q95": 0.99, "resize 0.3x": 0.99, "resize 0.6x": 0.99,
           "resize 2x": 0.99, "mirror": 0.99, "rotate 90": 0.99, "watermark": 0.99, "brightness +20%": 0.99,
           "brightness -20%": 0.99, "greyscale": 0.99, "crop 5%": 0.80, "pad 20% white": 0.80}  # fmt: skip


def picture_of(seed: int) -> Image.Image:
    rng = random.Random(seed)
    return make_picture(seed, (rng.choice([480, 512, 640]), rng.choice([360, 384, 480])))


def fingerprint_edit(task: tuple[int, str, str]) -> tuple[int, str, Fingerprints]:
    seed, edit, folder = task
    picture, quality = (
        (picture_of(seed), 90) if edit == "original" else EDITS[edit](picture_of(seed), random.Random(seed))
    )
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=quality)
    path = Path(folder) / f"{seed}-{edit.replace(' ', '_').replace('%', '')}.jpg"
    path.write_bytes(buffer.getvalue())
    try:
        return seed, edit, fingerprint_file(path)
    finally:
        path.unlink()


def intake(task: tuple[int, str]) -> list[BlocklistEntry]:
    seed, folder = task
    picture_folder = Path(folder) / f"victim-{seed}"
    picture_folder.mkdir()
    picture_of(seed).save(picture_folder / "picture.jpg", quality=90)
    entries = hash_pictures(picture_folder, f"case-{seed}", "picture").entries
    (picture_folder / "picture.jpg").unlink()
    picture_folder.rmdir()
    return entries


def alone(fingerprints: Fingerprints, signal: str) -> Fingerprints:
    value = fingerprints.values.get(signal)
    return Fingerprints(
        {"sha256": fingerprints.sha256, **({signal: value} if value else {})}, {}, fingerprints.pdq_quality
    )


def matchers(entries: list[BlocklistEntry]) -> dict[str, Callable[[Fingerprints], set[str]]]:
    built = {}
    for name, kinds in (
        ("phash alone", {"phash"}),
        ("pdq alone", {"pdq"}),
        ("jikimi", {"pdq", "phash", "sha256", "md5"}),
    ):
        matcher = BlocklistMatcher()  # the default rules: PDQ 31 with quality ≥ 50, pHash 10 (6 via a variant)
        matcher.add([e for e in entries if e.hash_type in kinds])
        strip = None if name == "jikimi" else next(iter(kinds))
        built[name] = (lambda m, s: lambda f: {h.case for h in m.match(alone(f, s) if s else f)})(matcher, strip)
    return built


def main() -> None:
    start = conditions()
    seeds = list(range(10_000, 10_000 + PICTURES))
    victims = set(seeds[::2])
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(os.cpu_count()) as pool:
        added = [e for batch in pool.map(intake, [(s, folder) for s in sorted(victims)]) for e in batch]
        tasks = [(seed, edit, folder) for seed in seeds for edit in ("original", *EDITS)]
        results = list(pool.map(fingerprint_edit, tasks, chunksize=16))
    imported = [e for e in added if not e.variant and e.hash_type in ("pdq", "phash")]
    table: dict[str, dict[str, dict[str, float]]] = {}
    for blocklist, entries in (("add-images", added), ("import", imported)):
        for matcher_name, match in matchers(entries).items():
            found: dict[str, list[tuple[int, set[str]]]] = {}
            for seed, edit, fingerprints in results:
                found.setdefault(edit, []).append((seed, match(fingerprints)))
            column = f"{matcher_name} / {blocklist}"
            for edit, rows in found.items():
                victim_rows = [(s, cases) for s, cases in rows if s in victims]
                other_rows = [(s, cases) for s, cases in rows if s not in victims]
                recall = sum(f"case-{s}" in cases for s, cases in victim_rows) / len(victim_rows)
                false_positives = sum(bool(cases) for _, cases in other_rows)
                table.setdefault(edit, {})[column] = {
                    "recall": recall,
                    "false_positive_rate": false_positives / len(other_rows),
                    "false_positives": false_positives,
                    "unrelated_checked": len(other_rows),
                }
    out = write_result(
        "robustness",
        {"conditions": start, "pictures": PICTURES, "blocklisted": len(victims), "table": table, "targets": TARGETS},
    )
    columns = list(next(iter(table.values())))
    print(f"robustness ({PICTURES} pictures, half in the blocklist): recall % (false-positive %)")
    print(f"  {'edit':17}" + "".join(f"{c:>24}" for c in columns))
    for edit, row in table.items():
        cells = "".join(f"{100 * row[c]['recall']:>15.1f} ({100 * row[c]['false_positive_rate']:.1f})" for c in columns)
        target = f"  target {100 * TARGETS[edit]:.0f}%" if edit in TARGETS else ""
        print(f"  {edit:17}{cells}{target}")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

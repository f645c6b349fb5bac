"""Peak memory and time of fingerprinting big media: a PNG and a JPEG of 8.8 and 88 MP, and a 2 MB video of
16000×16000 frames (what a hostile server serves to exhaust the hash workers; issue 12, finding 9).

Baseline, the same files the way jikimi handled them before: a picture turned upright, converted to RGB
and box-reduced, each step on the full-size picture (``exif_transpose``, ``convert``, ``reduce``), then
hashed exactly as jikimi hashes; a video decoded as PyAV decodes by default (frame threads, no pixel
cap), each frame scaled to 192 px and PDQ-hashed. jikimi: ``fingerprint_file``. Peak memory is the
process's high-water mark (``VmHWM``), so every measurement runs in a fresh process; ``extra_mib``
is that peak less the peak after the imports. Time is the fingerprinting call alone. Also recorded: how
many bits jikimi's PDQ and pHash are from the baseline's (the band-by-band reduction is meant to change
none).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.timing import REPEATS, Samples, conditions, ratio, write_result

SIZES = {8_800_000: (3520, 2500), 88_000_000: (11_000, 8_000)}
FORMATS = {"png": "PNG", "jpeg": "JPEG"}
MEASURES = ("seconds", "peak_mib", "extra_mib")


def baseline_picture(path: Path) -> dict[str, str]:
    """The decode of ``monitor/fingerprint/picture.py`` before issue 12, then jikimi's hashing."""
    from PIL import Image, ImageOps

    from monitor.fingerprint.exact import exact_hashes
    from monitor.fingerprint.media import picture_fingerprints
    from monitor.fingerprint.picture import DRAFT_SIZE, MAX_SIDE

    picture = Image.open(path)
    picture.draft("RGB", (DRAFT_SIZE, DRAFT_SIZE))
    picture.load()
    picture = ImageOps.exif_transpose(picture, in_place=True) or picture
    picture = picture.convert("RGB")
    factor = max(picture.size) // MAX_SIDE
    if factor >= 2:
        picture = picture.reduce(factor)
    return dict(picture_fingerprints(picture, exact_hashes(path)).values)


def baseline_video(path: Path) -> dict[str, str]:
    """PyAV's default decode, as ``monitor/fingerprint/video.py`` decoded before issue 12."""
    import av

    from monitor.signals.pdq import pdq_of

    frames = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            frames.append(pdq_of(frame.to_ndarray(width=192, height=192, format="rgb24"))[0])
    return {"frames": ",".join(frames)}


def jikimi(path: Path) -> dict[str, str]:
    from monitor.fingerprint.media import fingerprint_file

    fingerprints = fingerprint_file(path)
    return {**fingerprints.values, "error": fingerprints.error or ""}


WAYS: dict[str, Callable[[Path], dict[str, str]]] = {
    "baseline_picture": baseline_picture,
    "baseline_video": baseline_video,
    "jikimi": jikimi,
}


def measure_one(way: str, path: Path) -> dict[str, Any]:
    """In a fresh process: one fingerprinting of ``path``, its seconds, peak memory and values."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.big_media", way, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def peak_rss_mib() -> float:
    """This process's peak resident memory (Linux ``VmHWM``). Why not ``ru_maxrss``? Linux carries it
    over ``exec`` from the parent, so a child of a big process would report the parent's peak."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def measured_in_this_process(way: str, path: Path) -> dict[str, Any]:
    action = WAYS[way]
    import av  # noqa: F401 - imported before the clock and the first reading, by every way alike
    import numpy  # noqa: F401
    import pdqhash  # noqa: F401
    import scipy.fftpack  # noqa: F401
    from PIL import Image  # noqa: F401

    import monitor.fingerprint.media  # noqa: F401

    before = peak_rss_mib()
    start = time.perf_counter()
    values = action(path)
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    return {"seconds": seconds, "peak_mib": peak, "extra_mib": peak - before, "values": values}


def write_pictures(folder: Path) -> dict[tuple[int, str], Path]:
    from monitor.demo.pictures import make_picture

    paths = {}
    for size, (width, height) in SIZES.items():
        picture = make_picture(size % 997, (1100, 800)).resize((width, height))
        for name, fmt in FORMATS.items():
            path = folder / f"{size}.{name}"
            picture.save(path, fmt, **({"compress_level": 1} if fmt == "PNG" else {"quality": 90}))
            paths[(size, name)] = path
    return paths


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {measure: Samples(tuple(run[measure] for run in runs), "s" if measure == "seconds" else "MiB")
            for measure in MEASURES}  # fmt: skip


def compared(file: Path, baseline: str) -> dict[str, Any]:
    """``REPEATS`` rounds of the baseline then jikimi on ``file``, each in its own process."""
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "jikimi": []}
    for _ in range(REPEATS):
        runs["baseline"].append(measure_one(baseline, file))
        runs["jikimi"].append(measure_one("jikimi", file))
    base, ours = summary(runs["baseline"]), summary(runs["jikimi"])
    values = runs["baseline"][0]["values"], runs["jikimi"][0]["values"]
    return {
        "file_kb": round(file.stat().st_size / 1024),
        "baseline": {measure: samples.to_json() for measure, samples in base.items()},
        "jikimi": {measure: samples.to_json() for measure, samples in ours.items()},
        "baseline_peak_over_jikimi": ratio(base["peak_mib"], ours["peak_mib"]),
        "values": {"baseline": values[0], "jikimi": values[1]},
    }


def bits_apart(case: dict[str, Any]) -> dict[str, int]:
    from monitor.signals import hamming_distance

    base, ours = case.pop("values").values()
    return {signal: hamming_distance(base[signal], ours[signal]) for signal in ("pdq", "phash")}


def measure() -> dict[str, Any]:
    from tests.doubles.hostile_media import huge_frame_video

    start = conditions()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_pictures(Path(folder))
        sizes = []
        for size, (width, height) in SIZES.items():
            entry: dict[str, Any] = {"size": size, "width": width, "height": height}
            for name in FORMATS:
                entry[name] = compared(paths[(size, name)], "baseline_picture")
                entry[name]["bits_from_baseline"] = bits_apart(entry[name])
            sizes.append(entry)
        video = compared(huge_frame_video(Path(folder) / "huge.mov", frames=2, bit_depth=8), "baseline_video")
    video["refusal"] = video.pop("values")["jikimi"]["error"]
    return {"conditions": start, "sizes": sizes, "hostile_video": {"frames": "16000×16000", **video}}


def main() -> None:
    result = measure()
    out = write_result("big_media", result)
    print("big media, peak MiB of a fresh process (best / median); seconds of the fingerprinting")
    cases = [(f"{size['size'] / 1e6:g} MP {name}", size[name]) for size in result["sizes"] for name in FORMATS]
    for label, case in [*cases, ("hostile video", result["hostile_video"])]:
        base, ours = case["baseline"], case["jikimi"]
        print(
            f"  {label}: baseline {base['peak_mib']['best']:.0f} / {base['peak_mib']['median']:.0f} MiB,"
            f" {base['seconds']['median']:.2f} s; jikimi {ours['peak_mib']['best']:.0f} /"
            f" {ours['peak_mib']['median']:.0f} MiB, {ours['seconds']['median']:.2f} s"
            + (f"; bits from baseline {case['bits_from_baseline']}" if "bits_from_baseline" in case else "")
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    if len(sys.argv) == 3:  # one measurement, in this fresh process (see measure_one)
        print(json.dumps(measured_in_this_process(sys.argv[1], Path(sys.argv[2]))))
    else:
        main()

"""A national-size blocklist: import time and peak memory, and the time from a process's start to its first match.

Two sizes 10x apart (``BENCH_BLOCKLIST_ENTRIES``, default 1,000,000, and a tenth), a generated list of
PDQ, pHash, SHA-256 and MD5 rows (2:1:1:1) over 97 cases. Every figure is a fresh subprocess on a fresh data
directory, so imports and memory are the process's own (peak RSS from ``wait4``):

- import: ``jikimi blocklist import`` (checked in one reading, stored in batches, the index file written),
  against the baseline: the same command of the code before this change (``BENCH_BLOCKLIST_BASELINE``, a git
  ref, default ``main``, taken out with ``git archive`` and run by the same interpreter);
- first match: a process that opens the store, loads the matcher and matches one picture, from its start to
  its exit: jikimi maps ``blocklist-index.bin`` (written by the import), the baseline's code decodes every
  entry (``blocklist_entries``) and builds the indexes (``BlocklistMatcher.add``), as every process did.

The baseline import takes minutes at a million entries (240 s measured once: a store of 920 MB, 1.1 GB of
memory), so by default it is timed at the smaller size only (``BENCH_BLOCKLIST_BASELINE_IMPORT``: the
largest size it is timed at); its first match is timed at both. Rounds run baseline and jikimi one after
the other.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import REPEATS, Samples, conditions, ratio, write_result

LARGEST = int(os.environ.get("BENCH_BLOCKLIST_ENTRIES", "1000000"))
SIZES = (LARGEST // 10, LARGEST)
BASELINE_IMPORT_UP_TO = int(os.environ.get("BENCH_BLOCKLIST_BASELINE_IMPORT", str(LARGEST // 10)))
PYTHON = sys.executable
JIKIMI = str(Path(sys.executable).with_name("jikimi"))
KINDS = (("pdq", 256), ("pdq", 256), ("phash", 64), ("sha256", 256), ("md5", 128))

BASELINE_REF = os.environ.get("BENCH_BLOCKLIST_BASELINE", "main")
CLI = "from monitor.cli import main; main()"

FIRST_MATCH = """
import asyncio, sys
from pathlib import Path
from crawlers.sighting import Fingerprints
from monitor.matching.matcher import BlocklistMatcher
from monitor.store import SqliteStore

async def main():
    data_dir = Path(sys.argv[1])
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    matcher = BlocklistMatcher()
    if sys.argv[3] == "baseline":
        matcher.add(await store.blocklist_entries())
    else:
        from monitor.matching.index_file import load_blocklist
        await load_blocklist(matcher, store, data_dir)
    assert matcher.match(Fingerprints(values={"pdq": sys.argv[2]}, pdq_quality=100)), "no match"
    await store.close()
asyncio.run(main())
"""


def write_list(path: Path, entries: int) -> str:
    """A generated hash list; returns its first PDQ (the picture the first-match process looks for)."""
    rng = random.Random(entries)
    first = ""
    with path.open("w") as out:
        out.write("hash_type,hash,case,label\n")
        for number in range(entries):
            kind, bits = KINDS[number % len(KINDS)]
            value = f"{rng.getrandbits(bits):0{bits // 4}x}"
            first = first or value
            out.write(f"{kind},{value},CASE-{number % 97},list row {number}\n")
    return first


def baseline_tree(folder: Path) -> Path:
    """The baseline's code, taken out of the repository at ``BASELINE_REF``."""
    tree = folder / "baseline-code"
    tree.mkdir()
    repository = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(repository), "archive", BASELINE_REF], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def timed(command: list[str], data_dir: Path, code: Path | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one subprocess, from its start to its exit; ``code``: the tree it imports
    jikimi from (the baseline's), else this one."""
    environment = os.environ | {"JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_HASH_WORKERS": "1"}
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as peak:
        # through /usr/bin/time: a child forked by this process would inherit its high-water mark of memory
        measured = ["/usr/bin/time", "-f", "%M", "-o", peak.name, *command]
        start = time.perf_counter()
        process = subprocess.run(measured, env=environment, stdout=subprocess.DEVNULL, stderr=errors,
                                 cwd=code or Path.cwd())  # fmt: skip
        seconds = time.perf_counter() - start
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"{command[:3]} failed: {errors.read().decode(errors='replace')[-2000:]}")
        return seconds, int(peak.read().split()[-1]) / 1024  # KiB


def measure(entries: int, folder: Path, baseline: Path) -> dict[str, Any]:
    hash_list = folder / f"list-{entries}.csv"
    probe = write_list(hash_list, entries)
    taken: dict[str, list[float]] = {}
    with_baseline = entries <= BASELINE_IMPORT_UP_TO
    for number in range(REPEATS):
        jikimi_dir, baseline_dir = folder / f"jikimi-{entries}-{number}", folder / f"baseline-{entries}-{number}"
        if with_baseline:
            seconds, rss = timed([PYTHON, "-c", CLI, "blocklist", "import", str(hash_list)], baseline_dir, baseline)
            taken.setdefault("baseline import s", []).append(seconds)
            taken.setdefault("baseline import MiB", []).append(rss)
        seconds, rss = timed([JIKIMI, "blocklist", "import", str(hash_list)], jikimi_dir)
        taken.setdefault("jikimi import s", []).append(seconds)
        taken.setdefault("jikimi import MiB", []).append(rss)
        source = baseline_dir if with_baseline else jikimi_dir  # the same entries either way
        seconds, rss = timed([PYTHON, "-c", FIRST_MATCH, str(source), probe, "baseline"], source, baseline)
        taken.setdefault("baseline first match s", []).append(seconds)
        taken.setdefault("baseline first match MiB", []).append(rss)
        seconds, rss = timed([PYTHON, "-c", FIRST_MATCH, str(jikimi_dir), probe, "jikimi"], jikimi_dir)
        taken.setdefault("jikimi first match s", []).append(seconds)
        taken.setdefault("jikimi first match MiB", []).append(rss)
        for used in (jikimi_dir, baseline_dir):
            subprocess.run(["rm", "-rf", str(used)], check=True)
    samples = {name: Samples(tuple(values), "MiB" if name.endswith("MiB") else "s") for name, values in taken.items()}
    result: dict[str, Any] = {name: value.to_json() for name, value in samples.items()}
    result["first match speed-up"] = ratio(samples["baseline first match s"], samples["jikimi first match s"])
    if with_baseline:
        result["import speed-up"] = ratio(samples["baseline import s"], samples["jikimi import s"])
        result["import memory ratio"] = ratio(samples["baseline import MiB"], samples["jikimi import MiB"])
    return result


def main() -> None:
    result: dict[str, Any] = {"conditions": conditions(), "baseline": BASELINE_REF, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="jikimi-bench-blocklist-") as folder:
        baseline = baseline_tree(Path(folder))
        for entries in SIZES:
            figures = measure(entries, Path(folder), baseline)
            result["sizes"][str(entries)] = figures
            for name, value in figures.items():
                shown = f"best {value['best']:.2f}, median {value['median']:.2f}"
                print(f"{entries:>9} entries  {name:<26} {shown}", flush=True)
    small, large = (result["sizes"][str(size)] for size in SIZES)
    result["growth 10x"] = {
        name: large[name]["median"] / small[name]["median"] for name in small if name in large and "unit" in small[name]
    }
    for name, growth in result["growth 10x"].items():
        print(f"growth for 10x entries  {name:<26} {growth:.2f}x")
    print(f"wrote {write_result('scale_blocklist', result)}")


if __name__ == "__main__":
    main()

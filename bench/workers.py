"""Hash-pool workers and light commands: what loading only what is used saves, against loading the command line.

Why a worker could cost more than its hashing: the pool spawns its workers, and a spawned process first
re-runs its parent's main script (``monitor/cli/__init__.py`` says how). In production that is the ``jikimi``
script, whose one line is ``from monitor.cli import main``. Measured here, each in a fresh process whose main
module looks to ``spawn`` as a ``jikimi`` command's does (no ``__spec__``, ``__file__`` the script):

- lean: the installed ``jikimi`` script (importing ``monitor.cli`` loads nothing);
- baseline: a script that imports the command line as the ``jikimi`` script did before (``OLD_IMPORTS``:
  the typer app with every command module, and the records, cards, spread views and settings they loaded).

Figures, every one the best and median of ``REPEATS``, lean and baseline measured in the same rounds:

- a worker's start: seconds from creating a one-worker ``HashPool`` to its first fingerprint of a small
  picture, and the same picture's second fingerprint (the hashing alone); the worker's CPU seconds (its start
  and the two small pictures: on a shared machine CPU time is steadier than wall time), its peak RSS and how
  many modules it had loaded when it exited (a ``sitecustomize`` on the workers' path records these three);
- ``jikimi --help``: seconds, CPU seconds and peak RSS, lean and with ``OLD_IMPORTS`` loaded first, against
  ``python -c pass``;
- the pool's rate on ``PICTURES`` and ten times as many generated 640×480 JPEGs, a fresh two-worker pool
  each time (so a worker's start is part of the figure, as it is of a crawl's first pictures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import Samples, conditions, ratio, rounds, write_result

PYTHON = sys.executable
JIKIMI = Path(sys.executable).with_name("jikimi")
ROOT = Path(__file__).resolve().parents[1]
PICTURES = int(os.environ.get("BENCH_WORKERS_PICTURES", "20"))
POOL_WORKERS = 2

OLD_IMPORTS = (
    "monitor.cli.app", "monitor.cards", "monitor.counters", "monitor.records", "monitor.spread", "crawlers.codec",
    "config.settings",
)  # fmt: skip
"""What ``import monitor.cli`` loaded of jikimi's own modules before workers and ``--help`` were made lean
(commit 83e4ab7), besides the modules these import themselves."""

RECORDER = """
import atexit, json, os, resource, sys

def record():
    process = sys.modules.get("multiprocessing.process")
    worker = process is not None and process.parent_process() is not None
    with open("/proc/self/status") as status:  # VmHWM: this program's peak; ru_maxrss would count the fork before exec
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    found = {"worker": worker, "modules": len(sys.modules), "peak_rss_kib": peak, "cpu": cpu}
    with open(os.path.join(os.environ["BENCH_WORKERS_RECORDS"], f"{os.getpid()}.json"), "w") as file:
        json.dump(found, file)

atexit.register(record)
"""

JOB = """
import sys
sys.modules["__main__"].__file__ = {main!r}  # what spawn reads of a `jikimi ...` process's main module
from bench.workers import pool_job
pool_job({mode!r}, {folder!r}, {count!r})
"""


def pool_job(mode: str, folder: str, count: int) -> None:
    """In the measured process: time the pool, print the seconds as JSON (``mode``: ``start`` or ``rate``)."""
    import asyncio

    import monitor.fingerprint.media  # noqa: F401 (the pool imports it at its first picture: not a worker's cost)
    from monitor.fingerprint.pool import HashPool

    paths = sorted(Path(folder).glob("*.jpg"), key=lambda path: int(path.stem))[:count]

    async def start() -> dict[str, float]:
        with HashPool(workers=1, max_pixels=89_478_485) as pool:
            began = time.perf_counter()
            await pool.fingerprint(paths[0])
            first = time.perf_counter()
            await pool.fingerprint(paths[0])
            return {"first": first - began, "again": time.perf_counter() - first}

    async def rate() -> dict[str, float]:
        began = time.perf_counter()
        with HashPool(workers=POOL_WORKERS, max_pixels=89_478_485) as pool:
            done = await asyncio.gather(*(pool.fingerprint(path) for path in paths))
        if any(result.error for result in done):
            raise RuntimeError(f"a generated picture failed to hash: {[r.error for r in done if r.error]}")
        return {"seconds": time.perf_counter() - began}

    print(json.dumps(asyncio.run(start() if mode == "start" else rate())))


def run_timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds until ``command`` exits, and what it printed; it must succeed."""
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} exited with {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.stdout


class Setup:
    """The generated pictures, the baseline main script and the workers' recorder, in one temporary folder."""

    def __init__(self, folder: Path) -> None:
        from monitor.demo.pictures import encode, make_picture

        self.pictures = folder / "pictures"
        self.pictures.mkdir()
        for seed in range(PICTURES * 10):
            (self.pictures / f"{seed}.jpg").write_bytes(encode(make_picture(seed, (640, 480)), quality=88))
        self.old_main = folder / "jikimi-before"
        self.old_main.write_text(
            "# the jikimi script's imports before\n" + "".join(f"import {m}\n" for m in OLD_IMPORTS)
        )
        site, self.records = folder / "site", folder / "records"
        site.mkdir()
        self.records.mkdir()
        (site / "sitecustomize.py").write_text(RECORDER)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("JIKIMI_")} | {
            "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
            "BENCH_WORKERS_RECORDS": str(self.records),
            "JIKIMI_DATA_DIR": str(folder / "data"),
        }
        self.mains = {"lean": str(JIKIMI), "baseline": str(self.old_main)}

    def run(self, command: list[str]) -> tuple[float, str, list[dict[str, Any]]]:
        """Seconds ``command`` took, its output, and what each of its processes recorded at exit."""
        for old in self.records.glob("*.json"):
            old.unlink()
        seconds, out = run_timed(command, self.env)
        return seconds, out, [json.loads(path.read_text()) for path in self.records.glob("*.json")]

    def job(self, main: str, mode: str, count: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
        """Run one pool job under ``main``; its timings and the records of the workers it spawned."""
        code = JOB.format(main=self.mains[main], mode=mode, folder=str(self.pictures), count=count)
        _, out, records = self.run([PYTHON, "-c", code])
        workers = [record for record in records if record["worker"]]
        if not workers:
            raise RuntimeError(f"no worker of the {main} {mode} job recorded itself")
        return json.loads(out.strip().splitlines()[-1]), workers

    def help_commands(self) -> dict[str, list[str]]:
        before = "import " + ", ".join(OLD_IMPORTS) + "; " + HELP
        return {
            "python -c pass": [PYTHON, "-c", "pass"],
            "jikimi --help": [str(JIKIMI), "--help"],
            "jikimi --help (lean, via -c)": [PYTHON, "-c", HELP],
            "jikimi --help (baseline, via -c)": [PYTHON, "-c", before],
        }


HELP = "import sys; sys.argv = ['jikimi', '--help']; from monitor.cli import main; main()"


def start_round(setup: Setup) -> dict[str, float]:
    """One worker start of each kind: seconds, peak RSS (MiB) and module count, keyed ``<kind>.<figure>``."""
    measured: dict[str, float] = {}
    for main in ("baseline", "lean"):
        times, workers = setup.job(main, "start", 1)
        measured[f"{main}.first_fingerprint"] = times["first"]
        measured[f"{main}.again"] = times["again"]
        measured[f"{main}.start_beyond_hashing"] = times["first"] - times["again"]
        measured[f"{main}.rss_mib"] = workers[0]["peak_rss_kib"] / 1024
        measured[f"{main}.cpu_seconds"] = workers[0]["cpu"]
        measured[f"{main}.modules"] = workers[0]["modules"]
    for name, command in setup.help_commands().items():
        seconds, _, (record,) = setup.run(command)
        measured[f"{name}.seconds"], measured[f"{name}.rss_mib"] = seconds, record["peak_rss_kib"] / 1024
        measured[f"{name}.cpu_seconds"] = record["cpu"]
    return measured


def rate_round(setup: Setup, count: int) -> dict[str, float]:
    return {main: setup.job(main, "rate", count)[0]["seconds"] for main in ("baseline", "lean")}


def figures(samples: dict[str, Samples], prefix: str) -> dict[str, Any]:
    units = {"seconds": "s", "rss_mib": "MiB", "modules": "modules"}
    found = {}
    for name, values in samples.items():
        if name.startswith(prefix + "."):
            figure = name.removeprefix(prefix + ".")
            unit = next((unit for key, unit in units.items() if figure.endswith(key)), "s")
            found[figure] = Samples(values.values, unit).to_json()
    return found


def measure() -> dict[str, Any]:
    start = conditions()
    with tempfile.TemporaryDirectory() as folder:
        setup = Setup(Path(folder))
        start_round(setup)  # warm the file cache and compile .pyc files before timing
        started = rounds(lambda: start_round(setup))
        sizes = []
        for count in (PICTURES, PICTURES * 10):
            timed = rounds(lambda: rate_round(setup, count))  # noqa: B023 (called before the loop moves on)
            sizes.append(
                {
                    "size": count,
                    "workers": POOL_WORKERS,
                    **{main: {"seconds": timed[main].to_json(), "per_second": timed[main].per_second(count)}
                       for main in ("baseline", "lean")},
                    "lean_over_baseline_time": ratio(timed["lean"], timed["baseline"]),
                }
            )  # fmt: skip
    worker = {main: figures(started, main) for main in ("baseline", "lean")}
    helps = {name: figures(started, name) for name in setup.help_commands()}
    return {
        "conditions": start,
        "baseline": {"main": "a script importing OLD_IMPORTS", "imports": list(OLD_IMPORTS)},
        "worker": worker,
        "worker_lean_over_baseline": {
            figure: ratio(started[f"lean.{figure}"], started[f"baseline.{figure}"])
            for figure in ("first_fingerprint", "start_beyond_hashing", "cpu_seconds", "rss_mib", "modules")
        },
        "help": helps,
        "help_lean_over_baseline": {
            figure: ratio(
                started[f"jikimi --help (lean, via -c).{figure}"], started[f"jikimi --help (baseline, via -c).{figure}"]
            )
            for figure in ("seconds", "cpu_seconds", "rss_mib")
        },  # fmt: skip
        "sizes": sizes,
    }


def main() -> None:
    result = measure()
    out = write_result("workers", result)
    print("hash-pool worker, best / median; baseline = the command line imported as the jikimi script did before")
    for figure, ratios in result["worker_lean_over_baseline"].items():
        base, lean = result["worker"]["baseline"][figure], result["worker"]["lean"][figure]
        print(
            f"  {figure:22} baseline {base['best']:8.2f} / {base['median']:8.2f} {base['unit']:8}"
            f" lean {lean['best']:8.2f} / {lean['median']:8.2f}"
            f"   lean/baseline {ratios['best']:.2f} / {ratios['median']:.2f}"
        )
    for name, found in result["help"].items():
        secs, cpu, rss = found["seconds"], found["cpu_seconds"], found["rss_mib"]
        print(
            f"  {name:34} {secs['best'] * 1000:6.0f} / {secs['median'] * 1000:6.0f} ms,"
            f" CPU {cpu['best'] * 1000:6.0f} / {cpu['median'] * 1000:6.0f} ms, {rss['best']:6.1f} MiB"
        )
    for size in result["sizes"]:
        base, lean = size["baseline"]["per_second"], size["lean"]["per_second"]
        print(
            f"  {size['size']:5} pictures, fresh {size['workers']}-worker pool: baseline {base['best']:6.1f} /"
            f" {base['median']:6.1f} per s, lean {lean['best']:6.1f} / {lean['median']:6.1f} per s"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

"""Start-up cost: the wall time of short commands, each a fresh subprocess, against a bare interpreter.

What a user waits for before anything happens is mostly imports, and the record types are imported by
everything (tests, the CLI, the hash pool's spawned workers), so these figures are how making imports
cheap is measured. Commands, each run ``REPEATS`` times in rounds (every command once per round, the
baseline first):

- baseline: ``python -c "pass"``;
- ``jikimi --help``;
- ``jikimi verify <bundle>`` on the demo's bundle (``jikimi demo`` with a temporary ``JIKIMI_DATA_DIR``,
  made before timing; the bundle's packets are verified, so this is start-up plus a small real job);
- ``python -c "import evidence.verify"`` and ``python -c "import crawlers.sighting"``.

Reported per command: seconds (best, median, samples), the ratio to the baseline, and the seconds beyond it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import conditions, ratio, rounds, write_result

PYTHON = sys.executable
JIKIMI = str(Path(sys.executable).with_name("jikimi"))


def commands(bundle: Path) -> dict[str, list[str]]:
    return {
        "python -c pass": [PYTHON, "-c", "pass"],
        "jikimi --help": [JIKIMI, "--help"],
        "jikimi verify demo-bundle.zip": [JIKIMI, "verify", str(bundle)],
        "import evidence.verify": [PYTHON, "-c", "import evidence.verify"],
        "import crawlers.sighting": [PYTHON, "-c", "import crawlers.sighting"],
    }


BASELINE = "python -c pass"


def run(command: list[str], env: dict[str, str]) -> float:
    """Seconds until ``command`` exits; it must succeed (a failing command would time nothing useful)."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def demo_bundle(data_dir: Path, env: dict[str, str]) -> Path:
    subprocess.run([JIKIMI, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bundle = data_dir / "exports" / "demo-bundle.zip"
    if not bundle.is_file():
        raise FileNotFoundError(f"jikimi demo wrote no bundle at {bundle}")
    return bundle


def measure() -> dict[str, Any]:
    start = conditions()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIKIMI_")} | {"JIKIMI_DATA_DIR": str(data_dir)}
        table = commands(demo_bundle(data_dir, env))
        for command in table.values():
            run(command, env)  # warm the file cache (and compile .pyc files) before timing
        timings = rounds(lambda: {name: run(command, env) for name, command in table.items()})
    baseline = timings[BASELINE]
    return {
        "conditions": start,
        "baseline": {"command": BASELINE, "seconds": baseline.to_json()},
        "commands": {
            name: {
                "seconds": samples.to_json(),
                "over_baseline": ratio(samples, baseline),
                "seconds_beyond_baseline": {
                    "best": samples.best - baseline.best,
                    "median": samples.median - baseline.median,
                },
            }
            for name, samples in timings.items()
            if name != BASELINE
        },
    }


def main() -> None:
    result = measure()
    out = write_result("startup", result)
    base = result["baseline"]["seconds"]
    print(f"start-up, best / median; python -c pass {base['best'] * 1000:.0f} / {base['median'] * 1000:.0f} ms")
    for name, figures in result["commands"].items():
        seconds, over = figures["seconds"], figures["over_baseline"]
        print(
            f"  {name:32} {seconds['best'] * 1000:6.0f} / {seconds['median'] * 1000:6.0f} ms"
            f"  ({over['best']:.1f}x / {over['median']:.1f}x the baseline)"
        )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

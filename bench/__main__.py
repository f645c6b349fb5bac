"""Run the benchmarks and write ``bench/results/*.json``: all of them, or those named (``python -m bench index``).

``make bench`` runs this, then ``python -m bench.report`` to write the README's figures from the results.
Each benchmark's wall time is printed, so a slow one is easy to spot.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from bench import (
    big_media,
    daemon_idle,
    evidence,
    hashing,
    index,
    queue,
    retro,
    robustness,
    scale_blocklist,
    sealing,
    startup,
    telegram,
    tempdisk,
    workers,
)

BENCHMARKS: dict[str, Callable[[], None]] = {
    "hashing": hashing.main,
    "big_media": big_media.main,
    "index": index.main,
    "retro": retro.main,
    "queue": queue.main,
    "robustness": robustness.main,
    "telegram": telegram.main,
    "evidence": evidence.main,
    "startup": startup.main,
    "daemon_idle": daemon_idle.main,
    "sealing": sealing.main,
    "scale_blocklist": scale_blocklist.main,
    "tempdisk": tempdisk.main,
    "workers": workers.main,
}


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    started = time.monotonic()
    for name in names or list(BENCHMARKS):
        start = time.monotonic()
        BENCHMARKS[name]()
        print(f"[{name}: {time.monotonic() - start:.0f} s]", flush=True)
    print(f"[all: {time.monotonic() - started:.0f} s]")


if __name__ == "__main__":
    main(sys.argv[1:])

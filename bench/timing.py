"""Repeated measurements, and the fields every result file records about them.

Why repeats and rounds: the benchmark machine has 2 cores shared with other work (test suites of other
branches), so one timing says as much about the neighbours as about jikimi. Every measured thing runs
``REPEATS`` times; each *round* runs the baseline and jikimi one after the other, so both see the same load,
and the result keeps every sample with its best (the lowest, the least disturbed) and its median. Ratios
are taken best to best and median to median, never against a figure from another run.

Result fields: a ``Samples`` is written as ``{"unit", "best", "median", "samples"}``; a rate derived from
it as ``{"best", "median"}`` per second; a ratio as ``{"best", "median"}``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True, slots=True)
class Samples:
    """Repeated measurements of one thing, in the order taken. Lower is better (seconds, CPU seconds, MiB)."""

    values: tuple[float, ...]
    unit: str = "s"

    @property
    def best(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def per_second(self, count: float) -> dict[str, float]:
        """``count`` things done in each sample, as a rate: the best rate comes from the best sample."""
        return {"best": count / self.best, "median": count / self.median}

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "best": self.best, "median": self.median, "samples": list(self.values)}


def ratio(numerator: Samples, denominator: Samples) -> dict[str, float]:
    """``numerator / denominator``, best to best and median to median."""
    return {"best": numerator.best / denominator.best, "median": numerator.median / denominator.median}


def stopwatch(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` takes (wall clock, ``perf_counter``)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rounds(one_round: Callable[[], Mapping[str, float]], repeats: int = REPEATS) -> dict[str, Samples]:
    """Call ``one_round`` ``repeats`` times; it measures each named thing once and returns its seconds.

    Set-up that must not be timed (a fresh store, generated data) stays inside ``one_round`` but outside
    its clocks. A round that names different things each time is a bug, so it fails loudly.
    """
    taken: dict[str, list[float]] = {}
    for number in range(repeats):
        measured = one_round()
        if number and set(measured) != set(taken):
            raise ValueError(f"round {number} measured {sorted(measured)}, earlier rounds {sorted(taken)}")
        for name, seconds in measured.items():
            taken.setdefault(name, []).append(seconds)
    return {name: Samples(tuple(values)) for name, values in taken.items()}


def conditions() -> dict[str, Any]:
    """The machine as the benchmark found it: read at the start, so the report can say how loaded it was."""
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "repeats": REPEATS,
    }


def write_result(name: str, result: Mapping[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` (the file the README's figures are rendered from)."""
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return out

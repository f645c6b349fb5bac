"""Counters of one crawl run, updated as sightings pass through the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from monitor.records import RunProblem


@dataclass(slots=True)
class RunCounters:
    """``sightings``: media seen this run; ``new_sightings``: not seen before; ``new_media``: bytes never
    hashed before; ``hits`` / ``packets``: newly recorded; ``errors``: problems recorded (the crawl went on)."""

    sightings: int = 0
    new_sightings: int = 0
    new_media: int = 0
    hits: int = 0
    packets: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


ProgressCallback = Callable[[RunCounters], None]
"""Called with a run's counters as they change (the CLI's live progress)."""


ProblemSink = Callable[[RunProblem], None]
"""Takes what a run could not fully handle (kept on its ``RunRecord``)."""


def ignore_problem(problem: RunProblem) -> None:
    """For a caller with no run to report to (a test, a one-off call): the packet's metadata still has it."""

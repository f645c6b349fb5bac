"""The parts of a streamed ``blocklist import``: the distinct-item count and the chunks' retro-match reports."""

from __future__ import annotations

from monitor.cli.blocklist import DistinctIds
from monitor.matching.retro import RetroReport
from monitor.records import ProblemKind, RunProblem, stable_id


def test_distinct_ids_counts_each_id_once_across_batches() -> None:
    ids = [stable_id("item", str(number)) for number in range(1000)]
    counted = DistinctIds()
    counted.add(ids[:600])
    counted.add(ids[400:])
    counted.add(ids[:10])
    assert len(counted) == 1000
    assert len(DistinctIds()) == 0


def test_the_chunks_reports_add_up_and_the_media_scanned_are_counted_once() -> None:
    problem = RunProblem(ProblemKind.MEDIA, "https://example.org/a", "no screenshot")
    total = RetroReport.total([RetroReport(50, 1, 2, 2, 1, 1, (problem,)), RetroReport(50, 2, 3, 4, 2, 1)])
    assert total == RetroReport(50, 3, 5, 6, 3, 2, (problem,))

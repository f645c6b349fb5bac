from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from crawlers.codec import from_jsonable, to_jsonable
from crawlers.scrapy_runner import decode_record, encode_record
from crawlers.sighting import BlocklistHit, CrawlProblem, Distributor, Fingerprints, ForwardedFrom, Sighting


def test_a_sighting_survives_the_trip_through_json_unchanged(make_sighting: Callable[..., Sighting]) -> None:
    sighting = make_sighting(
        distributor=Distributor(
            channel_id="-1001", message_id=7, text="안녕하세요",
            posted_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            forwarded_from=ForwardedFrom(peer_id="42", name="origin", date=datetime(2025, 1, 1, tzinfo=UTC)),
        ),
        fingerprints=Fingerprints({"sha256": "ab" * 32}, {"pdq": ("00" * 32, "ff" * 32)}, pdq_quality=80),
        hits=(BlocklistHit("e1", "pdq", "case-1", "label", 3, "00" * 32),),
    )  # fmt: skip
    text = json.dumps(to_jsonable(sighting))
    assert from_jsonable(Sighting, json.loads(text)) == sighting


def test_records_cross_the_worker_pipe_as_one_json_line_each(make_sighting: Callable[..., Sighting]) -> None:
    sighting = make_sighting()
    problem = CrawlProblem("src", "http://x/", "page fetch failed: HTTP 500")
    for record in (sighting, problem):
        line = encode_record(record)
        assert "\n" not in line
        assert decode_record(line) == record


def test_fields_a_newer_writer_added_are_ignored_by_an_older_reader() -> None:
    document = to_jsonable(CrawlProblem("src", "http://x/", "why"))
    document["added_in_a_later_version"] = 1
    assert from_jsonable(CrawlProblem, document).reason == "why"

"""How records become stored documents and back: JSON via the crawlers' codec.

Temporary file paths (media and page captures under a crawl's work directory) are dropped from a
stored Sighting: they are gone once the crawl ends, and the durable copies are in evidence packets.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any, TypeVar

from crawlers.codec import from_jsonable, to_jsonable
from crawlers.sighting import Sighting

T = TypeVar("T")


def durable_sighting(sighting: Sighting) -> Sighting:
    """The sighting without its temporary file paths."""
    capture = sighting.capture and dataclasses.replace(sighting.capture, raw_path=None, warc_path=None)
    return dataclasses.replace(sighting, media=dataclasses.replace(sighting.media, path=None), capture=capture)


def to_document(record: Any) -> dict[str, Any]:
    if isinstance(record, Sighting):
        record = durable_sighting(record)
    document: dict[str, Any] = to_jsonable(record)
    return document


def from_document(cls: type[T], document: dict[str, Any]) -> T:
    return from_jsonable(cls, document)


def to_json(record: Any) -> str:
    return json.dumps(to_document(record), ensure_ascii=False, sort_keys=True)


def from_json(cls: type[T], text: str) -> T:
    return from_document(cls, json.loads(text))


def stored_time(moment: datetime) -> str:
    """A time as the store keeps and compares it: ISO 8601 in UTC with microseconds (the codec's form for the
    UTC times jikimi records), so query columns, documents and query bounds sort and compare alike."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")

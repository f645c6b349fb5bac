"""The spread views (``monitor/spread.py``) as CSV and JSON, for investigators, the CLI, the UI and bundles.

Both are UTF-8 with every time in ISO-8601 UTC (``…Z``). The CSV has one row per place under ``PLACE_COLUMNS``,
the same columns for an item's spread and a source's, in that order, so that files from two exports line up;
every cell passes ``spreadsheet_cell`` as ``takedown.csv`` does (a hostile page can name a channel
``=HYPERLINK(…)``). The JSON holds the whole view: the places and what is counted from them (media, channels,
forwards, posters). No picture, no media byte: hashes, addresses and names as observed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from config.untrusted_text import spreadsheet_cell
from crawlers.sighting import ForwardedFrom
from evidence.canonical_json import utc_z
from monitor.spread import DistributorSpread, ItemSpread, Online, Poster, SpreadPlace, origin_channel

PLACE_COLUMNS = (
    "item_id", "case", "label", "media_sha256", "card_status", "location", "media_url", "source_id", "source_kind",
    "platform", "channel", "channel_title", "message_id", "poster", "sender_id", "sender_username", "sender_name",
    "author_signature", "posted_at_utc", "seen_at_utc", "packet_id", "online", "checked_at_utc",
    "forwarded_from_channel", "forwarded_from_peer_id", "forwarded_from_message_id", "forwarded_from_link",
    "forwarded_from_date_utc", "sighting_id",
)  # fmt: skip


def poster_json(poster: Poster) -> dict[str, Any]:
    return {"key": poster.key, "sender_id": poster.sender_id, "sender_username": poster.sender_username,
            "sender_name": poster.sender_name, "author_signature": poster.author_signature}  # fmt: skip


def forward_json(forward: ForwardedFrom | None) -> dict[str, Any] | None:
    if forward is None:
        return None
    return {"channel": origin_channel(forward), "peer_id": forward.peer_id, "name": forward.name, "link": forward.link,
            "message_id": forward.message_id, "date": utc_z(forward.date)}  # fmt: skip


def place_json(place: SpreadPlace) -> dict[str, Any]:
    return {
        "item_id": place.item_id, "case": place.case, "label": place.label, "media_sha256": place.media_sha256,
        "card_status": str(place.card_status), "location": place.location, "media_url": place.media_url,
        "source_id": place.source_id, "source_kind": place.source_kind, "platform": place.platform,
        "channel": place.channel, "channel_title": place.channel_title, "message_id": place.message_id,
        "poster": poster_json(place.poster), "posted_at": utc_z(place.posted_at), "seen_at": utc_z(place.seen_at),
        "packet_id": place.packet_id, "online": str(place.online), "checked_at": utc_z(place.checked_at),
        "forwarded_from": forward_json(place.forwarded_from), "sighting_id": place.sighting_id,
    }  # fmt: skip


def item_json(spread: ItemSpread) -> dict[str, Any]:
    item = spread.item
    return {
        "item": {"id": item.id, "case": item.case, "label": item.label, "origin": item.origin,
                 "added_at": utc_z(item.added_at), "state": str(item.state)},
        "first_seen": utc_z(spread.first_seen),
        "media": [{"media_sha256": m.media_sha256, "card_status": str(m.card_status), "places": m.places,
                   "first_seen": utc_z(m.first_seen), "last_seen": utc_z(m.last_seen)} for m in spread.media],
        "channels": [{"source_id": c.source_id, "channel": c.channel, "channel_title": c.channel_title,
                      "platform": c.platform, "places": c.places, "first_seen": utc_z(c.first_seen),
                      "last_seen": utc_z(c.last_seen)} for c in spread.channels],
        "forwards": [{"location": p.location, "channel": p.channel, "seen_at": utc_z(p.seen_at),
                      "forwarded_from": forward_json(p.forwarded_from)} for p in spread.forwards],
        "places": [place_json(place) for place in spread.places],
    }  # fmt: skip


def source_json(spread: DistributorSpread) -> dict[str, Any]:
    return {
        "source_id": spread.source_id, "source_kind": spread.source_kind,
        "first_seen": utc_z(spread.first_seen), "last_seen": utc_z(spread.last_seen),
        "online": {str(state): spread.count(state) for state in Online},
        "posters": [poster_json(p.poster) | {"places": p.places, "first_seen": utc_z(p.first_seen),
                                             "last_seen": utc_z(p.last_seen)} for p in spread.posters],
        "places": [place_json(place) for place in spread.places],
    }  # fmt: skip


def json_bytes(document: Any) -> bytes:
    """UTF-8 JSON as written for people and programs alike: names as they are (Korean unescaped), indented."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _row(place: SpreadPlace) -> list[object]:
    p, who, came = place, place.poster, place.forwarded_from
    origin = (origin_channel(came), came.peer_id, came.message_id, came.link, utc_z(came.date)) if came else ()
    return [
        p.item_id, p.case, p.label, p.media_sha256, p.card_status, p.location, p.media_url, p.source_id,
        p.source_kind, p.platform, p.channel, p.channel_title, p.message_id, who.key, who.sender_id,
        who.sender_username, who.sender_name, who.author_signature, utc_z(p.posted_at), utc_z(p.seen_at),
        p.packet_id, p.online, utc_z(p.checked_at), *(origin or (None,) * 5), p.sighting_id,
    ]  # fmt: skip


def places_csv(places: Iterable[SpreadPlace]) -> bytes:
    """One row per place under ``PLACE_COLUMNS``; an empty cell is a fact the platform did not give."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PLACE_COLUMNS)
    for place in places:
        writer.writerow(spreadsheet_cell("" if cell is None else str(cell)) for cell in _row(place))
    return buffer.getvalue().encode("utf-8")


def items_csv(spreads: Sequence[ItemSpread]) -> bytes:
    return places_csv(place for spread in spreads for place in spread.places)


def sources_csv(spreads: Sequence[DistributorSpread]) -> bytes:
    return places_csv(place for spread in spreads for place in spread.places)


__all__ = [
    "PLACE_COLUMNS", "item_json", "items_csv", "json_bytes", "place_json", "places_csv", "source_json",
    "sources_csv",
]  # fmt: skip

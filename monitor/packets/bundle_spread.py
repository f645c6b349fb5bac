"""The spread files of a bundle: ``spread-items.csv|json`` and ``spread-sources.csv|json`` (``monitor/spread.py``).

Investigators asked for the whole spread of the pictures and distributors a bundle is about, not only the
places whose packets it holds: where else the same picture went, what else the same channel posted. So the
views cover every place of the exported packets' items and sources — but only places of the exported
packets' **cases**. A bundle is handed to one recipient for one case (or for chosen hits of it); a channel
that posted pictures of two victims must not tell the police of one case where the other victim's pictures
are, and a hash-only bundle must not become a list of another case's addresses. No picture is in any of
them; the signed ``documents-sha256.txt`` lists them with the bundle's other documents.
"""

from __future__ import annotations

from collections.abc import Iterable

from evidence.bundle_layout import SPREAD_DOCUMENTS
from monitor.records import HitRecord
from monitor.spread import DistributorSpread, ItemSpread, SpreadStore, item_spread, source_spread
from monitor.spread_rendering import item_json, items_csv, json_bytes, source_json, sources_csv

ITEMS_CSV, ITEMS_JSON, SOURCES_CSV, SOURCES_JSON = SPREAD_DOCUMENTS


async def spread_documents(store: SpreadStore, hits: Iterable[HitRecord]) -> dict[str, bytes]:
    """The four spread files (bundle name under ``data/`` → bytes) for the exported packets' ``hits``."""
    hits = list(hits)
    cases = tuple(sorted({hit.case for hit in hits}))
    items: list[ItemSpread] = []
    for item in sorted({hit.item_id for hit in hits}):
        if (spread := await item_spread(store, item, cases)) is not None:
            items.append(spread)
    sources: list[DistributorSpread] = []
    for source in sorted({hit.source_id for hit in hits}):
        if (found := await source_spread(store, source, cases)) is not None:
            sources.append(found)
    return {
        ITEMS_CSV: items_csv(items),
        ITEMS_JSON: json_bytes({"cases": list(cases), "items": [item_json(spread) for spread in items]}),
        SOURCES_CSV: sources_csv(sources),
        SOURCES_JSON: json_bytes({"cases": list(cases), "sources": [source_json(spread) for spread in sources]}),
    }

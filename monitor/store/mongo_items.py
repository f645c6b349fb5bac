"""The MongoDB store's migration to blocklist items: entries and hits stored before items get theirs.

The same rule as the SQLite store's (``monitor/store/legacy_items.py``): one ``add-images`` picture becomes
one item, anything else an item of its own. Run by ``MongoStore.open``; a store already migrated has no
entry or hit without ``item_id``, so it costs two index lookups.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pymongo.operations import UpdateOne

from monitor.records import BlocklistEntry, items_of, own_item_id
from monitor.store.legacy_items import legacy_item_ids
from monitor.store.serialise import from_document, to_document


async def assign_items(db: Any) -> None:
    """Give old entries their item (and store the items), then old hits their entry's item and hash."""
    old = [document async for document in db["blocklist"].find({"item_id": {"$exists": False}})]
    entries = [from_document(BlocklistEntry, {k: v for k, v in doc.items() if k != "_id"}) for doc in old]
    item_ids = legacy_item_ids(entries)
    if entries:
        grouped = [dataclasses.replace(entry, item_id=item_ids[entry.id]) for entry in entries]
        items = [
            UpdateOne({"_id": item.id}, {"$setOnInsert": to_document(item)}, upsert=True) for item in items_of(grouped)
        ]
        await db["blocklist_items"].bulk_write(items, ordered=False)
        updates = [UpdateOne({"_id": entry.id}, {"$set": {"item_id": entry.item_id}}) for entry in grouped]
        await db["blocklist"].bulk_write(updates, ordered=False)
    hits = [document async for document in db["hits"].find({"item_id": {"$exists": False}}, {"entry_id": 1})]
    if hits:
        wanted = list({str(hit["entry_id"]) for hit in hits})
        known = {doc["_id"]: doc async for doc in db["blocklist"].find({"_id": {"$in": wanted}})}
        fills = []
        for hit in hits:
            entry = known.get(hit["entry_id"], {})
            item, value = entry.get("item_id") or own_item_id(hit["entry_id"]), entry.get("value", "")
            fills.append(UpdateOne({"_id": hit["_id"]}, {"$set": {"item_id": item, "entry_value": value}}))
        await db["hits"].bulk_write(fills, ordered=False)

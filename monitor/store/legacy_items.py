"""Which blocklist item each entry of a store made before items belongs to (both stores' migrations).

Why not group by ``(case, label, origin, added_at)``? ``added_at`` was stamped per entry, not per call, so
the entries of one picture never share it. What one ``add-images`` call did leave is recoverable, though:
it labelled the hashes of its n-th picture ``"<label> n"`` with origin ``victim intake``, one entry per
(signal, crop) — exactly one plain SHA-256 among them. Such a group is therefore one picture, and becomes the
item a new ``add-images`` of that picture would make (``picture_item_id`` of its SHA-256). A group that
holds a (signal, crop) twice is two calls that reused a label for different pictures: it cannot be told
apart, so each of its entries stays an item of its own, as does every entry of any other origin (an
imported list never said which rows go together). Nothing is merged on a guess; an unmerged entry only
costs a reviewer one more card.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.records import BlocklistEntry, picture_item_id

INTAKE_ORIGIN = "victim intake"


def legacy_item_ids(entries: Sequence[BlocklistEntry]) -> dict[str, str]:
    """``entry id → item id`` for every entry (entries that stay alone keep ``own_item_id``)."""
    groups: dict[tuple[str, str], list[BlocklistEntry]] = {}
    for entry in entries:
        if entry.origin == INTAKE_ORIGIN and entry.label:
            groups.setdefault((entry.case, entry.label), []).append(entry)
    items = {entry.id: entry.item_id for entry in entries}
    for (case, _), group in groups.items():
        signals = [(entry.hash_type, entry.variant) for entry in group]
        plain = [entry.value for entry in group if entry.hash_type == "sha256" and not entry.variant]
        if len(plain) == 1 and len(set(signals)) == len(signals):
            for entry in group:
                items[entry.id] = picture_item_id(case, plain[0])
    return items

"""Append custody events to the store, safely when several processes write at once.

The store refuses a second event with the same ``(chain, seq)``; a writer that loses that race reads the
new last event and tries again, so two daemons on one database extend a chain one after the other and
never fork it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from evidence.canonical_json import utc_z
from evidence.custody import CustodyBroken, CustodyEvent, CustodyKind, next_event, verify_chain
from monitor.errors import StoreError
from monitor.store.base import CustodyStore

ATTEMPTS = 200  # each lost race means another writer's event went in: the chain moves on every round


def now_ms() -> datetime:
    """UTC now at millisecond precision: what the hashed ISO form of an event carries."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def append_event(
    store: CustodyStore, chain: str, kind: CustodyKind, actor: str, details: Mapping[str, Any]
) -> CustodyEvent:
    for _ in range(ATTEMPTS):
        previous = await store.last_custody_event(chain)
        event = next_event(previous, chain, kind, actor, details, now_ms())
        if await store.append_custody(event):
            return event
        await asyncio.sleep(random.uniform(0, 0.005))  # let the winner's writes settle before reading again
    raise StoreError(f"custody chain {chain}: could not append a {kind} event after {ATTEMPTS} attempts")


async def verify_all_chains(store: CustodyStore) -> int:
    """Check every chain in the store; ``CustodyBroken`` names the first bad event. Returns events checked."""
    checked = 0
    for chain in await store.custody_chains():
        events = await store.custody_events(chain)
        verify_chain(events)
        checked += len(events)
    return checked


def last_check(events: Sequence[CustodyEvent]) -> str:
    """For takedown.csv: ``yes``/``no``/``unknown`` at the last re-check, with its time and result."""
    checks = [e for e in events if e.kind == CustodyKind.RECHECKED]
    if not checks:
        return "unknown (no re-check yet)"
    last = checks[-1]
    online = last.details.get("online")
    answer = "unknown" if online is None else "yes" if online else "no"
    return f"{answer} ({utc_z(last.at)}: {last.details.get('result', '')})"


__all__ = ["CustodyBroken", "append_event", "last_check", "now_ms", "verify_all_chains"]

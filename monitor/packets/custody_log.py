"""Append custody events to the store, safely when several processes write at once.

The store refuses a second event with the same ``(chain, seq)``; a writer that loses that race reads the
new last event and tries again, so two daemons on one database extend a chain one after the other and
never fork it. Every event is signed with the packet signing key as it is written (``evidence/custody.py``
says why), so whoever can write to the database still cannot rewrite the log.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.canonical_json import utc_z
from evidence.custody import ChainCheck, CustodyBroken, CustodyEvent, CustodyKind, next_event, verify_chain
from monitor.errors import StoreError
from monitor.store.base import CustodyStore

ATTEMPTS = 200  # each lost race means another writer's event went in: the chain moves on every round


def now_ms() -> datetime:
    """UTC now at millisecond precision: what the hashed ISO form of an event carries."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def append_event(
    store: CustodyStore, chain: str, kind: CustodyKind, actor: str, details: Mapping[str, Any], *,
    signer: Ed25519PrivateKey | None,
) -> CustodyEvent:  # fmt: skip
    """Append an event signed by ``signer`` (the monitor's signing key; ``None`` only in tests of history:
    an unsigned event after a signed one breaks the chain)."""
    for _ in range(ATTEMPTS):
        previous = await store.last_custody_event(chain)
        event = next_event(previous, chain, kind, actor, details, now_ms(), signer)
        if await store.append_custody(event):
            return event
        await asyncio.sleep(random.uniform(0, 0.005))  # let the winner's writes settle before reading again
    raise StoreError(f"custody chain {chain}: could not append a {kind} event after {ATTEMPTS} attempts")


async def verify_all_chains(store: CustodyStore, public_pem: bytes) -> ChainCheck:
    """Check every chain in the store against the signing key; ``CustodyBroken`` names the first bad event.
    Returns the events checked, and how many of them were written unsigned (before events were signed)."""
    checked = unsigned = 0
    for chain in await store.custody_chains():
        found = verify_chain(await store.custody_events(chain), public_pem)
        checked, unsigned = checked + found.events, unsigned + found.unsigned
    return ChainCheck(checked, unsigned)


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

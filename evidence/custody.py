"""The custody log: append-only, hash-chained events per packet (captured, viewed, exported…).

Each packet has its own chain (``chain`` = packet id), so the events of exported packets form complete
chains that a recipient can check without the rest of the log. Event ``seq`` 0 has no predecessor; every
later event carries the SHA-256 of the one before it (``prev_hash``), and its own ``hash`` covers all its
fields. An edited event no longer matches its hash; a deleted or re-ordered one breaks the sequence or
the link. Pure functions: storing events is the store's job (``monitor/packets/custody_log.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from evidence.canonical_json import utc_z
from evidence.errors import EvidenceError

GENESIS = "0" * 64


class CustodyKind(StrEnum):
    """What happened to a packet. The value is what the chain records (and what its hash covers)."""

    CAPTURED = "captured"  # the packet was written (always the first event of a chain)
    TIMESTAMPED = "timestamped"  # an RFC 3161 token was added
    VIEWED = "viewed"  # a reviewer opened the hit page
    REVEALED = "revealed"  # an investigator saw the original picture
    DECIDED = "decided"  # a reviewer's verdict
    EXPORTED = "exported"  # the packet went into a bundle (recipient, reason)
    PURGED = "purged"  # its pictures were deleted (the files and their digests are named)
    RECHECKED = "rechecked"  # its location was checked for removal


KINDS = tuple(CustodyKind)


class CustodyBroken(EvidenceError):
    """A chain does not verify; ``chain`` and ``seq`` name the first event that fails."""

    def __init__(self, message: str, *, chain: str, seq: int) -> None:
        super().__init__(message)
        self.chain = chain
        self.seq = seq


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    chain: str
    seq: int
    kind: str  # a CustodyKind when written here; kept as read, so a newer kind still verifies
    at: datetime
    actor: str
    details: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """The hashed fields, as canonical JSON would render them."""
        return {
            "chain": self.chain, "seq": self.seq, "kind": self.kind, "at": utc_z(self.at), "actor": self.actor,
            "details": dict(self.details), "prev_hash": self.prev_hash,
        }  # fmt: skip

    def to_json_line(self) -> str:
        return json.dumps(self.body() | {"hash": self.hash}, ensure_ascii=False, sort_keys=True)


def event_hash(event: CustodyEvent) -> str:
    return hashlib.sha256(json.dumps(event.body(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def next_event(
    previous: CustodyEvent | None, chain: str, kind: CustodyKind, actor: str, details: Mapping[str, Any], at: datetime
) -> CustodyEvent:
    """The event that follows ``previous`` in ``chain`` (the first one when ``previous`` is ``None``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown custody event kind {kind!r}")
    seq = 0 if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    draft = CustodyEvent(chain, seq, kind, at, actor, details, prev_hash)
    return CustodyEvent(chain, seq, kind, at, actor, details, prev_hash, event_hash(draft))


def verify_chain(events: Sequence[CustodyEvent]) -> None:
    """Raise ``CustodyBroken`` at the first event that was edited, removed, added or moved."""
    previous: CustodyEvent | None = None
    for position, event in enumerate(events):
        where = f"custody chain {event.chain}, event {event.seq} ({event.kind})"
        if event.seq != position:
            raise CustodyBroken(
                f"{where}: expected event {position} here (removed or re-ordered)", chain=event.chain, seq=event.seq
            )
        expected_prev = GENESIS if previous is None else previous.hash
        if event.prev_hash != expected_prev:
            raise CustodyBroken(f"{where}: does not link to the event before it", chain=event.chain, seq=event.seq)
        if event_hash(event) != event.hash:
            raise CustodyBroken(
                f"{where}: its content does not match its hash (edited)", chain=event.chain, seq=event.seq
            )
        previous = event


def event_from_json(line: str) -> CustodyEvent:
    data = json.loads(line)
    at = datetime.fromisoformat(data["at"].replace("Z", "+00:00"))
    return CustodyEvent(data["chain"], data["seq"], str(data["kind"]), at, data["actor"], data["details"],
                        data["prev_hash"], data["hash"])  # fmt: skip

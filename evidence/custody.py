"""The custody log: append-only, hash-chained events per packet (captured, viewed, exported…).

Each packet has its own chain (``chain`` = packet id), so the events of exported packets form complete
chains that a recipient can check without the rest of the log. Event ``seq`` 0 has no predecessor; every
later event carries the SHA-256 of the one before it (``prev_hash``), and its own ``hash`` covers all its
fields. An edited event no longer matches its hash; a deleted or re-ordered one breaks the sequence or
the link. Pure functions: storing events is the store's job (``monitor/packets/custody_log.py``).

Why sign each event? Hash links alone can be recomputed: whoever can write the log could delete a
``revealed`` event, or change an export's recipient, and re-hash everything after it. So every event is
also signed with the packet signing key (Ed25519, ``evidence/signing.py``): ``signature`` is the base64
Ed25519 signature of the ASCII ``hash`` (which covers ``prev_hash``, so each signature vouches for the
whole chain before it). A rewrite now needs the key. Events written before signing existed carry no
signature: they still verify and are counted as unsigned, but once a chain has a signed event, an
unsigned one after it is a failure (a stripped signature or an inserted event).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.canonical_json import utc_z
from evidence.errors import EvidenceError
from evidence.signing import sign, signature_valid

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
    NOTIFIED = "notified"  # a takedown notice naming its location was sent, failed, or submitted by hand
    FLAGGED = "flagged"  # a reviewer set the card's routing facts (suspected minor, legal category)


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
    signature: str = ""  # base64 Ed25519 over ``hash``; empty in events written before signing

    @property
    def signed(self) -> bool:
        return bool(self.signature)

    def body(self) -> dict[str, Any]:
        """The hashed fields, as canonical JSON would render them."""
        return {
            "chain": self.chain, "seq": self.seq, "kind": self.kind, "at": utc_z(self.at), "actor": self.actor,
            "details": dict(self.details), "prev_hash": self.prev_hash,
        }  # fmt: skip

    def to_json_line(self) -> str:
        sealed = {"hash": self.hash} | ({"signature": self.signature} if self.signature else {})
        return json.dumps(self.body() | sealed, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What ``verify_chain`` found: how many events, and how many of them (the oldest) carry no signature."""

    events: int
    unsigned: int


def event_hash(event: CustodyEvent) -> str:
    return hashlib.sha256(json.dumps(event.body(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def next_event(
    previous: CustodyEvent | None, chain: str, kind: CustodyKind, actor: str, details: Mapping[str, Any], at: datetime,
    signer: Ed25519PrivateKey | None = None,
) -> CustodyEvent:  # fmt: skip
    """The event that follows ``previous`` in ``chain`` (the first one when ``previous`` is ``None``), signed
    with ``signer`` when one is given (every event jikimi writes is; unsigned ones are for tests and history)."""
    if kind not in KINDS:
        raise ValueError(f"unknown custody event kind {kind!r}")
    seq = 0 if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    draft = CustodyEvent(chain, seq, kind, at, actor, details, prev_hash)
    digest = event_hash(draft)
    signature = "" if signer is None else base64.b64encode(sign(signer, digest.encode("ascii"))).decode("ascii")
    return CustodyEvent(chain, seq, kind, at, actor, details, prev_hash, digest, signature)


def _signature_matches(event: CustodyEvent, public_pem: bytes) -> bool:
    try:
        raw = base64.b64decode(event.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return signature_valid(public_pem, event.hash.encode("ascii"), raw)


def verify_chain(events: Sequence[CustodyEvent], public_pem: bytes, *, signed_from_start: bool = False) -> ChainCheck:
    """Raise ``CustodyBroken`` at the first event that was edited, removed, added, moved or not signed by the
    key ``public_pem``. Unsigned events are allowed only before the first signed one (history), and not at
    all when ``signed_from_start`` (the packet was written by a version that signs every event)."""
    previous: CustodyEvent | None = None
    unsigned = 0
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
        if event.signed and not _signature_matches(event, public_pem):
            raise CustodyBroken(
                f"{where}: its signature does not match the signing key (rewritten or signed by another key)",
                chain=event.chain, seq=event.seq,
            )  # fmt: skip
        if not event.signed:
            if signed_from_start or position > unsigned:
                why = "its packet promises signed custody" if signed_from_start else "it follows a signed event"
                raise CustodyBroken(
                    f"{where}: not signed, but {why} (a signature was stripped or the event inserted)",
                    chain=event.chain, seq=event.seq,
                )  # fmt: skip
            unsigned += 1
        previous = event
    return ChainCheck(len(events), unsigned)


FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "chain": str, "seq": int, "kind": str, "at": str, "actor": str, "details": dict, "prev_hash": str, "hash": str,
    "signature": (str, type(None)),
}  # fmt: skip


def event_from_json(line: str) -> CustodyEvent:
    """An event from one line of a chain file; ``ValueError`` when a field is missing or of the wrong type
    (the line may come from a bundle someone crafted)."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("a custody line is not a JSON object")
    for name, kind in FIELD_TYPES.items():
        if not isinstance(data.get(name), kind) or (name == "seq" and isinstance(data[name], bool)):
            raise ValueError(f"custody event field {name!r} is missing or of the wrong type")
    at = datetime.fromisoformat(data["at"].replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError(f"custody event time {data['at']!r} has no time zone (events are in UTC, with Z)")
    return CustodyEvent(data["chain"], data["seq"], str(data["kind"]), at, data["actor"], data["details"],
                        data["prev_hash"], data["hash"], str(data.get("signature") or ""))  # fmt: skip

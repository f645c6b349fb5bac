"""A packet's custody chain as ``jikimi export`` puts it in a bundle (captured, viewed, exported; signed), for
tests that build bundles by hand with ``export_bundle``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.custody import next_event


def exported_chain(
    packet_id: str, manifest_sha256: str, signer: Ed25519PrivateKey, change: Callable[[list[str]], list[str]] = list
) -> dict[str, bytes]:
    """The bundle member ``custody/<packet id>.jsonl`` of a chain signed by ``signer``, optionally ``change``d
    (its JSON lines in, the lines to write out)."""
    events, previous, at = [], None, datetime(2026, 11, 1, 13, tzinfo=UTC)
    for kind in ("captured", "viewed", "exported"):
        details: dict[str, object] = {"by": "test"}
        if kind == "captured":
            details = {"manifest_sha256": manifest_sha256}
        elif kind == "exported":
            details = {"by": "test", "export_id": "export-1", "packets": 1}
        previous = next_event(previous, packet_id, kind, "tester", details, at, signer)
        events.append(previous.to_json_line())
    return {f"custody/{packet_id}.jsonl": ("\n".join(change(events)) + "\n").encode()}

"""Check the custody chains of a bundle: each chain, and that together they are this bundle's export.

Each chain must be whole and signed by the bundle's key (``evidence/custody.py``) and begin with the
capture of its packet's manifest. A chain signed by this version ends with the ``exported`` event of this
bundle: every packet's last event names the same ``export_id`` and the number of packets exported, so a
chain cut short, a packet taken out of the bundle or a chain from another export is found. At export the
SHA-256 of every chain is listed in ``data/custody-sha256.txt`` and that list is time-stamped,
which dates the chain heads: events cannot be dropped from the end afterwards without the key *and* the
authority.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evidence.bundle import PAYLOAD
from evidence.bundle_layout import CUSTODY, CUSTODY_MANIFEST
from evidence.custody import ChainCheck, CustodyBroken, CustodyEvent, CustodyKind, event_from_json, verify_chain
from evidence.errors import VerificationFailed
from evidence.manifest import file_sha256, parse_manifest, render_manifest


@dataclass(frozen=True, slots=True)
class PacketCustody:
    """What one packet's verified chain says: its counts, its export and its time-stamp token."""

    check: ChainCheck
    last: CustodyEvent
    exported_at: datetime | None  # the last ``exported`` event's time
    token_sha256: str | None  # the token the last ``timestamped`` event records

    @property
    def signed(self) -> bool:
        return self.check.unsigned < self.check.events


def _fail(path: str, message: str) -> VerificationFailed:
    return VerificationFailed(f"{path}: {message}", path=path)


def chain_name(packet_id: str) -> str:
    return f"{CUSTODY}{packet_id}.jsonl"


def check_packet_custody(
    folder: Path, packet_id: str, manifest_sha256: str, public_pem: bytes, signed_from_start: bool
) -> PacketCustody:
    """The packet's custody chain is whole, signed, and begins with the capture of exactly this manifest."""
    name = chain_name(packet_id)
    if not (folder / name).is_file():
        raise _fail(name, "missing (every packet carries its custody chain)")
    try:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        events = [event_from_json(line) for line in lines if line.strip()]
        check = verify_chain(events, public_pem, signed_from_start=signed_from_start)
    except (ValueError, KeyError, TypeError, AttributeError, CustodyBroken) as exc:
        raise _fail(name, str(exc)) from None
    if any(event.chain != packet_id for event in events):
        raise _fail(name, f"holds events of another packet than {packet_id}")
    first = events[0] if events else None
    if first is None or first.kind != CustodyKind.CAPTURED or first.details.get("manifest_sha256") != manifest_sha256:
        raise _fail(name, f"does not begin with the capture of data/packets/{packet_id}/manifest-sha256.txt")
    exported = [event for event in events if event.kind == CustodyKind.EXPORTED]
    stamped = [event for event in events if event.kind == CustodyKind.TIMESTAMPED]
    token = str(stamped[-1].details.get("token_sha256") or "") if stamped else ""
    return PacketCustody(check, events[-1], exported[-1].at if exported else None, token or None)


def check_export(custody: Mapping[str, PacketCustody]) -> str | None:
    """Signed chains end with this bundle's export, all with one ``export_id`` and its packet count; the
    reason it could not be checked otherwise (chains from before export ids)."""
    signed = {packet_id: chain for packet_id, chain in custody.items() if chain.signed}
    for packet_id, chain in signed.items():
        if chain.last.kind != CustodyKind.EXPORTED or "export_id" not in chain.last.details:
            raise _fail(chain_name(packet_id), "does not end with the export of this bundle (events cut off its end?)")
    exports = {str(chain.last.details["export_id"]) for chain in signed.values()}
    if len(exports) > 1:
        raise _fail(CUSTODY, f"the chains end with {len(exports)} different exports: chains of other bundles mixed in")
    for packet_id, chain in signed.items():
        declared = chain.last.details.get("packets")
        if declared != len(custody):
            raise _fail(
                chain_name(packet_id),
                f"its export holds {declared} packets, this bundle {len(custody)} (packets removed or added)",
            )
    if len(signed) < len(custody):
        return "that this bundle holds every packet of its export (chains written before signing)"
    return None


def check_custody_manifest(folder: Path, names: Collection[str], packet_ids: Sequence[str]) -> bytes | None:
    """The chains match the list made at export; the list's bytes (for its token), ``None`` when there is none."""
    if CUSTODY_MANIFEST not in names:
        return None
    data = (folder / CUSTODY_MANIFEST).read_bytes()
    try:
        listed = parse_manifest(data.decode("utf-8"), CUSTODY_MANIFEST)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(CUSTODY_MANIFEST, f"unreadable ({exc})") from None
    expected = {chain_name(packet_id).removeprefix(PAYLOAD) for packet_id in packet_ids}
    if set(listed) != expected:
        raise _fail(CUSTODY_MANIFEST, "does not list exactly the custody chains of the bundle's packets")
    for chain, digest in listed.items():
        if file_sha256(folder / PAYLOAD / chain) != digest:
            raise _fail(PAYLOAD + chain, f"SHA-256 does not match {CUSTODY_MANIFEST} (changed after export)")
    return data


def render_custody_manifest(chains: Mapping[str, bytes]) -> bytes:
    """``<sha256>  custody/<packet id>.jsonl`` for each chain file of an export (``cd data && sha256sum -c``)."""
    return render_manifest({name: hashlib.sha256(data).hexdigest() for name, data in chains.items()})

"""Check an exported bundle offline: every file against the bundle manifest, then every packet's manifest.

Stops at the first failure and names the file, because an investigator needs to know exactly what
changed. Nothing here needs the store, the keys or the network.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from evidence.bundle import PUBLIC_KEY_NAME, TSA_CHAIN_NAME
from evidence.canonical_json import utc_z
from evidence.custody import CustodyBroken, event_from_json, verify_chain
from evidence.errors import VerificationFailed
from evidence.manifest import MANIFEST_NAME, parse_manifest
from evidence.signing import SIGNATURE_SUFFIX, signature_valid
from evidence.timestamping import TOKEN_SUFFIX, TimestampInvalid, verify_token


@dataclass(frozen=True, slots=True)
class VerifyReport:
    bundle: Path
    files: int
    packets: tuple[str, ...]
    timestamps: dict[str, str] = field(default_factory=dict)  # packet id → authority time (UTC) or "awaiting"


def _digest(bundle: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with bundle.open(name) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_manifest(bundle: zipfile.ZipFile, name: str) -> dict[str, str]:
    try:
        return parse_manifest(bundle.read(name).decode("utf-8"), name)
    except KeyError:
        raise VerificationFailed(f"{name}: missing", path=name) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerificationFailed(f"{name}: unreadable manifest ({exc})", path=name) from None


def _check_bundle_manifest(bundle: zipfile.ZipFile) -> dict[str, str]:
    listed = _read_manifest(bundle, MANIFEST_NAME)
    present = {info.filename for info in bundle.infolist() if not info.is_dir()} - {MANIFEST_NAME}
    for name in sorted(listed):
        if name not in present:
            raise VerificationFailed(f"{name}: listed in {MANIFEST_NAME} but missing from the bundle", path=name)
        if _digest(bundle, name) != listed[name]:
            raise VerificationFailed(f"{name}: SHA-256 does not match {MANIFEST_NAME} (file altered)", path=name)
    for name in sorted(present - set(listed)):
        raise VerificationFailed(f"{name}: not listed in {MANIFEST_NAME} (file added)", path=name)
    return listed


def _check_signature(bundle: zipfile.ZipFile, manifest_name: str, listed: dict[str, str]) -> None:
    signature_name = manifest_name + SIGNATURE_SUFFIX
    if signature_name not in listed:
        raise VerificationFailed(f"{signature_name}: missing (every packet manifest is signed)", path=signature_name)
    if PUBLIC_KEY_NAME not in listed:
        raise VerificationFailed(f"{PUBLIC_KEY_NAME}: missing, so no signature can be checked", path=PUBLIC_KEY_NAME)
    if not signature_valid(bundle.read(PUBLIC_KEY_NAME), bundle.read(manifest_name), bundle.read(signature_name)):
        raise VerificationFailed(
            f"{signature_name}: the Ed25519 signature does not match {manifest_name} and {PUBLIC_KEY_NAME}",
            path=signature_name,
        )


def _check_custody(bundle: zipfile.ZipFile, packet_id: str, manifest_name: str, listed: dict[str, str]) -> None:
    """The packet's custody chain is whole, and begins with the capture of exactly this manifest."""
    name = f"custody/{packet_id}.jsonl"
    if name not in listed:
        raise VerificationFailed(f"{name}: missing (every packet carries its custody chain)", path=name)
    try:
        events = [event_from_json(line) for line in bundle.read(name).decode("utf-8").splitlines() if line.strip()]
        verify_chain(events)
    except (ValueError, KeyError, CustodyBroken) as exc:
        raise VerificationFailed(f"{name}: {exc}", path=name) from None
    manifest_sha256 = hashlib.sha256(bundle.read(manifest_name)).hexdigest()
    if not events or events[0].kind != "captured" or events[0].details.get("manifest_sha256") != manifest_sha256:
        raise VerificationFailed(f"{name}: does not begin with the capture of {manifest_name}", path=name)


def _check_timestamp(bundle: zipfile.ZipFile, manifest_name: str, listed: dict[str, str]) -> str:
    token_name = manifest_name + TOKEN_SUFFIX
    if token_name not in listed:
        return "awaiting"
    if TSA_CHAIN_NAME not in listed:
        raise VerificationFailed(f"{TSA_CHAIN_NAME}: missing, so {token_name} cannot be checked", path=TSA_CHAIN_NAME)
    try:
        stamped = verify_token(bundle.read(token_name), bundle.read(manifest_name), bundle.read(TSA_CHAIN_NAME))
    except TimestampInvalid as exc:
        raise VerificationFailed(f"{token_name}: {exc}", path=token_name) from None
    return utc_z(stamped) or ""


def _check_packets(bundle: zipfile.ZipFile, listed: dict[str, str], stamps: dict[str, str]) -> list[str]:
    packet_ids = sorted({PurePosixPath(name).parts[1] for name in listed if name.startswith("packets/")})
    for packet_id in packet_ids:
        prefix = f"packets/{packet_id}/"
        manifest_name = prefix + MANIFEST_NAME
        _check_signature(bundle, manifest_name, listed)
        _check_custody(bundle, packet_id, manifest_name, listed)
        stamps[packet_id] = _check_timestamp(bundle, manifest_name, listed)
        for name, digest in _read_manifest(bundle, manifest_name).items():
            member = prefix + name
            if member not in listed:
                if name.startswith("media/"):
                    continue  # a hash-only bundle: the media digest stays in the packet manifest
                raise VerificationFailed(f"{member}: listed in {manifest_name} but missing", path=member)
            if listed[member] != digest:
                raise VerificationFailed(f"{member}: SHA-256 does not match {manifest_name}", path=member)
    return packet_ids


def verify_bundle(path: Path) -> VerifyReport:
    """Raise ``VerificationFailed`` naming the first bad file; return what was checked otherwise."""
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise VerificationFailed(f"{path}: not a readable bundle ({exc})", path=str(path)) from None
    with bundle:
        try:
            listed = _check_bundle_manifest(bundle)
            stamps: dict[str, str] = {}
            packet_ids = _check_packets(bundle, listed, stamps)
        except (zipfile.BadZipFile, OSError) as exc:  # a corrupted member (CRC error) or stream
            raise VerificationFailed(f"{path}: corrupted archive member ({exc})", path=str(exc)) from None
    return VerifyReport(path, len(listed) + 1, tuple(packet_ids), stamps)

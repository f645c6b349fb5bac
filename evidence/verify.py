"""Check an exported bundle offline: the bag, then every packet's manifest, signature, custody and token.

Stops at the first failure and names the file, because an investigator needs to know exactly what
changed. Nothing here needs the store, the keys (but the public ones in the bundle) or the network.
"""

from __future__ import annotations

import functools
import hashlib
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import bagit

from evidence.bundle import PAYLOAD, PUBLIC_KEY_NAME, TSA_CHAIN_NAME
from evidence.canonical_json import utc_z
from evidence.custody import CustodyBroken, CustodyKind, event_from_json, verify_chain
from evidence.errors import VerificationFailed
from evidence.inert_names import bundle_name
from evidence.manifest import MANIFEST_NAME, first_mismatch, parse_manifest
from evidence.signing import SIGNATURE_SUFFIX, signature_valid
from evidence.timestamping import TOKEN_SUFFIX, TimestampInvalid, verify_token


@dataclass(frozen=True, slots=True)
class VerifyReport:
    bundle: Path
    files: int
    packets: tuple[str, ...]
    timestamps: dict[str, str] = field(default_factory=dict)  # packet id → authority time (UTC) or "awaiting"


def _fail(path: str, message: str) -> VerificationFailed:
    return VerificationFailed(f"{path}: {message}", path=path)


def _check_completeness(folder: Path) -> None:
    """Name a payload file that is missing or was added (bagit's Payload-Oxum check only counts them)."""
    try:
        listed = set(parse_manifest(_read(folder, MANIFEST_NAME).decode("utf-8"), MANIFEST_NAME))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _fail(MANIFEST_NAME, f"unreadable ({exc})") from None
    present = {p.relative_to(folder).as_posix() for p in (folder / PAYLOAD).rglob("*") if p.is_file()}
    for name in sorted(listed - present):
        raise _fail(name, f"listed in {MANIFEST_NAME} but not found in the bundle (removed)")
    for name in sorted(present - listed):
        raise _fail(name, "in the bundle but not in the manifest (added)")


def _check_bag(folder: Path) -> None:
    """The bagit library's validation: manifests (SHA-256, SHA-512), tag manifests, Payload-Oxum, extra files."""
    _check_completeness(folder)
    try:
        bagit.Bag(str(folder)).validate(processes=1)
    except bagit.BagValidationError as exc:
        first = exc.details[0] if exc.details else None
        path = str(getattr(first, "path", "") or "bag-info.txt")
        raise _fail(path, str(first or exc.message)) from None
    except bagit.BagError as exc:
        raise _fail("bagit.txt", f"not a valid BagIt bag ({exc})") from None


def _read(folder: Path, name: str) -> bytes:
    return (folder / name).read_bytes()


def _read_if_there(packet: Path, name: str) -> bytes | None:
    path = packet / bundle_name(name)  # a file a browser would run is shipped as ``<name>.txt``
    return path.read_bytes() if path.exists() else None


def _check_signature(folder: Path, manifest: str) -> None:
    signature, key = manifest + SIGNATURE_SUFFIX, PAYLOAD + PUBLIC_KEY_NAME
    if not (folder / signature).exists():
        raise _fail(signature, "missing (every packet manifest is signed)")
    if not (folder / key).exists():
        raise _fail(key, "missing, so no signature can be checked")
    if not signature_valid(_read(folder, key), _read(folder, manifest), _read(folder, signature)):
        raise _fail(signature, f"the Ed25519 signature does not match {manifest} and {key}")


def _check_custody(folder: Path, packet_id: str, manifest: str) -> None:
    """The packet's custody chain is whole, and begins with the capture of exactly this manifest."""
    name = f"{PAYLOAD}custody/{packet_id}.jsonl"
    if not (folder / name).exists():
        raise _fail(name, "missing (every packet carries its custody chain)")
    try:
        lines = _read(folder, name).decode("utf-8").splitlines()
        events = [event_from_json(line) for line in lines if line.strip()]
        verify_chain(events)
    except (ValueError, KeyError, CustodyBroken) as exc:
        raise _fail(name, str(exc)) from None
    manifest_sha256 = hashlib.sha256(_read(folder, manifest)).hexdigest()
    if (
        not events
        or events[0].kind != CustodyKind.CAPTURED
        or events[0].details.get("manifest_sha256") != manifest_sha256
    ):
        raise _fail(name, f"does not begin with the capture of {manifest}")


def _check_timestamp(folder: Path, manifest: str) -> str:
    token, chain = manifest + TOKEN_SUFFIX, PAYLOAD + TSA_CHAIN_NAME
    if not (folder / token).exists():
        return "awaiting"
    if not (folder / chain).exists():
        raise _fail(chain, f"missing, so {token} cannot be checked")
    try:
        stamped = verify_token(_read(folder, token), _read(folder, manifest), _read(folder, chain))
    except TimestampInvalid as exc:
        raise _fail(token, str(exc)) from None
    return utc_z(stamped) or ""


def _check_packets(folder: Path, stamps: dict[str, str]) -> list[str]:
    packets_dir = folder / PAYLOAD / "packets"
    packet_ids = sorted(p.name for p in packets_dir.iterdir()) if packets_dir.is_dir() else []
    for packet_id in packet_ids:
        prefix = f"{PAYLOAD}packets/{packet_id}/"
        manifest = prefix + MANIFEST_NAME
        if not (folder / manifest).exists():
            raise _fail(manifest, "missing")
        try:
            listed = parse_manifest(_read(folder, manifest).decode("utf-8"), manifest)
        except (UnicodeDecodeError, ValueError) as exc:
            raise _fail(manifest, f"unreadable manifest ({exc})") from None
        mismatch = first_mismatch(listed, functools.partial(_read_if_there, folder / prefix), manifest)
        if mismatch is not None:
            name, problem = mismatch
            raise _fail(prefix + name, problem)
        _check_signature(folder, manifest)
        _check_custody(folder, packet_id, manifest)
        stamps[packet_id] = _check_timestamp(folder, manifest)
    return packet_ids


def verify_bundle(path: Path) -> VerifyReport:
    """Raise ``VerificationFailed`` naming the first bad file; return what was checked otherwise."""
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _fail(str(path), f"not a readable bundle ({exc})") from None
    with bundle, tempfile.TemporaryDirectory(prefix="jikimi-verify-") as work:
        folder = Path(work)
        names = [info.filename for info in bundle.infolist() if not info.is_dir()]
        if "bagit.txt" not in names:
            raise _fail("bagit.txt", "missing: not a BagIt bundle")
        for name in names:
            if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
                raise _fail(name, "unsafe path in the bundle")
        try:
            bundle.extractall(folder)
        except (zipfile.BadZipFile, OSError) as exc:  # a corrupted member (CRC error)
            raise _fail(str(path), f"corrupted archive member ({exc})") from None
        _check_bag(folder)
        stamps: dict[str, str] = {}
        packet_ids = _check_packets(folder, stamps)
    return VerifyReport(path, len(names), tuple(packet_ids), stamps)

"""Check an exported bundle offline: the archive, the bag, then every packet's manifest, signature, custody
and token, and that the chains are this bundle's export.

Stops at the first failure and names the file, because an investigator needs to know exactly what
changed. Nothing here needs the store or the network. What a bundle cannot prove about itself — who
signed it, which authority time-stamped it — is checked against what the person verifying pins
(``evidence/pins.py``); what was not pinned, or could not be checked, is listed in ``not_checked`` so the
command can say it out loud instead of printing a bare OK.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import bagit

from evidence.bundle import PAYLOAD, PUBLIC_KEY_NAME, TSA_CHAIN_NAME
from evidence.bundle_archive import extract_checked
from evidence.bundle_layout import (
    CUSTODY_MANIFEST,
    DOCUMENT_LIST,
    PACKETS,
    check_layout,
    check_packet_files,
    inside,
    packet_files_of,
)
from evidence.canonical_json import utc_z
from evidence.document_list import DOCUMENTS_LISTED, check_document_list
from evidence.errors import VerificationFailed
from evidence.manifest import MANIFEST_NAME, file_sha256, first_mismatch, parse_manifest
from evidence.pins import TrustPins
from evidence.signing import SIGNATURE_SUFFIX, key_fingerprint, public_key_id, signature_valid
from evidence.timestamping import TOKEN_SUFFIX, StampCheck, TimestampInvalid, check_token
from evidence.verify_custody import (
    PacketCustody,
    chain_name,
    check_custody_manifest,
    check_export,
    check_packet_custody,
)

CLOCK_SKEW = timedelta(minutes=5)
"""How far the authority's time may lie before the capture (or after the export) that the operator's clock
recorded: the authority rounds to seconds and the two clocks differ a little; a token years off is forged."""
SMALL_FILE = 64 << 20  # manifests, metadata, keys, tokens and chains are read whole, up to this size


@dataclass(frozen=True, slots=True)
class VerifyReport:
    bundle: Path
    files: int
    packets: tuple[str, ...]
    timestamps: dict[str, str] = field(default_factory=dict)  # packet id → authority time (UTC) or "awaiting"
    key_fingerprint: str = ""  # SHA-256 of data/public-key.pem
    key_pinned: bool = False  # the key is the one given with --key
    authorities: tuple[str, ...] = ()  # each time-stamping authority whose tokens verified, with its root
    tsa_pinned: bool = False  # tokens were checked against the roots given with --tsa-root only
    custody_stamped: str | None = None  # when the custody chains were time-stamped at export
    unsigned_events: int = 0  # custody events written before events were signed
    not_checked: tuple[str, ...] = ()  # what the bundle could not prove, one sentence each

    @property
    def untimestamped(self) -> tuple[str, ...]:
        return tuple(packet_id for packet_id in self.packets if self.timestamps.get(packet_id) == "awaiting")


def _fail(path: str, message: str) -> VerificationFailed:
    return VerificationFailed(f"{path}: {message}", path=path)


def _read(folder: Path, name: str) -> bytes:
    path = inside(folder, name)
    if path.stat().st_size > SMALL_FILE:
        raise _fail(name, f"larger than {SMALL_FILE} bytes, too large for what it should be")
    return path.read_bytes()


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


def _signing_key(folder: Path, names: list[str], pins: TrustPins) -> bytes:
    key = PAYLOAD + PUBLIC_KEY_NAME
    if key not in names:
        raise _fail(key, "missing, so no signature can be checked")
    public_pem = _read(folder, key)
    if not pins.key_matches(public_pem):
        raise _fail(
            key,
            f"signed by key {key_fingerprint(public_pem)}, not the key given with --key (re-signed by someone else?)",
        )
    return public_pem


def _utc(text: object) -> datetime | None:
    """A metadata time (UTC, ``Z``); ``None`` when absent, unreadable or without a zone."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


class _BundleCheck:
    """The checks of one extracted bundle, in order; what they found is gathered for the report."""

    def __init__(self, folder: Path, names: list[str], public_pem: bytes, pins: TrustPins) -> None:
        self.folder, self.names, self.public_pem, self.pins = folder, frozenset(names), public_pem, pins
        self.authorities: dict[str, None] = {}
        self.not_checked: dict[str, None] = {}

    def token(self, name: str, data: bytes) -> StampCheck:
        chain = PAYLOAD + TSA_CHAIN_NAME
        if not self.pins.pins_tsa and chain not in self.names:
            raise _fail(chain, f"missing, so {name} cannot be checked")
        chain_pem = b"" if self.pins.pins_tsa else _read(self.folder, chain)
        try:
            stamp = check_token(_read(self.folder, name), data, chain_pem, self.pins.tsa_roots_pem)
        except TimestampInvalid as exc:
            pinned = " against the root you gave with --tsa-root" if self.pins.pins_tsa else ""
            raise _fail(name, f"{exc}{pinned}") from None
        self.authorities[f"{stamp.authority}, root {stamp.root}"] = None
        return stamp

    def packet(self, packet_id: str, present: set[str]) -> tuple[PacketCustody, StampCheck | None]:
        """One packet, whose folder holds the files ``present``: manifest, files, signature, custody, token."""
        prefix = f"{PACKETS}{packet_id}/"
        manifest = prefix + MANIFEST_NAME
        if MANIFEST_NAME not in present:
            raise _fail(manifest, "missing")
        manifest_bytes = _read(self.folder, manifest)
        try:
            listed = parse_manifest(manifest_bytes.decode("utf-8"), manifest)
        except (UnicodeDecodeError, ValueError) as exc:
            raise _fail(manifest, f"unreadable manifest ({exc})") from None
        on_disk = check_packet_files(packet_id, present, listed)

        def digest_of(name: str) -> str | None:
            return file_sha256(inside(self.folder, prefix + on_disk[name])) if name in on_disk else None

        mismatch = first_mismatch(listed, digest_of, manifest)
        if mismatch is not None:
            raise _fail(prefix + mismatch[0], mismatch[1])
        self.signature(manifest, manifest_bytes, present)
        metadata = self.metadata(prefix, listed)
        signed_custody = metadata.get("custody_signed") is True
        custody = check_packet_custody(
            self.folder, packet_id, hashlib.sha256(manifest_bytes).hexdigest(), self.public_pem, signed_custody
        )
        has_token = MANIFEST_NAME + TOKEN_SUFFIX in present
        return custody, self.packet_token(manifest, manifest_bytes, metadata, custody, has_token)

    def signature(self, manifest: str, manifest_bytes: bytes, present: set[str]) -> None:
        signature = manifest + SIGNATURE_SUFFIX
        if MANIFEST_NAME + SIGNATURE_SUFFIX not in present:
            raise _fail(signature, "missing (every packet manifest is signed)")
        if not signature_valid(self.public_pem, manifest_bytes, _read(self.folder, signature)):
            raise _fail(signature, f"the Ed25519 signature does not match {manifest} and {PAYLOAD}{PUBLIC_KEY_NAME}")

    def metadata(self, prefix: str, listed: dict[str, str]) -> dict[str, Any]:
        """The packet's metadata (already checked against the signed manifest), and its key id checked."""
        if "metadata.json" not in listed:
            raise _fail(prefix + MANIFEST_NAME, "lists no metadata.json")
        try:
            metadata = json.loads(_read(self.folder, prefix + "metadata.json"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _fail(prefix + "metadata.json", f"unreadable ({exc})") from None
        if not isinstance(metadata, dict):
            raise _fail(prefix + "metadata.json", "not a JSON object")
        key_id = metadata.get("signing_key_id")
        if key_id is None:
            self.not_checked["signing_key_id (packets whose metadata names no signing key)"] = None
        elif key_id != public_key_id(self.public_pem):
            raise _fail(
                prefix + "metadata.json",
                f"names signing key {key_id}, but {PAYLOAD}{PUBLIC_KEY_NAME} is key {public_key_id(self.public_pem)}",
            )
        return metadata

    def packet_token(
        self, manifest: str, data: bytes, metadata: dict[str, Any], custody: PacketCustody, has_token: bool
    ) -> StampCheck | None:
        """The manifest's token: recorded by the custody chain, from a trusted authority, between capture and export."""
        name = manifest + TOKEN_SUFFIX
        if not has_token:
            if custody.token_sha256 is not None:
                raise _fail(
                    name, f"missing, but the custody chain records token sha256 {custody.token_sha256} (removed)"
                )
            if self.pins.pins_tsa:
                raise _fail(
                    name, "missing: you pinned a time-stamping authority (--tsa-root) and this packet has no token"
                )
            return None
        stamp = self.token(name, data)
        if custody.token_sha256 is not None and file_sha256(inside(self.folder, name)) != custody.token_sha256:
            raise _fail(name, "is not the token its custody chain records (replaced)")
        if custody.token_sha256 is None and custody.signed:
            raise _fail(name, "a token its signed custody chain does not record (added afterwards)")
        captured = _utc(metadata.get("capture_time"))
        if captured is not None and stamp.time < captured - CLOCK_SKEW:
            raise _fail(name, f"time-stamped {utc_z(stamp.time)}, before the capture at {utc_z(captured)} (forged)")
        if custody.exported_at is not None and stamp.time > custody.exported_at + CLOCK_SKEW:
            raise _fail(name, f"time-stamped {utc_z(stamp.time)}, after the export at {utc_z(custody.exported_at)}")
        return stamp

    def custody_heads(self, packet_ids: list[str], custody: dict[str, PacketCustody]) -> str | None:
        """When the chains were time-stamped at export (their SHA-256 list and its token), if they were."""
        listed = check_custody_manifest(self.folder, self.names, packet_ids)
        name = CUSTODY_MANIFEST + TOKEN_SUFFIX
        if listed is None or name not in self.names:
            if self.pins.pins_tsa:
                raise _fail(name, "missing: you pinned a time-stamping authority and the custody chains have no token")
            self.not_checked["when the custody chains were closed (not time-stamped at export)"] = None
            return None
        stamp = self.token(name, listed)
        last = max((chain.last.at for chain in custody.values()), default=None)
        if last is not None and stamp.time < last - CLOCK_SKEW:
            raise _fail(name, f"time-stamped {utc_z(stamp.time)}, before the last custody event at {utc_z(last)}")
        return utc_z(stamp.time)

    def documents(self, custody: dict[str, PacketCustody]) -> None:
        """The documents and bag files are those listed and signed at export (``evidence/document_list.py``);
        checked last, so a changed packet or chain is named before the bag files that changed with it."""
        listed = check_document_list(self.folder, self.names, self.public_pem)
        if listed is None:
            promised = [p for p, chain in custody.items() if chain.signed and chain.last.details.get(DOCUMENTS_LISTED)]
            if promised:
                raise _fail(
                    DOCUMENT_LIST,
                    f"missing, but the signed export event in {chain_name(promised[0])} says it is there (removed)",
                )
            self.not_checked[f"the documents and bag files (no signed {DOCUMENT_LIST}: exported without one)"] = None
            return
        name = DOCUMENT_LIST + TOKEN_SUFFIX
        if name not in self.names:
            if self.pins.pins_tsa:
                raise _fail(name, "missing: you pinned a time-stamping authority and the document list has no token")
            self.not_checked[f"when the documents were listed ({DOCUMENT_LIST} not time-stamped at export)"] = None
            return
        stamp = self.token(name, listed)
        exported = max((chain.exported_at for chain in custody.values() if chain.exported_at), default=None)
        if exported is not None and stamp.time < exported - CLOCK_SKEW:
            raise _fail(name, f"time-stamped {utc_z(stamp.time)}, before the export at {utc_z(exported)}")


def verify_bundle(path: Path, pins: TrustPins | None = None) -> VerifyReport:
    """Raise ``VerificationFailed`` naming the first bad file; return what was checked, and what was not."""
    pins = pins or TrustPins()
    with tempfile.TemporaryDirectory(prefix="jikimi-verify-") as work:
        folder = Path(work)
        names = extract_checked(path, folder)
        if "bagit.txt" not in names:
            raise _fail("bagit.txt", "missing: not a BagIt bundle")
        _check_bag(folder)
        check_layout(names)
        check = _BundleCheck(folder, names, _signing_key(folder, names, pins), pins)
        packets = packet_files_of(names)
        packet_ids = list(packets)
        custody: dict[str, PacketCustody] = {}
        stamps: dict[str, str] = {}
        for packet_id, present in packets.items():
            custody[packet_id], stamp = check.packet(packet_id, present)
            stamps[packet_id] = "awaiting" if stamp is None else utc_z(stamp.time) or ""
        export_note = check_export(custody)
        custody_stamped = check.custody_heads(packet_ids, custody)
        check.documents(custody)
    not_checked = [*check.not_checked]
    if export_note:
        not_checked.append(export_note)
    if not pins.pins_key:
        not_checked.append("signer identity (no --key given): the bundle's own key was used")
    if check.authorities and not pins.pins_tsa:
        not_checked.append("time-stamp authority (no --tsa-root given): the bundle's own tsa-chain.pem was trusted")
    return VerifyReport(
        path, len(names), tuple(packet_ids), stamps, key_fingerprint(check.public_pem), pins.pins_key,
        tuple(check.authorities), pins.pins_tsa, custody_stamped, sum(c.check.unsigned for c in custody.values()),
        tuple(not_checked),
    )  # fmt: skip

"""Which files a jikimi bundle may hold (``evidence/bundle.py`` describes the layout): anything else is planted.

A BagIt bag only proves its files are the ones its own (unsigned) manifests list, so a forger can add a
file and re-list it. The signed parts decide instead: a packet folder holds exactly the files its signed
manifest lists (plus the manifest, its signature and its token), a custody chain belongs to a packet of
the bundle, and the few documents for people have fixed names (and are listed, with the bag's own files, in
the signed ``documents-sha256.txt``: ``evidence/document_list.py``). An extra file is refused by name, not
ignored: a court must never be shown a file that no check covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from evidence.bundle import PAYLOAD, PUBLIC_KEY_NAME, TSA_CHAIN_NAME
from evidence.errors import VerificationFailed
from evidence.inert_names import bundle_name
from evidence.manifest import MANIFEST_NAME
from evidence.signing import SIGNATURE_SUFFIX
from evidence.timestamping import TOKEN_SUFFIX

PACKETS = PAYLOAD + "packets/"
CUSTODY = PAYLOAD + "custody/"
CUSTODY_MANIFEST = PAYLOAD + "custody-sha256.txt"  # the SHA-256 of every chain at export, time-stamped
BAG_FILES = re.compile(r"^(bagit\.txt|bag-info\.txt|(tag)?manifest-(md5|sha1|sha256|sha512)\.txt)$")
SPREAD_DOCUMENTS = ("spread-items.csv", "spread-items.json", "spread-sources.csv", "spread-sources.json")
"""Where each matched picture and each distributor of the bundle's cases was seen (no pictures in them)."""
DOCUMENTS = frozenset(
    PAYLOAD + name
    for name in (PUBLIC_KEY_NAME, TSA_CHAIN_NAME, "takedown.csv", "index.html", "VERIFY.md", *SPREAD_DOCUMENTS)
)  # fmt: skip
DOCUMENT_LIST = "documents-sha256.txt"  # at the bag's root, beside the tag files it covers
DOCUMENT_LIST_FILES = frozenset((DOCUMENT_LIST, DOCUMENT_LIST + SIGNATURE_SUFFIX, DOCUMENT_LIST + TOKEN_SUFFIX))
PACKET_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,99}$")
PACKET_OWN_FILES = (MANIFEST_NAME, MANIFEST_NAME + SIGNATURE_SUFFIX, MANIFEST_NAME + TOKEN_SUFFIX)


def _planted(name: str, why: str) -> VerificationFailed:
    return VerificationFailed(f"{name}: {why}: not part of a jikimi bundle (planted?)", path=name)


def packet_files_of(names: Iterable[str]) -> dict[str, set[str]]:
    """Packet id → the names of its files inside its folder (``data/packets/<id>/<name>``), by sorted id; a
    file outside a packet folder or a folder not named like a packet is refused."""
    files: dict[str, set[str]] = {}
    for name in names:
        if name.startswith(PACKETS):
            rest = name.removeprefix(PACKETS)
            if "/" not in rest:
                raise _planted(name, "a file directly in data/packets/ (packets are folders)")
            packet_id, inner = rest.split("/", 1)
            if not PACKET_ID.match(packet_id):
                raise _planted(name, "a packet folder whose name is not a packet id")
            files.setdefault(packet_id, set()).add(inner)
    return dict(sorted(files.items()))


def check_layout(names: Iterable[str]) -> None:
    """Every file is a bag file, a document, a custody chain of a packet present, or inside a packet folder."""
    names = list(names)
    packets = set(packet_files_of(names))
    for name in names:
        if name.startswith(PACKETS) or BAG_FILES.match(name) or name in DOCUMENTS or name in DOCUMENT_LIST_FILES:
            continue
        if name in (CUSTODY_MANIFEST, CUSTODY_MANIFEST + TOKEN_SUFFIX):
            continue
        if name.startswith(CUSTODY):
            chain = name.removeprefix(CUSTODY)
            if chain.endswith(".jsonl") and chain.removesuffix(".jsonl") in packets:
                continue
            raise _planted(name, "a custody file of no packet in the bundle")
        raise _planted(name, "an unexpected file")


def check_packet_files(packet_id: str, present: Iterable[str], listed: Mapping[str, str]) -> dict[str, str]:
    """The packet folder holds only what its signed manifest lists (and the manifest's own files), each under
    the name a bundle ships it by: a file a browser would run has ``.txt`` added (``evidence/inert_names.py``),
    so the same file under its live name is planted. Returns each file's listed name → its name in the folder."""
    shipped_as = {bundle_name(name): name for name in listed}
    found: dict[str, str] = {}
    for inner in sorted(present):
        name = shipped_as.get(inner) or (inner if inner in PACKET_OWN_FILES else None)
        if name is None:
            live = inner in listed
            why = (
                f"a file a browser would run, which a bundle holds only as {bundle_name(inner)}"
                if live
                else f"in the packet folder but not in its signed {MANIFEST_NAME}"
            )
            raise _planted(f"{PACKETS}{packet_id}/{inner}", why)
        found[name] = inner
    return found


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused when it would resolve outside ``folder`` (a link, or ``..``)."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise VerificationFailed(f"{name}: resolves outside the bundle", path=name)
    return path

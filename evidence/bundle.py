"""Export packets into one bundle file: a BagIt bag (RFC 8493), zipped, that anyone can verify offline.

Layout::

    bagit.txt, bag-info.txt          BagIt declaration; Source-Organization, Bagging-Date, Payload-Oxum
    manifest-sha256.txt, manifest-sha512.txt, tagmanifest-*.txt
    data/packets/<packet id>/...     each packet decrypted: media, page or post, metadata, its manifest,
                                     the manifest's Ed25519 signature and RFC 3161 token
    data/custody/<packet id>.jsonl   the custody events of each packet (hash-chained)
    data/public-key.pem              the Ed25519 key that signed each packet's manifest
    data/tsa-chain.pem               the time-stamping authority's certificate chain (when one is used)
    data/takedown.csv, data/index.html, data/VERIFY.md   for people (``monitor/packets/bundle_documents.py``)

The bag is built in a private staging folder by the ``bagit`` library and zipped; the staging folder
holds decrypted media only for the duration of the export. ``hash_only`` leaves the media bytes out
(their digests stay in each packet's manifest and metadata).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bagit

from evidence.encryption import decrypt_chunks
from evidence.manifest import shows_the_media
from evidence.packet import packet_files

PUBLIC_KEY_NAME = "public-key.pem"
TSA_CHAIN_NAME = "tsa-chain.pem"
PAYLOAD = "data/"


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    packets: int
    files: int


def _stage(packet_dirs: Iterable[Path], stage: Path, key: bytes, hash_only: bool, extra: dict[str, bytes]) -> int:
    packets = 0
    for packet_dir in packet_dirs:
        packets += 1
        for name, encrypted in packet_files(packet_dir):
            if hash_only and shows_the_media(name):
                continue
            target = stage / "packets" / packet_dir.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as stream:
                for chunk in decrypt_chunks(encrypted, key):
                    stream.write(chunk)
    for name, data in extra.items():
        target = stage / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return packets


def export_bundle(
    packet_dirs: Iterable[Path], out: Path, key: bytes, *, hash_only: bool = False, public_key: bytes | None = None,
    extra: dict[str, bytes] | None = None, organization: str = "jikimi",
) -> ExportSummary:  # fmt: skip
    """Write ``out`` (a zipped bag) from the encrypted packet folders; written to a temporary name, then renamed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o700)
    partial = out.with_name(out.name + ".partial")
    try:
        files = dict(extra or {})
        if public_key is not None:
            files[PUBLIC_KEY_NAME] = public_key
        packets = _stage(packet_dirs, stage, key, hash_only, files)
        info = {"Source-Organization": organization, "External-Description": "jikimi evidence bundle"}
        bagit.make_bag(str(stage), bag_info=info, checksums=["sha256", "sha512"])
        count = 0
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                bundle.write(path, path.relative_to(stage).as_posix())
                count += 1
        partial.replace(out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return ExportSummary(out, packets, count)

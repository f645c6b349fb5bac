"""Export packets into one bundle file (a zip) that anyone can verify offline.

Layout::

    packets/<packet id>/...          each packet decrypted: media, page or post, metadata, its manifest
    public-key.pem                   the Ed25519 key that signed each packet's manifest
    tsa-chain.pem                    the time-stamping authority's certificate chain (when one is used)
    custody/<packet id>.jsonl        the custody events of each packet (hash-chained)
    manifest-sha256.txt              SHA-256 of every other file in the bundle

The bundle-level manifest is checked first, so a changed, missing or added file is named by its path
in the bundle. ``hash_only`` leaves the media bytes out (their digests stay in each packet's manifest and
metadata), for sharing with parties who must not receive the material.
(BagIt layout, signatures and RFC 3161 tokens come with the custody-chain issue.)
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from evidence.encryption import decrypt_chunks
from evidence.manifest import MANIFEST_NAME, render_manifest
from evidence.packet import packet_files


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    packets: int
    files: int


PUBLIC_KEY_NAME = "public-key.pem"
TSA_CHAIN_NAME = "tsa-chain.pem"


def export_bundle(
    packet_dirs: Iterable[Path], out: Path, key: bytes, *, hash_only: bool = False, public_key: bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> ExportSummary:  # fmt: skip
    """Write ``out`` (a zip) from the encrypted packet folders; written to a temporary name, then renamed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    digests: dict[str, str] = {}
    packets = 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for packet_dir in packet_dirs:
            packets += 1
            for name, encrypted in packet_files(packet_dir):
                if hash_only and name.startswith("media/"):
                    continue
                member = f"packets/{packet_dir.name}/{name}"
                digest = hashlib.sha256()
                with bundle.open(member, "w", force_zip64=True) as target:
                    for chunk in decrypt_chunks(encrypted, key):
                        digest.update(chunk)
                        target.write(chunk)
                digests[member] = digest.hexdigest()
        files = dict(extra or {})
        if public_key is not None:
            files[PUBLIC_KEY_NAME] = public_key
        for name, data in files.items():
            bundle.writestr(name, data)
            digests[name] = hashlib.sha256(data).hexdigest()
        bundle.writestr(MANIFEST_NAME, render_manifest(digests))
    partial.replace(out)
    return ExportSummary(out, packets, len(digests) + 1)

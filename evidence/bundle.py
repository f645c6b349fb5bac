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
    data/spread-items.csv|json, data/spread-sources.csv|json   where the bundle's pictures and distributors
                                     were seen, within its cases (``monitor/packets/bundle_spread.py``)
    documents-sha256.txt(.sig, .tsr) every file above that no packet signature covers, listed, signed and
                                     time-stamped (``evidence/document_list.py``), written by ``seal``

The bag is written straight into the zip: each file is decrypted, hashed (SHA-256, SHA-512) and compressed
as it streams, and the zip itself has no name until it is whole (``evidence/unnamed_file.py``). No decrypted
picture ever lies in a folder, so a ``kill -9`` mid-export leaves nothing to sweep. The tag files are
those the ``bagit`` library writes (BagIt 0.97), and ``bagit`` validates the result. ``hash_only`` leaves the
media bytes out (their digests stay in each packet's manifest and metadata). A packet file a browser would
run gets an inert name in the bundle (``evidence/inert_names.py``).
"""

from __future__ import annotations

import hashlib
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crawlers.version import CRAWLER_VERSION, TOOL_NAME
from evidence.encryption import decrypt_chunks
from evidence.inert_names import bundle_name
from evidence.manifest import shows_the_media
from evidence.packet import packet_files
from evidence.unnamed_file import written_whole

PUBLIC_KEY_NAME = "public-key.pem"
TSA_CHAIN_NAME = "tsa-chain.pem"
PAYLOAD = "data/"
ZIP64_FROM = 1 << 30  # a member that may pass 2 GiB needs ZIP64 headers, which must be chosen before writing


Seal = Callable[[Mapping[str, str]], Mapping[str, bytes]]
"""Given every member's SHA-256 (bundle name → digest), the files to add at the bag's root, after the bag."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    packets: int
    files: int


class _BagWriter:
    """Files into the zip under ``data/``, hashed as they stream; then the BagIt tag files."""

    ALGORITHMS = ("sha256", "sha512")

    def __init__(self, bundle: zipfile.ZipFile) -> None:
        self.bundle = bundle
        self.written_at = time.gmtime()[:6]  # each member's date (UTC, as every time in the bundle)
        self.digests: dict[str, dict[str, str]] = {name: {} for name in self.ALGORITHMS}
        self.tag_sha256: dict[str, str] = {}  # each tag file's SHA-256, for the document list
        self.payload_bytes = 0
        self.files = 0

    def add(self, name: str, chunks: Iterable[bytes], size_hint: int = 0) -> None:
        hashers = {algorithm: hashlib.new(algorithm) for algorithm in self.ALGORITHMS}
        path = PAYLOAD + name
        with self.bundle.open(self._member(path), "w", force_zip64=size_hint > ZIP64_FROM) as member:
            for chunk in chunks:
                member.write(chunk)
                self.payload_bytes += len(chunk)
                for hasher in hashers.values():
                    hasher.update(chunk)
        for algorithm, hasher in hashers.items():
            self.digests[algorithm][path] = hasher.hexdigest()
        self.files += 1

    def finish(self, bag_info: dict[str, str]) -> None:
        """``bagit.txt``, ``bag-info.txt``, the payload manifests and the tag manifests, as ``bagit`` writes them."""
        info = bag_info | {"Payload-Oxum": f"{self.payload_bytes}.{self.files}"}
        tags = {
            "bagit.txt": b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
            "bag-info.txt": "".join(f"{key}: {_one_line(info[key])}\n" for key in sorted(info)).encode("utf-8"),
        }
        for algorithm, digests in self.digests.items():
            lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(digests.items()))
            tags[f"manifest-{algorithm}.txt"] = lines.encode("utf-8")
        listed = sorted(tags)  # the tag manifests list the tag files above, not each other
        for algorithm in self.ALGORITHMS:
            lines = "".join(f"{hashlib.new(algorithm, tags[n]).hexdigest()} {n}\n" for n in listed)
            tags[f"tagmanifest-{algorithm}.txt"] = lines.encode("utf-8")
        for name, content in tags.items():
            self.bundle.writestr(self._member(name), content)
            self.tag_sha256[name] = hashlib.sha256(content).hexdigest()

    def seal(self, seal: Seal) -> None:
        """Files at the bag's root made from the SHA-256 of every member written (the signed document list)."""
        for name, content in seal(self.digests["sha256"] | self.tag_sha256).items():
            self.bundle.writestr(self._member(name), content)

    def _member(self, name: str) -> zipfile.ZipInfo:
        member = zipfile.ZipInfo(name, date_time=self.written_at)
        member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        return member


def _one_line(value: str) -> str:
    return value.replace("\r", "").replace("\n", "")


def _add_packets(bag: _BagWriter, packet_dirs: Iterable[Path], key: bytes, hash_only: bool) -> int:
    packets = 0
    for packet_dir in packet_dirs:
        packets += 1
        for name, encrypted in packet_files(packet_dir):
            if hash_only and shows_the_media(name):
                continue
            target = f"packets/{packet_dir.name}/{bundle_name(name)}"
            bag.add(target, decrypt_chunks(encrypted, key), encrypted.stat().st_size)
    return packets


def export_bundle(
    packet_dirs: Iterable[Path], out: Path, key: bytes, *, hash_only: bool = False, public_key: bytes | None = None,
    extra: dict[str, bytes] | None = None, organization: str = "jikimi", seal: Seal | None = None,
) -> ExportSummary:  # fmt: skip
    """Write ``out`` (a zipped bag) from the encrypted packet folders; it appears only once it is whole.
    ``seal`` adds the signed document list (``evidence.document_list.seal_documents``); without it, none."""
    files = dict(extra or {})
    if public_key is not None:
        files[PUBLIC_KEY_NAME] = public_key
    info = {
        "Source-Organization": organization, "External-Description": "jikimi evidence bundle",
        "Bagging-Date": date.today().isoformat(), "Bag-Software-Agent": f"{TOOL_NAME} {CRAWLER_VERSION}",
    }  # fmt: skip
    with written_whole(out) as stream, zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bag = _BagWriter(bundle)
        packets = _add_packets(bag, packet_dirs, key, hash_only)
        for name, data in sorted(files.items()):
            bag.add(name, [data])
        bag.finish(info)
        if seal is not None:
            bag.seal(seal)
        count = len(bundle.infolist())
    return ExportSummary(out, packets, count)

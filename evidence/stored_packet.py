"""A packet at rest, as the rest of jikimi may touch it: read its metadata, media and manifest, check it,
add its time-stamp token, purge its pictures.

Why one class? A packet's files are encrypted, read-only on disk and named by conventions (``.enc``
suffixes, the manifest, the token next to it, which files show the picture). Keeping every one of those
details here means the review UI, exports and purges never build a file name, parse a manifest or change a
folder's mode themselves, and a change to the layout is made in one place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.encryption import decrypt_bytes, decrypt_chunks, encrypt_bytes_to
from evidence.manifest import MANIFEST_NAME, chunks_sha256, first_mismatch, parse_manifest, shows_the_media
from evidence.packet import ENCRYPTED_SUFFIX, packet_files
from evidence.signing import SIGNATURE_SUFFIX, signature_valid

TOKEN_NAME = MANIFEST_NAME + ".tsr"
METADATA_NAME = "metadata.json"


@dataclass(frozen=True, slots=True)
class PacketCheck:
    """Whether every file still matches the signed manifest; else the first problem found."""

    verified: bool
    problem: str | None = None


class StoredPacket:
    """The packet folder ``folder`` (written by ``evidence/packet.py:write_packet``), read with ``key``."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @property
    def id(self) -> str:
        return self.folder.name

    def _encrypted(self, name: str) -> Path:
        return self.folder / (name + ENCRYPTED_SUFFIX)

    def read(self, name: str) -> bytes:
        """The plaintext of one of the packet's files (``media/…``, ``metadata.json``, ``page.html``…)."""
        return decrypt_bytes(self._encrypted(name), self.key)

    def manifest(self) -> bytes:
        return self.read(MANIFEST_NAME)

    def manifest_digests(self) -> dict[str, str]:
        """File name → SHA-256 of its plaintext, as the signed manifest states them."""
        return parse_manifest(self.manifest().decode("utf-8"), MANIFEST_NAME)

    def metadata(self) -> dict[str, Any]:
        """The packet's ``metadata.json``: every normalised fact, and where its media file is."""
        metadata: dict[str, Any] = json.loads(self.read(METADATA_NAME))
        return metadata

    def media(self) -> tuple[bytes, str]:
        """The original media bytes and their MIME type (``KeyError`` when the packet names no media)."""
        media = self.metadata()["media"]
        return self.read(str(media["file"])), str(media.get("mime") or "")

    def check(self, public_key: bytes) -> PacketCheck:
        """Every file against the manifest, and the manifest's signature; purged pictures are allowed missing
        (a ``purged`` custody event names them)."""
        files = dict(packet_files(self.folder))
        if MANIFEST_NAME not in files:
            return PacketCheck(False, f"{MANIFEST_NAME} missing")
        manifest = decrypt_bytes(files[MANIFEST_NAME], self.key)
        signature = files.get(MANIFEST_NAME + SIGNATURE_SUFFIX)
        if signature is None or not signature_valid(public_key, manifest, decrypt_bytes(signature, self.key)):
            return PacketCheck(False, "manifest signature missing or invalid")
        listed = parse_manifest(manifest.decode("utf-8"), MANIFEST_NAME)
        mismatch = first_mismatch(
            listed, lambda name: chunks_sha256(decrypt_chunks(files[name], self.key)) if name in files else None
        )
        return PacketCheck(True) if mismatch is None else PacketCheck(False, f"{mismatch[0]}: {mismatch[1]}")

    def has_timestamp(self) -> bool:
        return self._encrypted(TOKEN_NAME).exists()

    def add_timestamp(self, token: bytes) -> None:
        """Add the RFC 3161 token over the manifest. It is a new file; no written file changes."""
        target = self._encrypted(TOKEN_NAME)
        if target.exists():
            return
        with self._writable(self.folder):
            staging = self.folder / f".{TOKEN_NAME}.{os.getpid()}.tmp"
            encrypt_bytes_to(token, staging, self.key)
            staging.chmod(0o400)
            staging.rename(target)

    def purge_pictures(self) -> dict[str, str]:
        """Delete the files that show the picture (media, screenshot); return each one's name and the digest
        the manifest states for it. Everything else — metadata, page, signed manifest, token — stays."""
        doomed = [(name, path) for name, path in packet_files(self.folder) if shows_the_media(name)]
        if not doomed:
            return {}
        digests = self.manifest_digests()
        folders = sorted({self.folder} | {path.parent for _, path in doomed})
        with self._writable(*folders):
            for _, path in doomed:
                path.unlink()
        return {name: digests.get(name, "") for name, _ in doomed}

    @staticmethod
    @contextmanager
    def _writable(*folders: Path) -> Iterator[None]:
        """Packets are read-only on disk; open these folders for the one change allowed, then close them."""
        modes = {folder: folder.stat().st_mode & 0o777 for folder in folders}
        try:
            for folder in folders:
                folder.chmod(0o700)
            yield
        finally:
            for folder, mode in modes.items():
                folder.chmod(mode)

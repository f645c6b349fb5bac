"""Build and write one evidence packet for a sighting that matched the blocklist.

A packet is a folder written once and never modified (later facts become custody events)::

    <packet id>/
        media/<sha256>.<ext>      the original bytes, unchanged; the extension sniffed from them
        page.html.txt             the page as fetched (web; named so nothing renders it), or post.json (Telegram)
        post.html                 a Telegram post rendered from its data (``evidence/rendered_capture.py``)
        capture.png               the page or post as rendered by headless Chromium, capture time stamped
        page.warc.gz              the HTTP exchange (response and request records) as WARC, for web pages
        metadata.json             normalised facts: where, who, when (UTC, Z), fingerprints, matches
        manifest-sha256.txt       SHA-256 of every other file
        manifest-sha256.txt.sig   Ed25519 signature of the manifest (``evidence/signing.py``)

At rest every file is encrypted (``<name>.enc``, see ``evidence/encryption.py``); the manifest lists the
digests of the plaintext, which is what an exported bundle contains and what a court checks. The packet
id is a UUID derived from the sighting id, so preserving the same sighting twice is harmless. A packet
is assembled in a private temporary folder (one per writer) and renamed into place, so a crash never leaves
half a packet, a refusal removes the temporary folder, and of two writers racing, exactly one reports
``created``. Why file names matter for a hostile page or a polyglot: ``evidence/inert_names.py``.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crawlers.codec import to_jsonable
from crawlers.sighting import Sighting
from crawlers.temp_files import PLAIN, TempFiles
from crawlers.version import CRAWLER_VERSION, TOOL_NAME
from evidence.canonical_json import canonical_json, utc_z
from evidence.encryption import decrypt_chunks, encrypt_bytes_to, key_id
from evidence.inert_names import RECEIVED_PAGE_NAME, SNIFF_BYTES, sniffed_extension
from evidence.manifest import MANIFEST_NAME, render_manifest
from evidence.signing import SIGNATURE_SUFFIX, public_key_id, public_key_pem, sign

if TYPE_CHECKING:
    from evidence.rendered_capture import RenderedCapture  # jinja2: the verifier has no page to render

PACKET_NAMESPACE = uuid.UUID("6b1d2c3e-6a7f-5e0c-9d3b-6a696b696d69")
ENCRYPTED_SUFFIX = ".enc"
WARC_NAME = "page.warc.gz"
SCHEMA = "jikimi-packet/1"


def packet_id_for(sighting_id: str) -> str:
    return str(uuid.uuid5(PACKET_NAMESPACE, sighting_id))


@dataclass(frozen=True, slots=True)
class WrittenPacket:
    id: str
    path: Path
    manifest_sha256: str
    created: bool


def media_file_name(sighting: Sighting, files: TempFiles = PLAIN) -> str:
    """``media/<sha256>.<ext>``, the extension sniffed from the bytes (read through ``files``): never the
    ``Content-Type`` or URL a hostile server chose (``.html``, ``.svg`` would run when opened)."""
    assert sighting.fingerprints is not None
    head = b""
    if sighting.media.path is not None:
        head = files.head(sighting.media.path, SNIFF_BYTES)
    return f"media/{sighting.fingerprints.sha256}{sniffed_extension(head)}"


def refuse_naive_times(sighting: Sighting) -> None:
    """``ValueError`` naming the first time of ``sighting`` without a time zone: evidence times are UTC, and
    a time zone cannot be guessed. Checked before anything is written."""
    forwarded = sighting.distributor.forwarded_from
    times = {
        "seen_at": sighting.seen_at, "posted_at": sighting.distributor.posted_at,
        "edited_at": sighting.distributor.edited_at, "forwarded_from.date": forwarded.date if forwarded else None,
        "capture.captured_at": sighting.capture.captured_at if sighting.capture else None,
    }  # fmt: skip
    for name, moment in times.items():
        if isinstance(moment, datetime) and moment.tzinfo is None:
            raise ValueError(
                f"sighting at {sighting.location}: {name} {moment.isoformat()} has no time zone; evidence times "
                "must be tz-aware (UTC), so no packet was written"
            )


def build_metadata(
    sighting: Sighting, packet_id: str, operator: str, key: bytes, rendering: dict[str, Any] | None = None,
    files: TempFiles = PLAIN,
) -> dict[str, Any]:  # fmt: skip
    """The normalised facts of the packet, every time in UTC with ``Z``."""
    assert sighting.fingerprints is not None
    distributor = to_jsonable(sighting.distributor)
    for name in ("posted_at", "edited_at"):
        distributor[name] = utc_z(getattr(sighting.distributor, name))
    forwarded = sighting.distributor.forwarded_from
    if forwarded is not None:
        distributor["forwarded_from"]["date"] = utc_z(forwarded.date)
    capture = sighting.capture
    return {
        "schema": SCHEMA,
        "packet_id": packet_id,
        "sighting_id": sighting.id,
        "cases": sorted({hit.case for hit in sighting.hits}),
        "collector": operator or None,
        "host": socket.gethostname(),
        "tool": {"name": TOOL_NAME, "version": CRAWLER_VERSION},
        "source": {"id": sighting.source_id, "kind": sighting.source_kind},
        "location": sighting.location,
        "post_time": utc_z(sighting.distributor.posted_at),
        "capture_time": utc_z(capture.captured_at if capture else sighting.seen_at),
        "distributor": distributor,
        "capture": None
        if capture is None
        else {
            "method": f"{capture.crawler} crawler {capture.crawler_version}",
            "account_id": capture.account_id,
            "http_status": capture.http_status,
            "http_headers": [list(pair) for pair in capture.http_headers],
            "final_url": capture.final_url,
        },
        "media": {
            "url": sighting.media.url,
            "file": media_file_name(sighting, files),
            "mime": sighting.media.mime,
            "size": sighting.media.size,
            "platform_file_id": sighting.media.platform_file_id,
        },
        "fingerprints": dict(sighting.fingerprints.values) | {"pdq_quality": sighting.fingerprints.pdq_quality},
        "matches": [to_jsonable(hit) for hit in sighting.hits],
        "transformation": "none: original bytes",
        "rendering": rendering or {"screenshot": None, "screenshot_missing": "not rendered"},
        "encryption_at_rest": {"algorithm": "AES-256-GCM (chunked)", "key_id": key_id(key)},
    }


def _raw_name(sighting: Sighting) -> str:
    mime = sighting.capture.raw_mime if sighting.capture else None
    return "post.json" if mime == "application/json" else RECEIVED_PAGE_NAME


def write_packet(
    sighting: Sighting, root: Path, key: bytes, operator: str = "", signer: Ed25519PrivateKey | None = None,
    rendered: RenderedCapture | None = None, files: TempFiles = PLAIN,
) -> WrittenPacket:  # fmt: skip
    """Write the packet of ``sighting`` under ``root`` unless it exists; return where it is.

    With a ``signer``, the manifest is signed (``manifest-sha256.txt.sig``) and the key's id recorded.
    ``rendered`` adds the rendered capture (screenshot, post page) and its facts. The media, page and WARC
    files are read through ``files``: a crawl's are sealed with its run key and go from that key to the
    packet key chunk by chunk, never plaintext on disk (``crawlers/temp_files.py``).
    """
    if sighting.fingerprints is None or sighting.media.path is None:
        raise ValueError(f"sighting at {sighting.location} has no media file or fingerprints to preserve")
    refuse_naive_times(sighting)
    packet_id = packet_id_for(sighting.id)
    final = root / packet_id
    if not final.exists():
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = Path(tempfile.mkdtemp(prefix=f".{packet_id}.", suffix=".tmp", dir=root))  # private to this writer
        try:
            manifest = _assemble(sighting, staging, packet_id, key, operator, signer, rendered, files)
            staging.rename(final)
        except OSError:
            if not final.exists():
                raise
            # another writer renamed theirs into place first: theirs stands, and only they report ``created``
        else:
            final.chmod(0o500)
            return WrittenPacket(packet_id, final, hashlib.sha256(manifest).hexdigest(), created=True)
        finally:
            if staging.exists():
                _remove(staging)
    manifest = b"".join(decrypt_chunks(final / (MANIFEST_NAME + ENCRYPTED_SUFFIX), key))
    return WrittenPacket(packet_id, final, hashlib.sha256(manifest).hexdigest(), created=False)


def _remove(folder: Path) -> None:
    """Remove a temporary packet folder, read-only as ``_assemble`` leaves it."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _assemble(
    sighting: Sighting, staging: Path, packet_id: str, key: bytes, operator: str, signer: Ed25519PrivateKey | None,
    rendered: RenderedCapture | None, files: TempFiles,
) -> bytes:  # fmt: skip
    """Write every encrypted file of the packet into ``staging``; return the manifest's plaintext."""
    assert sighting.fingerprints is not None and sighting.media.path is not None
    (staging / "media").mkdir()
    digests: dict[str, str] = {}
    media_name = media_file_name(sighting, files)
    digests[media_name] = files.encrypt_into(sighting.media.path, staging / (media_name + ENCRYPTED_SUFFIX), key)
    if digests[media_name] != sighting.fingerprints.sha256:
        raise ValueError(f"media file of {sighting.location} changed after it was hashed")
    capture = sighting.capture
    if capture is not None and capture.raw_path is not None:
        name = _raw_name(sighting)
        digests[name] = files.encrypt_into(capture.raw_path, staging / (name + ENCRYPTED_SUFFIX), key)
    if capture is not None and capture.warc_path is not None and capture.warc_path.exists():
        digests[WARC_NAME] = files.encrypt_into(capture.warc_path, staging / (WARC_NAME + ENCRYPTED_SUFFIX), key)
    for name, content in (rendered.files if rendered else {}).items():
        digests[name] = encrypt_bytes_to(content, staging / (name + ENCRYPTED_SUFFIX), key)
    document = build_metadata(sighting, packet_id, operator, key, rendered.facts if rendered else None, files)
    if signer is not None:
        document["signing_key_id"] = public_key_id(public_key_pem(signer))
        document["custody_signed"] = True  # its custody events are signed by the same key (evidence/custody.py)
    metadata = canonical_json(document)
    digests["metadata.json"] = encrypt_bytes_to(metadata, staging / ("metadata.json" + ENCRYPTED_SUFFIX), key)
    manifest = render_manifest(digests)
    encrypt_bytes_to(manifest, staging / (MANIFEST_NAME + ENCRYPTED_SUFFIX), key)
    if signer is not None:
        signature_name = MANIFEST_NAME + SIGNATURE_SUFFIX + ENCRYPTED_SUFFIX
        encrypt_bytes_to(sign(signer, manifest), staging / signature_name, key)
    for path in staging.rglob("*"):
        path.chmod(0o400 if path.is_file() else 0o500)
    staging.chmod(0o700)
    return manifest


def packet_files(packet_dir: Path) -> list[tuple[str, Path]]:
    """(plaintext name, encrypted file) of every file in a packet, sorted by name."""
    files = []
    for path in sorted(packet_dir.rglob("*" + ENCRYPTED_SUFFIX)):
        files.append((path.relative_to(packet_dir).as_posix().removesuffix(ENCRYPTED_SUFFIX), path))
    return files

"""Evidence: build, encrypt, export and verify packets. Pure: never imports ``monitor``.

The names below are imported on first use (``config/lazy_imports.py``), so ``import evidence.verify``
(the offline verifier) loads what verifying needs and not the packet writer's or the time-stamp client's
libraries.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from evidence.bundle import ExportSummary, export_bundle
    from evidence.canonical_json import canonical_json, utc_z
    from evidence.encryption import decrypt_bytes, decrypt_chunks, encrypt_file, key_id
    from evidence.errors import DecryptionFailed, EvidenceError, KeyProblem, VerificationFailed
    from evidence.keys import decode_key, load_or_create_key
    from evidence.packet import WrittenPacket, packet_files, packet_id_for, write_packet
    from evidence.stored_packet import PacketCheck, StoredPacket
    from evidence.verify import VerifyReport, verify_bundle
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "evidence.bundle": ("ExportSummary", "export_bundle"),
            "evidence.canonical_json": ("canonical_json", "utc_z"),
            "evidence.encryption": ("decrypt_bytes", "decrypt_chunks", "encrypt_file", "key_id"),
            "evidence.errors": ("DecryptionFailed", "EvidenceError", "KeyProblem", "VerificationFailed"),
            "evidence.keys": ("decode_key", "load_or_create_key"),
            "evidence.packet": ("WrittenPacket", "packet_files", "packet_id_for", "write_packet"),
            "evidence.stored_packet": ("PacketCheck", "StoredPacket"),
            "evidence.verify": ("VerifyReport", "verify_bundle"),
        },
    )

__all__ = [
    "DecryptionFailed",
    "EvidenceError",
    "ExportSummary",
    "KeyProblem",
    "PacketCheck",
    "StoredPacket",
    "VerificationFailed",
    "VerifyReport",
    "WrittenPacket",
    "canonical_json",
    "decode_key",
    "decrypt_bytes",
    "decrypt_chunks",
    "encrypt_file",
    "export_bundle",
    "key_id",
    "load_or_create_key",
    "packet_files",
    "packet_id_for",
    "utc_z",
    "verify_bundle",
    "write_packet",
]

"""Evidence: build, encrypt, export and verify packets. Pure: never imports ``monitor``."""

from evidence.bundle import ExportSummary, export_bundle
from evidence.canonical_json import canonical_json, utc_z
from evidence.encryption import decrypt_bytes, decrypt_chunks, encrypt_file, key_id
from evidence.errors import DecryptionFailed, EvidenceError, KeyProblem, VerificationFailed
from evidence.keys import decode_key, load_or_create_key
from evidence.packet import WrittenPacket, packet_files, packet_id_for, write_packet
from evidence.verify import VerifyReport, verify_bundle

__all__ = [
    "DecryptionFailed",
    "EvidenceError",
    "ExportSummary",
    "KeyProblem",
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

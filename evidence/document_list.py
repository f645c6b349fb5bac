"""The signed list of a bundle's documents: every file that no packet signature or custody event covers.

Why? Each packet's manifest is signed and each custody event is signed, but ``index.html``, ``takedown.csv``,
``VERIFY.md``, ``bag-info.txt``, the bag's manifests, the public key and the authority's chain were not: a
forger could rewrite what a court reads first (a location in the takedown list, the steps that say how to
check) and the bundle still verified. At export every member outside the packet folders and the custody
chains is listed with its SHA-256 in ``documents-sha256.txt`` (``sha256sum -c documents-sha256.txt`` from the
bag's root), signed with the key that signs the packets (``.sig``) and time-stamped when an authority is
configured (``.tsr``), as ``data/custody-sha256.txt`` is. The list lies at the bag's root, beside the tag
files, not under ``data/``: there it can cover ``bag-info.txt`` and the payload manifests, whose
Payload-Oxum and lines would otherwise have to count the list itself. Each signed ``exported`` custody
event says the bundle carries the list (``DOCUMENTS_LISTED``), so taking the list out is found too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from evidence.bundle import PAYLOAD
from evidence.bundle_layout import CUSTODY, DOCUMENT_LIST, DOCUMENT_LIST_FILES, PACKETS, inside
from evidence.errors import VerificationFailed
from evidence.manifest import file_sha256, parse_manifest, render_manifest
from evidence.signing import SIGNATURE_SUFFIX, signature_valid
from evidence.timestamping import TOKEN_SUFFIX

DOCUMENTS_LISTED = "documents_listed"  # in the details of the ``exported`` events of a bundle that has the list
LIST_LIMIT = 1 << 20  # a list of a few dozen lines; anything larger is not one


def _fail(path: str, message: str) -> VerificationFailed:
    return VerificationFailed(f"{path}: {message}", path=path)


def is_document(name: str) -> bool:
    """A bundle member that only the document list covers: not in a packet folder, not a custody chain, not
    the list's own files. The chains' digest list (``data/custody-sha256.txt``) is one: it is not signed."""
    chain = name.startswith(CUSTODY) and name.endswith(".jsonl")
    return not (name.startswith(PACKETS) or chain or name in DOCUMENT_LIST_FILES)


def seal_documents(
    digests: Mapping[str, str], sign: Callable[[bytes], bytes], stamp: Callable[[bytes], bytes | None]
) -> dict[str, bytes]:
    """The list's files, from the SHA-256 of every member written (bundle name → digest): the list, its
    signature, and its token when ``stamp`` gets one (``None``: no authority, or it did not answer)."""
    listed = render_manifest({name: digest for name, digest in digests.items() if is_document(name)})
    files = {DOCUMENT_LIST: listed, DOCUMENT_LIST + SIGNATURE_SUFFIX: sign(listed)}
    token = stamp(listed)
    if token is not None:
        files[DOCUMENT_LIST + TOKEN_SUFFIX] = token
    return files


def _small(folder: Path, name: str) -> bytes:
    path = inside(folder, name)
    if path.stat().st_size > LIST_LIMIT:
        raise _fail(name, f"larger than {LIST_LIMIT} bytes, too large for a list of documents or its signature")
    return path.read_bytes()


def _read_list(folder: Path, names: Collection[str], public_pem: bytes) -> tuple[bytes, dict[str, str]]:
    """The list's bytes and its lines, once its signature is checked."""
    data = _small(folder, DOCUMENT_LIST)
    signature = DOCUMENT_LIST + SIGNATURE_SUFFIX
    if signature not in names:
        raise _fail(signature, "missing (the document list is signed like every packet manifest)")
    if not signature_valid(public_pem, data, _small(folder, signature)):
        raise _fail(
            signature, f"the Ed25519 signature does not match {DOCUMENT_LIST} and {PAYLOAD}public-key.pem (rewritten?)"
        )
    try:
        return data, parse_manifest(data.decode("utf-8"), DOCUMENT_LIST)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(DOCUMENT_LIST, f"unreadable ({exc})") from None


def check_document_list(folder: Path, names: Collection[str], public_pem: bytes) -> bytes | None:
    """Every document is the one listed at export, none missing or added; the list's bytes (for its token), or
    ``None`` when the bundle has none. The documents under ``data/`` are compared first: a changed page also
    changes the bag's manifests, and the page is what was changed."""
    if DOCUMENT_LIST not in names:
        for stray in sorted(DOCUMENT_LIST_FILES & set(names)):
            raise _fail(stray, f"in the bundle without the {DOCUMENT_LIST} it belongs to (planted?)")
        return None
    data, listed = _read_list(folder, names, public_pem)
    present = {name for name in names if is_document(name)}
    for name in sorted(set(listed) - present):
        raise _fail(name, f"listed in the signed {DOCUMENT_LIST} but not in the bundle (removed)")
    for name in sorted(present - set(listed)):
        raise _fail(name, f"a document the signed {DOCUMENT_LIST} does not list (added after export)")
    for name in sorted(listed, key=lambda name: (not name.startswith(PAYLOAD), name)):
        if file_sha256(inside(folder, name)) != listed[name]:
            raise _fail(name, f"its SHA-256 is not the one the signed {DOCUMENT_LIST} lists (changed after export)")
    return data

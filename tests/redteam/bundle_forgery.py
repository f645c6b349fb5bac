"""How a forger changes a real bundle: take its payload apart, re-sign it with their own key and time-stamps,
rewrite a custody chain without the key, rebuild a consistent bag (with a document list signed by their own
key), change a member and fix the bag's manifests around it, or write a zip by hand. Used by
``tests/redteam/test_crafted_bundles.py``; each function does what an attacker holding the bundle can do.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import bagit
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.custody import CustodyKind, event_from_json, next_event
from evidence.document_list import seal_documents
from evidence.signing import public_key_id, public_key_pem, sign, signing_key_from
from evidence.verify_custody import render_custody_manifest
from tests.doubles.tsa import LocalTsa

FORGER = signing_key_from(bytes(range(200, 232)))
Files = dict[str, bytes]  # bundle payload: name under data/ → bytes
Events = list[dict[str, object]]  # a custody chain as JSON objects


def payload(bundle: Path) -> Files:
    with zipfile.ZipFile(bundle) as archive:
        return {n.removeprefix("data/"): archive.read(n) for n in archive.namelist() if n.startswith("data/")}


def rebag(files: Files, out: Path, signer: Ed25519PrivateKey | None = None) -> Path:
    """A consistent BagIt bag of ``files`` (what a careful forger rebuilds after changing anything); with
    ``signer``, the document list signed by it (a forger who re-signed everything with their own key)."""
    stage = out.with_suffix(".stage")
    shutil.rmtree(stage, ignore_errors=True)
    for name, data in files.items():
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_bytes(data)
    bagit.make_bag(str(stage), checksums=["sha256", "sha512"])
    if signer is not None:
        digests = {
            path.relative_to(stage).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in stage.rglob("*")
            if path.is_file()
        }
        for name, data in seal_documents(digests, lambda listed: sign(signer, listed), lambda listed: None).items():
            (stage / name).write_bytes(data)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(stage).as_posix())
    shutil.rmtree(stage)
    return out


def packet_ids(files: Files) -> list[str]:
    return sorted({name.split("/")[1] for name in files if name.startswith("packets/")})


def chain_of(files: Files, packet_id: str) -> list[str]:
    return files[f"custody/{packet_id}.jsonl"].decode().splitlines()


def forge(files: Files, tsa: LocalTsa | None, rename_key: bool = True) -> Files:
    """Re-sign every packet with the forger's key: metadata names it, manifests and custody are redone, and
    tokens come from the forger's authority (``None``: no tokens at all)."""
    forged = {n: d for n, d in files.items() if not n.endswith(".tsr") and n != "tsa-chain.pem"}
    pem = public_key_pem(FORGER)
    forged["public-key.pem"] = pem
    for packet_id in packet_ids(files):
        prefix = f"packets/{packet_id}/"
        if rename_key:
            metadata = json.loads(files[prefix + "metadata.json"]) | {"signing_key_id": public_key_id(pem)}
            forged[prefix + "metadata.json"] = json.dumps(metadata).encode()
        listed = [line.split("  ", 1)[1] for line in files[prefix + "manifest-sha256.txt"].decode().splitlines()]
        digests = {n: hashlib.sha256(forged[prefix + n]).hexdigest() for n in listed if prefix + n in forged}
        manifest = "".join(f"{digest}  {n}\n" for n, digest in digests.items())
        forged[prefix + "manifest-sha256.txt"] = manifest.encode()
        forged[prefix + "manifest-sha256.txt.sig"] = sign(FORGER, manifest.encode())
        token = tsa.token_for(manifest.encode()) if tsa else None
        if token is not None:
            forged[prefix + "manifest-sha256.txt.tsr"] = token
        events, previous = [], None
        for event in map(event_from_json, chain_of(files, packet_id)):
            details = dict(event.details)
            if event.kind == "captured":
                details["manifest_sha256"] = hashlib.sha256(manifest.encode()).hexdigest()
            if event.kind == "timestamped":
                if token is None:
                    continue
                details["token_sha256"] = hashlib.sha256(token).hexdigest()
            previous = next_event(previous, packet_id, CustodyKind(event.kind), event.actor, details, event.at, FORGER)
            events.append(previous.to_json_line())
        forged[f"custody/{packet_id}.jsonl"] = ("\n".join(events) + "\n").encode()
    chains = {n: d for n, d in forged.items() if n.startswith("custody/")}
    forged["custody-sha256.txt"] = render_custody_manifest(chains)
    if tsa is not None:
        forged["custody-sha256.txt.tsr"] = tsa.token_for(forged["custody-sha256.txt"])
        forged["tsa-chain.pem"] = tsa.chain
    return forged


def rechain(files: Files, packet_id: str, change: Callable[[Events], Events]) -> Files:
    """Rewrite a custody chain without the key: change the events, re-hash and re-link them, keep the old
    signatures (or none), and fix the list of chain digests."""
    events = [json.loads(line) for line in chain_of(files, packet_id)]
    lines, previous = [], None
    for body in change(events):
        event = event_from_json(json.dumps(body))
        previous = replace(
            next_event(previous, packet_id, CustodyKind(event.kind), event.actor, event.details, event.at),
            signature=event.signature,
        )
        lines.append(previous.to_json_line())
    changed = files | {f"custody/{packet_id}.jsonl": ("\n".join(lines) + "\n").encode()}
    chains = {n: d for n, d in changed.items() if n.startswith("custody/")}
    return changed | {"custody-sha256.txt": render_custody_manifest(chains)}


def rewritten(bundle: Path, out: Path, changes: dict[str, bytes | None]) -> Path:
    """``bundle`` with members replaced or added (bundle name → bytes) or taken out (→ ``None``), and the
    bag's Payload-Oxum, manifests and tag manifests fixed to match; everything else kept as it was,
    the signed document list too: what a forger without the key can do to the files no packet signs."""
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = {name: data for name, data in (members | changes).items() if data is not None}
    sizes = [len(data) for name, data in members.items() if name.startswith("data/")]
    info = [line for line in members["bag-info.txt"].decode().splitlines() if not line.startswith("Payload-Oxum")]
    members["bag-info.txt"] = "\n".join([*info, f"Payload-Oxum: {sum(sizes)}.{len(sizes)}", ""]).encode()
    bag_manifests = sorted(n for n in members if n.startswith("manifest-")) + sorted(
        n for n in members if n.startswith("tagmanifest-")
    )
    for manifest in bag_manifests:
        algorithm = manifest.split("-", 1)[1].removesuffix(".txt")
        lines = []
        for line in members[manifest].decode().splitlines():
            _, path = line.split(maxsplit=1)
            if path in members:
                lines.append(f"{hashlib.new(algorithm, members[path]).hexdigest()}  {path}\n")
        members[manifest] = "".join(lines).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def zipped(out: Path, members: list[tuple[str, bytes]], source: Path | None = None) -> Path:
    """A zip with ``source``'s members first, then ``members`` as given (duplicates and odd names allowed)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of some of these
        if source is not None:
            with zipfile.ZipFile(source) as original:
                for info in original.infolist():
                    archive.writestr(info.filename, original.read(info))
        for name, data in members:
            archive.writestr(name, data)
    return out

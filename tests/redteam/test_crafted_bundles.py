"""Red team: someone hands an investigator a crafted bundle (issue 12, findings 2, 3, 4 and part of 8, then a
bomb of many small members and documents for people that no signature covered).

Every crafted bundle starts from a real export: a forum captured with a local time-stamping authority,
a reviewer's views, reveal and decision, then ``export_packets``. The forger holds everything in the
bundle but not the operator's signing key or the authority's key; a careful forger rebuilds the BagIt
manifests after each change (``rebag``), so only jikimi's own checks stand in the way.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import WebSourceConfig
from evidence.bundle_archive import extract_checked
from evidence.custody import CustodyKind
from evidence.errors import VerificationFailed
from evidence.pins import TrustPins
from evidence.signing import key_fingerprint, public_key_pem
from evidence.timestamping import certificate_fingerprint, load_chain
from evidence.verify import verify_bundle
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.packets.custody_log import append_event
from monitor.packets.exporting import export_packets
from monitor.runner import crawl_sources
from tests.doubles.tsa import LocalTsa
from tests.redteam.bundle_forgery import (
    FORGER,
    Events,
    Files,
    chain_of,
    forge,
    packet_ids,
    payload,
    rebag,
    rechain,
    rewritten,
    zipped,
)

pytestmark = pytest.mark.slow

SIX_YEARS = timedelta(days=6 * 365)


@dataclass(frozen=True, slots=True)
class Genuine:
    bundle: Path
    tsa_root: Path  # the real authority's root, as the investigator got it from the authority
    fingerprint: str  # the operator's key, as the investigator got it from the operator
    data_dir: Path


async def _export(folder: Path, hash_pool: HashPool) -> Genuine:
    (folder / "tsa").mkdir()
    tsa = LocalTsa(folder / "tsa")
    (folder / "tsa-chain.pem").write_bytes(tsa.chain)
    sites = RunningSite(tsa.app()), RunningSite(demo_app())
    tsa_url, forum_url = [await site.start(0) for site in sites]
    config = WebSourceConfig(  # type: ignore[call-arg]
        start_urls=[forum_url + "/thread/2"],  # type: ignore[list-item]
        allowed_domains=["127.0.0.1"],
        max_depth=0,
        allow_private_addresses=True,
    )
    forum = Source("forum", "web", Schedule(every=parse_duration("1h")), config)
    settings = Settings(
        data_dir=folder / "data", crawl_autothrottle=False, crawl_retry_times=0, evidence_screenshots=False,
        tsa_url=tsa_url + "/tsr", tsa_chain=folder / "tsa-chain.pem", _env_file=None,  # type: ignore[call-arg]
    )  # fmt: skip
    try:
        async with open_context(settings, hash_pool=hash_pool) as context:
            await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(settings.data_dir, settings)))
            await crawl_sources(context, [forum])
            first = (await context.store.packets())[0].id
            review = [("viewed", {}), ("revealed", {"why": "confirm"}), ("decided", {"verdict": "match"})]
            for kind, details in review:  # what the review UI records
                await append_event(context.store, first, CustodyKind(kind), "ae", details, signer=context.signer)
            await export_packets(context, folder / "genuine.zip", recipient="police", reason="case 7")
            fingerprint = key_fingerprint(public_key_pem(context.signer))
    finally:
        for site in sites:
            await site.stop()
    return Genuine(folder / "genuine.zip", tsa.root, fingerprint, settings.data_dir)


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory, hash_pool: HashPool) -> Genuine:
    made = asyncio.run(_export(tmp_path_factory.mktemp("genuine"), hash_pool))
    assert len(zipfile.ZipFile(made.bundle).namelist()) > 10
    return made


def refused(bundle: Path, pins: TrustPins | None = None) -> VerificationFailed:
    with pytest.raises(VerificationFailed) as raised:
        verify_bundle(bundle, pins)
    return raised.value


@pytest.fixture
def forger_tsa(tmp_path: Path, request: pytest.FixtureRequest) -> LocalTsa:
    """The forger's own authority, its clock set back six years (or by ``param``)."""
    (tmp_path / "forger-tsa").mkdir()
    return LocalTsa(tmp_path / "forger-tsa", clock_offset=getattr(request, "param", -SIX_YEARS))


# --- finding 2: forged signatures and time-stamps --------------------------------------------------------------


def strict_verify(bundle: Path, *pins: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "monitor.cli", "verify", "--strict", *pins, str(bundle)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_strict_verify_passes_only_a_bundle_proven_in_full_and_exits_3_on_a_re_signed_one(
    genuine: Genuine, tmp_path: Path
) -> None:
    proven = strict_verify(genuine.bundle, "--key", genuine.fingerprint, "--tsa-root", str(genuine.tsa_root))
    assert proven.returncode == 0 and proven.stdout.splitlines()[-1].startswith("OK: "), proven.stdout + proven.stderr
    forged = rebag(forge(payload(genuine.bundle), tsa=None), tmp_path / "forged.zip", FORGER)
    unpinned = strict_verify(forged)  # consistent in itself, so without pins only --strict keeps a script from "OK"
    assert unpinned.returncode == 3, unpinned.stdout + unpinned.stderr
    last = unpinned.stdout.splitlines()[-1]
    assert last.startswith("INCOMPLETE: ") and "signer identity (no --key given)" in last


def test_the_genuine_bundle_verifies_with_the_operators_key_and_the_authoritys_root_pinned(genuine: Genuine) -> None:
    report = verify_bundle(genuine.bundle, TrustPins(genuine.fingerprint, None, genuine.tsa_root.read_bytes()))
    assert report.key_fingerprint == genuine.fingerprint and report.key_pinned and report.tsa_pinned
    assert report.authorities and all("CN=jikimi test TSA" in a for a in report.authorities)
    assert report.custody_stamped is not None and not report.untimestamped and report.unsigned_events == 0
    assert not any("signer" in line or "authority" in line for line in report.not_checked)


def test_a_bundle_re_signed_with_another_key_names_that_key_and_fails_when_the_real_one_is_pinned(
    genuine: Genuine, tmp_path: Path
) -> None:
    forged = rebag(forge(payload(genuine.bundle), tsa=None), tmp_path / "forged.zip", FORGER)
    report = verify_bundle(forged)  # consistent in itself: only a pin tells whose it is
    assert report.key_fingerprint == key_fingerprint(public_key_pem(FORGER)) != genuine.fingerprint
    assert any("signer identity (no --key given)" in line for line in report.not_checked)
    failure = refused(forged, TrustPins(key_fingerprint=genuine.fingerprint))
    assert failure.path == "data/public-key.pem" and "not the key given with --key" in str(failure)


def test_a_lazy_re_signature_is_caught_by_the_key_id_in_the_signed_metadata(genuine: Genuine, tmp_path: Path) -> None:
    forged = rebag(forge(payload(genuine.bundle), tsa=None, rename_key=False), tmp_path / "lazy.zip", FORGER)
    failure = refused(forged)
    assert failure.path.endswith("metadata.json") and "names signing key" in str(failure)


@pytest.mark.parametrize(
    ("forger_tsa", "message"),
    [(-SIX_YEARS, "before the capture"), (timedelta(days=30), "after the export")],
    ids=["six-years-before-capture", "a-month-after-export"],
    indirect=["forger_tsa"],
)
def test_tokens_from_a_self_made_root_dated_outside_capture_and_export_are_refused(
    genuine: Genuine, forger_tsa: LocalTsa, tmp_path: Path, message: str
) -> None:
    forged = rebag(forge(payload(genuine.bundle), forger_tsa), tmp_path / "misdated.zip", FORGER)
    failure = refused(forged)
    assert failure.path.endswith("manifest-sha256.txt.tsr") and message in str(failure)


def test_tokens_from_a_self_made_root_fail_when_the_authoritys_root_is_pinned(genuine: Genuine, tmp_path: Path) -> None:
    (tmp_path / "own").mkdir()
    own = LocalTsa(tmp_path / "own")  # a self-made authority with the right clock and the same name
    forged = rebag(forge(payload(genuine.bundle), own), tmp_path / "own.zip", FORGER)
    shown = verify_bundle(forged).authorities  # consistent in itself: the root's fingerprint tells them apart
    assert shown and certificate_fingerprint(load_chain(genuine.tsa_root.read_bytes())[0]) not in shown[0]
    failure = refused(forged, TrustPins(tsa_roots_pem=genuine.tsa_root.read_bytes()))
    assert failure.path.endswith(".tsr") and "against the root you gave with --tsa-root" in str(failure)


def test_a_token_swapped_for_another_authoritys_is_not_the_one_the_custody_chain_records(
    genuine: Genuine, forger_tsa: LocalTsa, tmp_path: Path
) -> None:
    files = payload(genuine.bundle)
    packet = packet_ids(files)[0]
    manifest = f"packets/{packet}/manifest-sha256.txt"
    swapped = files | {manifest + ".tsr": forger_tsa.token_for(files[manifest]), "tsa-chain.pem": forger_tsa.chain}
    failure = refused(rebag(swapped, tmp_path / "swapped.zip"))
    assert failure.path.endswith(".tsr")


def test_stripping_every_token_is_found_from_the_custody_chains(genuine: Genuine, tmp_path: Path) -> None:
    files = payload(genuine.bundle)
    stripped = {n: d for n, d in files.items() if not n.endswith(".tsr") and n != "tsa-chain.pem"}
    failure = refused(rebag(stripped, tmp_path / "stripped.zip"))
    assert failure.path.endswith("manifest-sha256.txt.tsr") and "custody chain records token" in str(failure)


def test_a_bundle_without_tokens_fails_when_an_authority_is_pinned_and_warns_loudly_otherwise(
    genuine: Genuine, tmp_path: Path
) -> None:
    forged = rebag(forge(payload(genuine.bundle), tsa=None), tmp_path / "unstamped.zip", FORGER)
    failure = refused(forged, TrustPins(tsa_roots_pem=genuine.tsa_root.read_bytes()))
    assert "you pinned a time-stamping authority" in str(failure)
    command = [sys.executable, "-m", "monitor.cli", "verify", str(forged)]
    environment = os.environ | {"JIKIMI_DATA_DIR": str(tmp_path / "d")}
    shown = subprocess.run(command, capture_output=True, text=True, env=environment)
    assert shown.returncode == 0, shown.stderr
    assert "WARNING: NO TIMESTAMP on" in shown.stdout and "NOT CHECKED: signer identity" in shown.stdout
    pinned = subprocess.run([*command, "--key", genuine.fingerprint], capture_output=True, text=True, env=environment)
    assert pinned.returncode == 1 and "data/public-key.pem" in pinned.stderr


# --- finding 3: rewritten custody -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda events: [e for e in events if e["kind"] not in ("viewed", "revealed", "decided")], "signature"),
        (
            lambda events: [
                e | {"details": e["details"] | {"recipient": "nobody"}} if e["kind"] == "exported" else e
                for e in events
            ],
            "signature",
        ),  # fmt: skip
        (lambda events: [{k: v for k, v in e.items() if k != "signature"} for e in events], "not signed"),
        (lambda events: events[:-1], "does not end with the export"),
    ],
    ids=["review-events-deleted", "recipient-changed", "signatures-stripped", "export-cut-off"],
)
def test_a_custody_chain_rewritten_and_re_hashed_without_the_key_fails(
    genuine: Genuine, tmp_path: Path, change: Callable[[Events], Events], message: str
) -> None:
    files = payload(genuine.bundle)
    reviewed = next(p for p in packet_ids(files) if any('"revealed"' in line for line in chain_of(files, p)))
    failure = refused(rebag(rechain(files, reviewed, change), tmp_path / "rechained.zip"))
    assert failure.path == f"data/custody/{reviewed}.jsonl" and message in str(failure)


@pytest.mark.parametrize(
    "change",
    [
        lambda event: event | {"details": ["not", "a", "mapping"]},
        lambda event: event | {"seq": "0"},
        lambda event: event | {"at": event["at"].removesuffix("Z")},  # no time zone: compared with UTC times
        lambda event: [event],
    ],
    ids=["details-a-list", "seq-a-string", "time-without-zone", "line-not-an-object"],
)
def test_a_custody_line_of_the_wrong_shape_is_a_named_failure_not_a_crash(
    genuine: Genuine, tmp_path: Path, change: Callable[[dict[str, Any]], object]
) -> None:
    files = payload(genuine.bundle)
    packet = packet_ids(files)[0]
    lines = chain_of(files, packet)
    first = json.dumps(change(json.loads(lines[0])))
    crafted = files | {f"custody/{packet}.jsonl": "\n".join([first, *lines[1:]]).encode() + b"\n"}
    failure = refused(rebag(crafted, tmp_path / "shape.zip"))
    assert failure.path == f"data/custody/{packet}.jsonl"


def test_a_packet_taken_out_of_the_bundle_is_missed_by_the_others_export_events(
    genuine: Genuine, tmp_path: Path
) -> None:
    files = payload(genuine.bundle)
    gone = packet_ids(files)[-1]
    assert len(packet_ids(files)) > 1
    kept = {n: d for n, d in files.items() if f"/{gone}" not in n and not n.startswith("custody-sha256")}
    failure = refused(rebag(kept, tmp_path / "fewer.zip"))
    assert "packets removed or added" in str(failure)


async def test_an_export_that_fails_before_the_bundle_is_written_records_no_export(
    genuine: Genuine, hash_pool: HashPool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("monitor.packets.exporting.export_bundle", disk_full)
    settings = Settings(data_dir=genuine.data_dir, evidence_screenshots=False, _env_file=None)  # type: ignore[call-arg]
    async with open_context(settings, hash_pool=hash_pool) as context:
        packets = await context.store.packets()
        before = [len(await context.store.custody_events(p.id)) for p in packets]
        with pytest.raises(OSError, match="No space"):
            await export_packets(context, tmp_path / "never.zip", recipient="court")
        after = [len(await context.store.custody_events(p.id)) for p in packets]
    assert after == before and not (tmp_path / "never.zip").exists()


# --- finding 4: planted files and hostile archives ------------------------------------------------------------


@pytest.mark.parametrize(
    ("plant", "where"),
    [
        (lambda files, packet: files | {f"packets/{packet}/evidence-note.html": b"<script>"}, "not in its signed"),
        (lambda files, packet: files | {"README-FIRST.html": b"<p>believe me</p>"}, "an unexpected file"),
        (lambda files, packet: files | {"custody/someone-else.jsonl": b"{}\n"}, "custody file of no packet"),
    ],
    ids=["extra-file-in-packet", "extra-top-level-file", "custody-of-no-packet"],
)
def test_files_planted_in_a_consistent_bag_are_refused_by_name(
    genuine: Genuine, tmp_path: Path, plant: Callable[[Files, str], Files], where: str
) -> None:
    files = payload(genuine.bundle)
    failure = refused(rebag(plant(files, packet_ids(files)[0]), tmp_path / "planted.zip"))
    assert where in str(failure) and "planted" in str(failure)


def test_a_file_beside_the_bag_is_refused(genuine: Genuine, tmp_path: Path) -> None:
    failure = refused(zipped(tmp_path / "beside.zip", [("run-me.sh", b"#!/bin/sh\n")], genuine.bundle))
    assert failure.path == "run-me.sh" and "unexpected file" in str(failure)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("data\\packets\\x.html", "backslash"), ("data/../../x", "'..'"), ("/etc/x", "absolute"), ("data//x", "empty")],
)
def test_member_names_that_unzip_and_python_read_differently_are_refused(
    genuine: Genuine, tmp_path: Path, name: str, reason: str
) -> None:
    failure = refused(zipped(tmp_path / "names.zip", [(name, b"x")], genuine.bundle))
    assert failure.path == name and reason in str(failure)


def test_a_member_name_with_terminal_escapes_is_refused_and_shown_escaped(genuine: Genuine, tmp_path: Path) -> None:
    name = "data/\x1b[2K\x1b[1AOK all verified\u202e.txt"  # would erase the line above and fake an OK
    failure = refused(zipped(tmp_path / "escapes.zip", [(name, b"x")], genuine.bundle))
    assert failure.path == name and "control character" in str(failure)
    assert "\x1b" not in str(failure) and "\u202e" not in str(failure) and "\\x1b[2K" in str(failure)


def test_a_member_given_twice_is_refused_whichever_copy_unzip_would_show(genuine: Genuine, tmp_path: Path) -> None:
    first = next(n for n in zipfile.ZipFile(genuine.bundle).namelist() if n.endswith("metadata.json"))
    failure = refused(zipped(tmp_path / "twice.zip", [(first, b'{"location": "somewhere else"}')], genuine.bundle))
    assert failure.path == first and "given twice" in str(failure)


def test_a_packet_manifest_naming_a_file_outside_the_bundle_is_refused_unread(genuine: Genuine, tmp_path: Path) -> None:
    files = payload(genuine.bundle)
    manifest = f"packets/{packet_ids(files)[0]}/manifest-sha256.txt"
    outside = "0" * 64 + "  ../../../../../../dev/zero\n"  # read whole, it would never end
    failure = refused(rebag(files | {manifest: files[manifest] + outside.encode()}, tmp_path / "outside.zip"))
    assert failure.path == "data/" + manifest and "'..'" in str(failure)


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_written(
    genuine: Genuine, tmp_path: Path
) -> None:
    bomb = zipped(tmp_path / "bomb.zip", [("data/index2.html", bytes(256 << 20))], genuine.bundle)
    assert bomb.stat().st_size < genuine.bundle.stat().st_size + (1 << 20)  # 256 MiB in a few hundred KiB
    failure = refused(bomb)
    assert failure.path == "data/index2.html" and "zip bomb" in str(failure)


def test_many_small_members_of_zeros_are_refused_together_before_anything_is_written(
    genuine: Genuine, tmp_path: Path
) -> None:
    zeros = bytes(1 << 20)  # each at the per-member ratio floor, so no member alone is refused
    bomb = zipped(tmp_path / "bomb.zip", [(f"data/packets/pad/{n}.bin", zeros) for n in range(96)], genuine.bundle)
    declared = sum(info.file_size for info in zipfile.ZipFile(bomb).infolist())
    assert declared > 96 << 20 and bomb.stat().st_size < genuine.bundle.stat().st_size + (1 << 20)
    failure = refused(bomb)
    assert failure.path == str(bomb) and "over the whole bundle" in str(failure) and "zip bomb" in str(failure)
    (tmp_path / "out").mkdir()
    with pytest.raises(VerificationFailed, match="zip bomb"):
        extract_checked(bomb, tmp_path / "out")
    assert sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file()) == 0


# --- the documents for people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("data/index.html", lambda page: page.replace(b"police", b"nobody")),
        ("data/takedown.csv", lambda rows: rows.replace(b"http://127.0.0.1", b"https://innocent.example", 1)),
        ("data/VERIFY.md", lambda steps: steps.split(b"\n6. ")[0] + b"\n"),
        ("bag-info.txt", lambda info: info.replace(b"Source-Organization: ", b"Source-Organization: not ")),
    ],
    ids=["index.html", "takedown.csv", "VERIFY.md", "bag-info.txt"],
)
def test_a_document_rewritten_with_the_bag_fixed_around_it_fails_by_name(
    genuine: Genuine, tmp_path: Path, name: str, change: Callable[[bytes], bytes]
) -> None:
    original = zipfile.ZipFile(genuine.bundle).read(name)
    assert change(original) != original
    forged = rewritten(genuine.bundle, tmp_path / "rewritten.zip", {name: change(original)})
    failure = refused(forged)
    assert failure.path == name and "documents-sha256.txt" in str(failure) and "changed after export" in str(failure)


def test_a_document_taken_out_or_added_with_the_bag_fixed_around_it_fails_by_name(
    genuine: Genuine, tmp_path: Path
) -> None:
    removed = refused(rewritten(genuine.bundle, tmp_path / "removed.zip", {"data/takedown.csv": None}))
    assert removed.path == "data/takedown.csv" and "(removed)" in str(removed)
    payload_lines = zipfile.ZipFile(genuine.bundle).read("manifest-sha256.txt").decode().splitlines()
    md5 = "".join(
        f"{hashlib.md5(zipfile.ZipFile(genuine.bundle).read(path)).hexdigest()}  {path}\n"
        for path in (line.split(maxsplit=1)[1] for line in payload_lines)
    )  # a valid extra bag manifest: bagit checks it, and only the document list says it was not exported
    added = refused(rewritten(genuine.bundle, tmp_path / "added.zip", {"manifest-md5.txt": md5.encode()}))
    assert added.path == "manifest-md5.txt" and "(added after export)" in str(added)


def test_the_document_list_taken_out_or_rewritten_without_the_key_fails(genuine: Genuine, tmp_path: Path) -> None:
    with zipfile.ZipFile(genuine.bundle) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    stripped = [(n, d) for n, d in members.items() if not n.startswith("documents-sha256")]
    failure = refused(zipped(tmp_path / "stripped.zip", stripped))
    assert failure.path == "documents-sha256.txt" and "signed export event" in str(failure)
    page = members["data/index.html"].replace(b"police", b"nobody")
    forged = rewritten(genuine.bundle, tmp_path / "relisted.zip", {"data/index.html": page})
    relisted = members["documents-sha256.txt"].replace(
        hashlib.sha256(members["data/index.html"]).hexdigest().encode(), hashlib.sha256(page).hexdigest().encode()
    )
    failure = refused(rewritten(forged, tmp_path / "relisted-2.zip", {"documents-sha256.txt": relisted}))
    assert failure.path == "documents-sha256.txt.sig" and "does not match" in str(failure)


def test_the_genuine_document_list_is_signed_time_stamped_and_checks_with_stock_tools(
    genuine: Genuine, tmp_path: Path
) -> None:
    with zipfile.ZipFile(genuine.bundle) as archive:
        archive.extractall(tmp_path / "x")
    listed = (tmp_path / "x" / "documents-sha256.txt").read_text()
    for document in ("bag-info.txt", "data/index.html", "data/takedown.csv", "data/VERIFY.md", "data/public-key.pem"):
        assert f"  {document}\n" in listed
    assert "data/packets/" not in listed and "data/custody/" not in listed
    subprocess.run(["sha256sum", "--quiet", "-c", "documents-sha256.txt"], cwd=tmp_path / "x", check=True)
    for command in (
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "data/public-key.pem", "-rawin",
         "-in", "documents-sha256.txt", "-sigfile", "documents-sha256.txt.sig"],
        ["openssl", "ts", "-verify", "-data", "documents-sha256.txt", "-in", "documents-sha256.txt.tsr",
         "-CAfile", str(genuine.tsa_root)],
    ):  # fmt: skip
        subprocess.run(command, cwd=tmp_path / "x", check=True, capture_output=True)

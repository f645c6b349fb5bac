"""``jikimi notices plan``: what would go to whom and why, read from a store filled through the Store API and
from the recipients file the contract names — and a clear refusal (exit status 2) when that file is bad or absent."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.sighting import Distributor, Fingerprints, Media, Sighting
from evidence.custody import CustodyKind
from monitor.cards import card_id
from monitor.packets.custody_log import append_event
from monitor.records import BlocklistEntry, HitRecord, HitStatus
from monitor.store.sqlite import SqliteStore
from tests.browser import needs_chromium
from tests.config.test_recipients import CONTRACT
from tests.monitor.cli.test_cli import JIKIMI, cli_environment
from tests.monitor.takedown.test_pdf import needs_pdftotext, pdf_text

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
ITEM = "1f" * 16
LABEL = "Kim Jiyoung 1"
ENTRY = BlocklistEntry("sha256", "00" * 32, "case-1", LABEL, item_id=ITEM)
POLICE = "  - {id: police, role: police, channel: manual, form: ECRM cyber-crime report}\n"
FORUM = "http://127.0.0.1:8765/thread"
PRIVATE_GROUP = "https://t.me/c/1234567890/7"


def media(number: int) -> str:
    return f"{number:02d}" * 32


def sighting(url: str, sha256: str, kind: str = "web", distributor: Distributor | None = None) -> Sighting:
    return Sighting(
        source_id="telegram-group" if kind == "telegram" else "forum", source_kind=kind, location=url,
        seen_at=T0, media=Media(f"{url}/m.jpg", sha256=sha256), distributor=distributor or Distributor(),
        fingerprints=Fingerprints({"sha256": sha256}),
    )  # fmt: skip


def hit(seen: Sighting, status: HitStatus) -> HitRecord:
    assert seen.fingerprints is not None
    return HitRecord(
        sighting_id=seen.id, entry_id=ENTRY.id, hash_type="sha256", case=ENTRY.case, label=LABEL, distance=0,
        matched_value=seen.fingerprints.sha256, source_id=seen.source_id, location=seen.location,
        media_url=seen.media.url, media_sha256=seen.fingerprints.sha256, posted_at=T0 - timedelta(days=1),
        seen_at=T0, packet_id=f"packet-{seen.id[:8]}", status=status, source_kind=seen.source_kind, item_id=ITEM,
        entry_value=ENTRY.value,
    )  # fmt: skip


PLACES = [
    (sighting(f"{FORUM}/1", media(1)), HitStatus.CONFIRMED),
    (sighting(PRIVATE_GROUP, media(1), "telegram", Distributor(channel_id="1234567890", message_id=7)),
     HitStatus.CONFIRMED),
    (sighting(f"{FORUM}/2", media(2)), HitStatus.REJECTED),
    (sighting(f"{FORUM}/3", media(3)), HitStatus.PENDING),
    (sighting(f"{FORUM}/4", media(4)), HitStatus.CONFIRMED),
]  # fmt: skip


async def seed(data_dir: Path) -> None:
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    await store.add_blocklist_entries([ENTRY])
    for seen, status in PLACES:
        await store.put_sighting(seen)
        await store.put_hit(hit(seen, status))
    gone = hit(PLACES[4][0], HitStatus.CONFIRMED)
    details = {"location": gone.location, "online": False, "result": "HTTP 404", "checked_at": "2026-11-20T00:00:00Z"}
    await append_event(store, gone.custody_chain, CustodyKind.RECHECKED, "jikimi", details, signer=None)
    await store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir(mode=0o700)
    asyncio.run(seed(directory))
    return directory


def plan(data_dir: Path, recipients: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    path = data_dir.parent / "recipients.yaml"
    if recipients is not None:
        path.write_text(recipients, encoding="utf-8")
    return subprocess.run(
        [*JIKIMI, "notices", "plan", *args], env=cli_environment(data_dir) | {"JIKIMI_RECIPIENTS": str(path)},
        capture_output=True, text=True, timeout=120, cwd=data_dir.parent,
    )  # fmt: skip


def test_plan_json_gives_one_object_per_notice_with_recipient_locations_rule_and_reason(data_dir: Path) -> None:
    result = plan(data_dir, CONTRACT + POLICE, "--json")
    assert result.returncode == 0, result.stderr
    notices = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(n["recipient"], n["locations"], n["rule"]) for n in notices] == [
        ("host-abuse", [f"{FORUM}/1"], "public"),  # /2 rejected, /3 pending, /4 gone: none of them
        ("police", [PRIVATE_GROUP], "private"),  # an invite-only group: the police only
    ]
    operator, police = notices
    assert "public web page on 127.0.0.1" in operator["reason"] and "host 127.0.0.1" in operator["reason"]
    assert "without a public username" in police["reason"]
    assert operator["cards"] == [card_id(media(1), ITEM)] and operator["channel"] == "email"
    assert operator["address"] == "abuse@example.org" and operator["category_source"] == "default"
    assert LABEL not in result.stdout
    assert f"{FORUM}/4" in result.stderr and "gone since" in result.stderr  # left out, and said so
    assert "default category" in result.stderr


def test_the_contracts_minimal_file_plans_its_host_and_says_who_else_is_missing(data_dir: Path) -> None:
    result = plan(data_dir, CONTRACT)
    assert result.returncode == 0, result.stderr
    assert "→ host-abuse (email, abuse@example.org, ko) · rule public" in result.stdout
    assert f"not planned: {PRIVATE_GROUP}" in result.stdout and "no recipient in recipients.yaml" in result.stdout
    assert "1 notice(s) planned" in result.stdout and "nothing sent" in result.stdout


def test_an_invalid_recipients_file_exits_2_naming_the_line_and_field(data_dir: Path) -> None:
    result = plan(data_dir, CONTRACT.replace("    channel: email", "    chanel: email"), "--json")
    assert result.returncode == 2 and result.stdout == ""
    assert "line 5: recipient 'host-abuse': field 'chanel'" in result.stderr, result.stderr
    assert "did you mean 'channel'?" in result.stderr


def test_without_a_recipients_file_it_says_how_to_make_one_and_exits_2(data_dir: Path) -> None:
    result = plan(data_dir, None)
    assert result.returncode == 2
    assert "no recipients file" in result.stderr and "recipients.example.yaml" in result.stderr


def test_show_prints_a_planned_notice_as_its_recipient_would_read_it(data_dir: Path) -> None:
    notices = [json.loads(line) for line in plan(data_dir, CONTRACT + POLICE, "--json").stdout.splitlines()]
    reference = notices[0]["reference"]
    korean = show(data_dir, reference)
    assert korean.returncode == 0, korean.stderr
    subject = f"Subject: [불법촬영물등 삭제요청] 허위영상물 1건 · Example Monitoring Group · {reference}\n"
    assert korean.stdout.startswith(subject), korean.stdout
    assert f"{FORUM}/1" in korean.stdout and "신고·삭제요청인" in korean.stdout and LABEL not in korean.stdout
    english = show(data_dir, reference.lower(), "--language", "en", "--json")
    assert english.returncode == 0, english.stderr
    document = json.loads(english.stdout)
    assert document["reference"] == reference and document["language"] == "en"
    assert [location["url"] for location in document["locations"]] == [f"{FORUM}/1"]


def test_show_refuses_a_reference_no_planned_notice_has_with_status_2(data_dir: Path) -> None:
    (data_dir.parent / "recipients.yaml").write_text(CONTRACT, encoding="utf-8")
    result = show(data_dir, "JKM-000000000000")
    assert result.returncode == 2 and "no planned notice has the reference" in result.stderr


def show(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``jikimi notices show`` with the recipients file ``plan`` wrote last."""
    return subprocess.run(
        [*JIKIMI, "notices", "show", *args],
        env=cli_environment(data_dir) | {"JIKIMI_RECIPIENTS": str(data_dir.parent / "recipients.yaml")},
        capture_output=True, text=True, timeout=120, cwd=data_dir.parent,
    )  # fmt: skip


@needs_chromium
@needs_pdftotext
def test_show_writes_the_same_notice_as_a_printable_pdf(data_dir: Path, tmp_path: Path) -> None:
    notices = [json.loads(line) for line in plan(data_dir, CONTRACT, "--json").stdout.splitlines()]
    out = tmp_path / "notice.pdf"
    result = show(data_dir, notices[0]["reference"], "--pdf", str(out))
    assert result.returncode == 0 and result.stdout == "", result.stderr
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "신고·삭제요청인" in text and notices[0]["reference"] in text and f"{FORUM}/1" in text
    assert LABEL not in text  # a label may be a name: never printed

"""``jikimi hits decide``: one decision on a card is recorded on every hit of it, under the review UI's rules."""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.cards import card_id
from monitor.records import BlocklistEntry, HitRecord, HitStatus, Role, UserRecord
from monitor.store.sqlite import SqliteStore
from tests.monitor.cli.test_cli import JIKIMI, cli_environment, jikimi

MEDIA = "ab" * 32
ITEM = "1f" * 16
T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
ENTRIES = [
    BlocklistEntry("sha256", MEDIA, "case-1", "picture 1", item_id=ITEM),
    BlocklistEntry("pdq", "0f" * 32, "case-1", "picture 1", variant="centre crop 5%", item_id=ITEM),
]


def hits_of_one_card() -> list[HitRecord]:
    """One media seen at two places, each matching both signals of one victim picture: four hits, one card."""
    return [
        HitRecord(
            sighting_id=f"sighting-{place}", entry_id=entry.id, hash_type=entry.hash_type, case=entry.case,
            label=entry.label, distance=number * 6, matched_value=entry.value, source_id="forum",
            location=f"http://forum.example/thread/{place}", media_url=f"http://forum.example/m/{place}.jpg",
            media_sha256=MEDIA, posted_at=None, seen_at=T0 + timedelta(hours=place), packet_id=f"packet-{place}",
            created_at=T0 + timedelta(hours=place), source_kind="web", item_id=ITEM, entry_value=entry.value,
        )
        for place in (1, 2)
        for number, entry in enumerate(ENTRIES)
    ]  # fmt: skip


async def seed(data_dir: Path) -> None:
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    await store.add_blocklist_entries(ENTRIES)
    for hit in hits_of_one_card():
        await store.put_hit(hit)
    for name in ("alice", "bob"):
        await store.put_user(UserRecord(name, Role.VOLUNTEER, "argon2-hash-not-used-here"))
    await store.close()


async def stored(data_dir: Path) -> tuple[list[HitRecord], dict[str, list[dict[str, object]]]]:
    """The hits, and per packet the ``decided`` custody events' details."""
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    hits = await store.hits()
    custody = {
        packet: [e.details for e in await store.custody_events(packet) if e.kind == "decided"]
        for packet in ("packet-1", "packet-2")
    }
    await store.close()
    return hits, custody


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir(mode=0o700)
    asyncio.run(seed(directory))
    return directory


CARD = card_id(MEDIA, ITEM)


def decide(data_dir: Path, reviewer: str, verdict: str = "confirmed", card: str = CARD) -> tuple[int, str]:
    """``jikimi hits decide`` under four-eyes review (two confirmations by different reviewers)."""
    result = subprocess.run(
        [*JIKIMI, "hits", "decide", card, "--verdict", verdict, "--reviewer", reviewer, "--reason", "seen"],
        env=cli_environment(data_dir) | {"JIKIMI_REVIEW_CONFIRMATIONS": "2"}, capture_output=True, text=True,
        timeout=120, cwd=data_dir.parent,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


def test_two_reviewers_confirming_a_card_confirm_every_hit_with_custody_on_every_packet(data_dir: Path) -> None:
    status, said = decide(data_dir, "alice")
    assert status == 0 and "confirmed-once" in said and "4 hits at 2 places" in said, said
    assert {hit.status for hit in asyncio.run(stored(data_dir))[0]} == {HitStatus.CONFIRMED_ONCE}
    status, said = decide(data_dir, "bob")
    assert status == 0 and f"card {CARD}: confirmed" in said, said
    hits, custody = asyncio.run(stored(data_dir))
    assert {hit.status for hit in hits} == {HitStatus.CONFIRMED}
    for packet in ("packet-1", "packet-2"):
        here = {hit.id for hit in hits if hit.packet_id == packet}
        assert {str(d["hit_id"]) for d in custody[packet] if d["status"] == "confirmed"} == here
        assert all(d["card_id"] == CARD and d["comment"] == "seen" for d in custody[packet])
    (card,) = [json.loads(line) for line in jikimi(data_dir, "hits", "--json").stdout.splitlines()]
    assert card["id"] == CARD and card["status"] == "confirmed" and len(card["locations"]) == 2


def test_the_same_reviewer_confirming_twice_is_refused_with_status_2_and_nothing_written(data_dir: Path) -> None:
    assert decide(data_dir, "alice")[0] == 0
    status, said = decide(data_dir, "alice")
    assert status == 2 and "different reviewer" in said, said
    hits, custody = asyncio.run(stored(data_dir))
    assert {hit.status for hit in hits} == {HitStatus.CONFIRMED_ONCE}
    assert sum(map(len, custody.values())) == 4  # the first confirmation's events only


def test_a_reviewer_is_the_account_a_login_would_find_whatever_spelling_is_typed(data_dir: Path) -> None:
    status, said = decide(data_dir, "ＡＬＩＣＥ")
    assert status == 0 and "by alice on" in said, said  # fullwidth capitals log in as alice, and decide as alice
    status, said = decide(data_dir, "Alice")
    assert status == 2 and "different reviewer" in said, said
    assert asyncio.run(reviewers(data_dir)) == {"alice"}  # the stored spelling is recorded


async def reviewers(data_dir: Path) -> set[str]:
    """Who decided the card's hits, by the names their decisions and custody events record."""
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    named = {d.reviewer for hit in await store.hits() for d in await store.decisions(hit.id)}
    named |= {e.actor for packet in ("packet-1", "packet-2") for e in await store.custody_events(packet)}
    await store.close()
    return named


def test_an_unknown_reviewer_or_card_or_verdict_is_refused_with_status_2(data_dir: Path) -> None:
    status, said = decide(data_dir, "mallory")
    assert status == 2 and "'mallory' is not an account" in said, said
    status, said = decide(data_dir, "alice", card=card_id("cd" * 32, ITEM))
    assert status == 2 and "no card" in said, said
    status, said = decide(data_dir, "alice", card="not-a-card")
    assert status == 2 and "no card" in said, said
    status, said = decide(data_dir, "alice", verdict="maybe")
    assert status == 2 and "--verdict must be one of confirmed, rejected, escalated" in said, said
    hits, custody = asyncio.run(stored(data_dir))
    assert {hit.status for hit in hits} == {HitStatus.PENDING} and not any(custody.values())


def test_rejecting_or_escalating_a_card_applies_to_all_its_hits(data_dir: Path) -> None:
    assert decide(data_dir, "alice", "escalated")[0] == 0
    assert {hit.status for hit in asyncio.run(stored(data_dir))[0]} == {HitStatus.ESCALATED}
    assert decide(data_dir, "bob", "rejected")[0] == 0
    assert {hit.status for hit in asyncio.run(stored(data_dir))[0]} == {HitStatus.REJECTED}

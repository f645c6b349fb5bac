"""``jikimi report --out DIR`` on a store filled through the Store API: one removal with its time, outcomes
from the re-checks' words, confirmed places only — and a public variant that names nothing of the input."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.sighting import Distributor, Sighting
from evidence.custody import CustodyKind
from monitor.cards import card_id
from monitor.packets.custody_log import append_event
from monitor.records import HitRecord, HitStatus
from monitor.store.sqlite import SqliteStore
from tests.monitor.cli.test_cli import JIKIMI, cli_environment
from tests.monitor.cli.test_notices_plan import ENTRY, ITEM, LABEL, hit, media, sighting
from tests.test_imports import ROOT, RUN_CLI, loaded_after

SEEN = datetime.now(UTC) - timedelta(hours=48)
PAGE = "https://forum.example/thread/1"
POST = "https://t.me/leaks_channel/12"
ONLINE = "https://forum.example/thread/2"
REJECTED = "https://forum.example/thread/3"
CHANNEL = Distributor(channel_id="-1001234567890", channel_username="leaks_channel", message_id=12,
                      sender_username="poster_01")  # fmt: skip


def seen_hit(url: str, number: int, status: HitStatus, kind: str = "web") -> tuple[Sighting, HitRecord]:
    """A sighting and its hit, first seen 48 hours ago."""
    seen = replace(sighting(url, media(number), kind, CHANNEL if kind == "telegram_web" else None), seen_at=SEEN)
    return seen, replace(hit(seen, status), seen_at=SEEN)


PLACES = {
    PAGE: (seen_hit(PAGE, 1, HitStatus.CONFIRMED), {"online": False, "result": "page gone (HTTP 404)",
                                                     "http_status": 404}),
    POST: (seen_hit(POST, 2, HitStatus.CONFIRMED, "telegram_web"),
           {"online": False, "result": "message deleted (absent from the channel preview)", "http_status": 200}),
    ONLINE: (seen_hit(ONLINE, 3, HitStatus.CONFIRMED), {"online": True, "result": "still online (same bytes)",
                                                         "http_status": 200}),
    REJECTED: (seen_hit(REJECTED, 4, HitStatus.REJECTED), {"online": False, "result": "page gone (HTTP 404)",
                                                            "http_status": 404}),
}  # fmt: skip


async def seed(data_dir: Path) -> None:
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    await store.add_blocklist_entries([ENTRY])
    for url, ((seen, record), check) in PLACES.items():
        await store.put_sighting(seen)
        await store.put_hit(record)
        await append_event(store, record.custody_chain, CustodyKind.RECHECKED, "jikimi", {"location": url, **check},
                           signer=None)  # fmt: skip
    await store.close()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("report")
    data_dir = root / "data"
    data_dir.mkdir(mode=0o700)
    asyncio.run(seed(data_dir))
    result = subprocess.run([*JIKIMI, "report", "--out", str(root / "out")], env=cli_environment(data_dir),
                            capture_output=True, text=True, timeout=300, cwd=root)  # fmt: skip
    return root / "out", result


def rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return {(row["scope"], row["group"]): row for row in reader}


def test_report_writes_the_pages_and_csvs_and_says_where(
    written: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, result = written
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "report.csv", "public/index.html", "public/report.csv"):
        assert (out / name).is_file(), name
    assert "3 confirmed location(s), 2 removed" in result.stdout and "public (counts only)" in result.stdout


def test_the_figures_count_confirmed_places_and_time_each_removal(
    written: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    figures = rows(written[0] / "report.csv")
    everything = figures[("all", "all")]
    assert (everything["locations"], everything["removed"], everything["notices_sent"]) == ("3", "2", "0")
    assert everything["outcome: page gone"] == "1" and everything["outcome: post deleted"] == "1"
    assert everything["outcome: still online"] == "1"
    web, telegram = figures[("platform", "forum.example")], figures[("platform", "telegram")]
    assert (web["locations"], web["removed"], telegram["removed"]) == ("2", "1", "1")
    assert abs(float(telegram["since_seen_median_hours"]) - 48) < 0.5  # seen 48 h ago, found gone just now
    assert everything["since_notice_median_hours"] == "" and figures[("recipient", "(no notice sent)")]


def test_the_public_variant_names_nothing_of_the_input(written: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out = written[0]
    secrets = [PAGE, POST, ONLINE, REJECTED, "forum.example", "leaks_channel", "poster_01", "-1001234567890",
               ENTRY.case, LABEL, ITEM, ENTRY.value]  # fmt: skip
    for (_, record), _ in PLACES.values():
        secrets += [record.sighting_id, record.id, record.custody_chain, record.media_sha256,
                    card_id(record.media_sha256, record.item_id)]  # fmt: skip
    public = {path.name: path.read_text(encoding="utf-8") for path in (out / "public").iterdir()}
    assert set(public) == {"index.html", "report.csv"}
    assert [(name, s) for name, text in public.items() for s in secrets if s in text] == []
    assert rows(out / "public" / "report.csv")[("platform", "web sites")]["removed"] == "1"


def test_an_out_path_that_is_a_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    command = [*JIKIMI, "report", "--out", str(tmp_path / "taken")]
    result = subprocess.run(
        command, env=cli_environment(tmp_path / "data"), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "--out must be a directory" in result.stderr


def test_jikimi_help_does_not_import_matplotlib() -> None:
    assert loaded_after(RUN_CLI.format(args=["--help"]), ("matplotlib",), ROOT) == []
    assert loaded_after(RUN_CLI.format(args=["report", "--help"]), ("matplotlib",), ROOT) == []

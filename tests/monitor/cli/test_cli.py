"""The ``jikimi`` command as a user runs it: a real subprocess on a private data directory."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.records import BlocklistEntry, Role, UserRecord
from monitor.store.sqlite import SqliteStore

JIKIMI = [sys.executable, "-m", "monitor.cli"]


def cli_environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIKIMI_")}
    return env | {"JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_HASH_WORKERS": "2", "JIKIMI_CRAWL_DOWNLOAD_TIMEOUT": "5"}


def jikimi(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JIKIMI, *args], env=cli_environment(data_dir), input=stdin, capture_output=True, text=True, timeout=300,
        cwd=data_dir.parent,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    return data_dir, jikimi(data_dir, "demo", "--port", "0")


@pytest.mark.slow
def test_demo_prints_hits_and_ends_with_the_totals_line(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, result = demo_run
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    totals = re.fullmatch(r"hits: (\d+), sightings: (\d+), packets: (\d+)", last)
    assert totals is not None, last
    hits, sightings, packets = map(int, totals.groups())
    assert hits >= 9 and packets == 6 + 3 and sightings > packets  # six forum copies, three channel copies
    assert "source demo-forum: ok" in result.stdout and "source demo-channel: ok" in result.stdout
    assert "copy-mirrored.jpg" in result.stdout and "photo-205.jpg" not in result.stdout
    bundle = re.search(r"bundle: (\S+\.zip)", result.stdout)
    assert bundle is not None and Path(bundle.group(1)).exists()


@pytest.mark.slow
def test_hits_json_gives_one_card_per_distinct_media_and_picture_with_every_signal_and_place(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, _ = demo_run
    result = jikimi(data_dir, "hits", "--json")
    assert result.returncode == 0, result.stderr
    cards = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(cards) == 9  # the demo's nine pieces of media, not one row per matched hash
    assert len({card["id"] for card in cards}) == 9
    for card in cards:
        assert set(card) == {"id", "media_sha256", "item", "case", "label", "signals", "status", "locations"}
        assert len(card["media_sha256"]) == 64 and card["id"].startswith(card["media_sha256"])
        assert card["item"] and card["case"] and card["status"] == "pending"
        assert card["signals"] and all(
            set(signal) == {"hash_type", "distance", "variant", "entry_value"} and isinstance(signal["distance"], int)
            for signal in card["signals"]
        )
        assert card["locations"]
        for place in card["locations"]:
            assert set(place) == {"location", "media_url", "source", "posted_at", "seen_at", "packet_id"}
            assert place["location"].startswith("http") and place["media_url"] and place["seen_at"]
    assert any(len(card["signals"]) > 1 for card in cards)  # several hashes of one picture: one card
    table = jikimi(data_dir, "hits")
    assert table.returncode == 0 and "Cards (9)" in table.stdout, table.stderr


@pytest.mark.slow
def test_the_demo_bundle_verifies_and_a_tampered_copy_fails_naming_the_file(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data_dir, _ = demo_run
    bundle = data_dir / "exports" / "demo-bundle.zip"
    ok = jikimi(data_dir, "verify", str(bundle))
    assert ok.returncode == 0 and "OK" in ok.stdout, ok.stderr
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(tampered, "w") as target:
        victim = next(name for name in source.namelist() if "/media/" in name)
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:100] + bytes([data[100] ^ 0xFF]) + data[101:] if name == victim else data)
    failed = jikimi(data_dir, "verify", str(tampered))
    assert failed.returncode == 1
    assert victim in failed.stderr


def test_a_bad_blocklist_exits_2_naming_the_line_and_imports_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("hash_type,hash,case,label\nsha256," + "ab" * 32 + ",c,ok\nsha256,xyz,c,bad\n")
    result = jikimi(data_dir, "blocklist", "import", str(bad))
    assert result.returncode == 2
    assert "line 3" in result.stderr and "'xyz' is not a valid SHA-256 hash" in result.stderr
    stats = jikimi(data_dir, "blocklist", "stats")
    assert "entries: 0" in stats.stdout


def test_a_bad_watchlist_exits_2_naming_file_source_and_field_and_crawls_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("sources:\n  - id: forum\n    kind: web\n    schedule: {every: 30m}\n")
    result = jikimi(data_dir, "crawl", "--watchlist", str(watchlist))
    assert result.returncode == 2
    assert str(watchlist) in result.stderr and "'forum'" in result.stderr and "'start_urls'" in result.stderr
    assert not (data_dir / "jikimi.sqlite3").exists()


def test_add_images_stores_hashes_and_import_then_stats_counts_them(tmp_path: Path) -> None:
    from monitor.demo.pictures import encode, make_picture

    pictures = tmp_path / "intake"
    pictures.mkdir()
    (pictures / "one.jpg").write_bytes(encode(make_picture(1)))
    result = jikimi(tmp_path / "data", "blocklist", "add-images", str(pictures), "--case", "case-42")
    assert result.returncode == 0, result.stderr
    assert "added 16 hashes" in result.stdout  # sha256, md5, pdq, phash + pdq and phash of six crops
    stats = jikimi(tmp_path / "data", "blocklist", "stats")
    assert "entries: 16, cases: 1" in stats.stdout
    assert not any(p.suffix == ".jpg" for p in (tmp_path / "data").rglob("*"))


def test_add_images_makes_one_item_per_picture_and_withdraw_stops_all_its_hashes(tmp_path: Path) -> None:
    from monitor.demo.pictures import encode, make_picture

    data_dir, pictures = tmp_path / "data", tmp_path / "intake"
    pictures.mkdir()
    for number in (1, 2):
        (pictures / f"{number}.jpg").write_bytes(encode(make_picture(number)))
    result = jikimi(data_dir, "blocklist", "add-images", str(pictures), "--case", "case-42")
    assert result.returncode == 0, result.stderr
    assert "of 2 pictures (items)" in result.stdout
    listed = jikimi(data_dir, "blocklist", "items").stdout.splitlines()
    assert listed[-1] == "2 items" and all(" active  case-42  picture " in line for line in listed[:-1])
    first = listed[0].split()[0]
    withdrawn = jikimi(data_dir, "blocklist", "withdraw", first)
    assert withdrawn.returncode == 0 and f"withdrew item {first}" in withdrawn.stdout
    assert "withdrawn already" in jikimi(data_dir, "blocklist", "withdraw", first).stdout
    entries = asyncio.run(stored_entries(data_dir))
    assert entries and first not in {entry.item_id for entry in entries}  # none of its 16 hashes is matched
    unknown = jikimi(data_dir, "blocklist", "withdraw", "no-such-item")
    assert unknown.returncode == 2 and "no blocklist item 'no-such-item'" in unknown.stderr


async def stored_entries(data_dir: Path) -> list[BlocklistEntry]:
    """What the matcher would load from the data directory."""
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    try:
        return await store.blocklist_entries()
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("header", "items", "expected"),
    [("hash_type,hash,case,label,item", ("p1", "p1", ""), 2), ("hash_type,hash,case,label", (), 3)],
    ids=["item column", "no item column"],
)
def test_import_groups_rows_by_their_item_column_else_each_row_is_an_item(
    tmp_path: Path, header: str, items: tuple[str, ...], expected: int
) -> None:
    rows = [f"sha256,{'ab' * 32},case-1,front", f"pdq,{'0f' * 32},case-1,front", f"md5,{'cd' * 16},case-1,other"]
    lines = [f"{row},{item}" for row, item in zip(rows, items, strict=True)] if items else rows
    hash_list = tmp_path / "list.csv"
    hash_list.write_text("\n".join([header, *lines]) + "\n")
    result = jikimi(tmp_path / "data", "blocklist", "import", str(hash_list))
    assert result.returncode == 0, result.stderr
    assert f"imported 3 new entries (0 already present) of {expected} items" in result.stdout
    assert jikimi(tmp_path / "data", "blocklist", "items").stdout.splitlines()[-1] == f"{expected} items"


def test_add_images_refuses_a_case_code_that_could_be_a_path_before_reading_any_picture(tmp_path: Path) -> None:
    result = jikimi(tmp_path / "data", "blocklist", "add-images", str(tmp_path / "absent"), "--case", "../../x")
    assert result.returncode == 2
    assert "case code '../../x' refused" in result.stderr


@pytest.mark.slow
def test_every_demo_packet_has_a_custody_chain_from_capture_to_export(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, _ = demo_run
    result = jikimi(data_dir, "custody", "verify")
    assert result.returncode == 0 and "custody events verified" in result.stdout, result.stderr
    with zipfile.ZipFile(data_dir / "exports" / "demo-bundle.zip") as bundle:
        chains = [name for name in bundle.namelist() if name.startswith("data/custody/")]
        assert len(chains) == 9
        events = [json.loads(line) for line in bundle.read(chains[0]).decode().splitlines()]
    assert [e["kind"] for e in events] == ["captured", "exported"]
    assert events[1]["details"]["recipient"] == "demo" and events[1]["prev_hash"] == events[0]["hash"]


@pytest.mark.slow
def test_the_bundle_explains_itself_and_checks_with_stock_sha256sum(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    import csv
    import io

    data_dir, _ = demo_run
    with zipfile.ZipFile(data_dir / "exports" / "demo-bundle.zip") as bundle:
        bundle.extractall(tmp_path / "out")
        rows = list(csv.DictReader(io.StringIO(bundle.read("data/takedown.csv").decode())))
        index = bundle.read("data/index.html").decode()
        verify_text = bundle.read("data/VERIFY.md").decode()
        bag_info = bundle.read("bag-info.txt").decode()
    assert len(rows) == 9 and {r["platform"] for r in rows} == {"web", "telegram_web"}
    assert all(r["location"].startswith("http://127.0.0.1:") and r["cases"] == "demo-case-1" for r in rows)
    assert all(r["packet_id"] in index for r in rows) and "<img" not in index
    assert "sha256sum -c manifest-sha256.txt" in verify_text and "openssl ts -verify" in verify_text
    assert "Payload-Oxum:" in bag_info and "Bagging-Date:" in bag_info and "Source-Organization:" in bag_info
    whole = subprocess.run(["sha512sum", "-c", "--quiet", "manifest-sha512.txt"], cwd=tmp_path / "out")
    packet = next((tmp_path / "out" / "data" / "packets").iterdir())
    one = subprocess.run(["sha256sum", "-c", "--quiet", "manifest-sha256.txt"], cwd=packet)
    assert whole.returncode == 0 and one.returncode == 0


@pytest.mark.slow
def test_export_selects_packets_by_case_and_says_when_nothing_matches(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data_dir, _ = demo_run
    chosen = jikimi(data_dir, "export", "--out", str(tmp_path / "case.zip"), "--case", "demo-case-1",
                    "--recipient", "police unit 3", "--reason", "case 2026-17")  # fmt: skip
    assert chosen.returncode == 0 and "(9 packets" in chosen.stdout, chosen.stderr
    nothing = jikimi(data_dir, "export", "--out", str(tmp_path / "none.zip"), "--case", "no-such-case")
    assert nothing.returncode == 1 and "nothing to export" in nothing.stderr
    assert not (tmp_path / "none.zip").exists()


@pytest.mark.slow
def test_a_changed_warc_in_the_bundle_fails_verification_naming_it(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data_dir, _ = demo_run
    tampered = tmp_path / "warc.zip"
    with zipfile.ZipFile(data_dir / "exports" / "demo-bundle.zip") as source, zipfile.ZipFile(tampered, "w") as target:
        warc = next(name for name in source.namelist() if name.endswith("page.warc.gz"))
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:-8] + bytes(b ^ 0x0F for b in data[-8:]) if name == warc else data)
    failed = jikimi(data_dir, "verify", str(tampered))
    assert failed.returncode == 1 and warc in failed.stderr


@pytest.mark.slow
async def test_the_demo_login_opens_the_review_ui_served_by_jikimi_serve(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    import aiohttp

    data_dir, result = demo_run
    login = re.search(r"review UI: http://127\.0\.0\.1:\d+ .* one-time demo login: (\S+) / (\S+) ", result.stdout)
    assert login is not None, result.stdout
    lines = result.stdout.strip().splitlines()
    assert lines[-2].startswith("review UI:") and lines[-1].startswith("hits:")
    env = cli_environment(data_dir)
    server = subprocess.Popen([*JIKIMI, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = re.search(r"review UI: (http://\S+)", server.stdout.readline())
        assert url is not None
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # unsafe: an IP host
            page = await (await client.get(url.group(1) + "/login")).text()
            token = re.search(r'name="csrf" value="([^"]+)"', page)
            assert token is not None
            form = {"name": login.group(1), "password": login.group(2), "csrf": token.group(1)}
            queue = await client.post(url.group(1) + "/login", data=form)
            assert queue.status == 200 and str(queue.url).endswith("/hits")
            assert "demo-case-1" in await queue.text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_users_are_added_with_a_prompted_password_and_bad_input_exits_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    added = jikimi(data_dir, "users", "add", "vera", "--role", "volunteer", "--password-stdin", stdin="x" * 14 + "\n")
    assert added.returncode == 0, added.stderr
    assert jikimi(data_dir, "users", "list").stdout.split() == ["vera", "volunteer"]
    again = jikimi(data_dir, "users", "add", "vera", "--role", "admin", "--password-stdin", stdin="y" * 14 + "\n")
    weak = jikimi(data_dir, "users", "add", "bo", "--role", "volunteer", "--password-stdin", stdin="short\n")
    role = jikimi(data_dir, "users", "add", "cy", "--role", "root", "--password-stdin", stdin="z" * 14 + "\n")
    assert (again.returncode, weak.returncode, role.returncode) == (2, 2, 2)
    assert "exists" in again.stderr and "12 characters" in weak.stderr and "role must be one of" in role.stderr
    stored = b"".join(path.read_bytes() for path in data_dir.glob("jikimi.sqlite3*"))
    assert stored and b"x" * 14 not in stored  # only the argon2 hash is kept


def test_users_list_shows_an_account_waiting_for_a_second_admin_and_whose_request_it_was(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    added = jikimi(data_dir, "users", "add", "ada", "--role", "admin", "--password-stdin", stdin="x" * 14 + "\n")
    assert added.returncode == 0, added.stderr
    requested = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

    async def made_in_the_ui() -> None:  # what the admin page stores for an investigator ada asked for
        store = SqliteStore(data_dir / "jikimi.sqlite3")
        await store.open()
        await store.put_user(
            UserRecord(
                "ivan", Role.INVESTIGATOR, "hash", created_at=requested, created_by="ada", awaiting_approval=True
            )
        )
        await store.close()

    asyncio.run(made_in_the_ui())
    listed = jikimi(data_dir, "users", "list").stdout.splitlines()
    assert listed[0].split() == ["ada", "admin"]
    assert listed[1].split()[:4] == ["ivan", "investigator", "AWAITING", "APPROVAL"]
    assert "requested by ada at 2026-11-30 09:15 UTC" in listed[1]


def test_users_add_stores_a_normalised_name_and_refuses_a_look_alike(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    add = ("--role", "volunteer", "--password-stdin")
    assert (
        jikimi(data_dir, "users", "add", "Vera", *add, stdin="x" * 14 + "\n").stdout.strip() == "added vera (volunteer)"
    )
    cyrillic = jikimi(data_dir, "users", "add", "v\u0435ra", *add, stdin="x" * 14 + "\n")  # Cyrillic e
    hidden = jikimi(data_dir, "users", "add", "vera\u200b", *add, stdin="x" * 14 + "\n")
    wide = jikimi(data_dir, "users", "add", "\uff56\uff45\uff52\uff41", *add, stdin="x" * 14 + "\n")
    assert (cyrillic.returncode, hidden.returncode, wide.returncode) == (2, 2, 2)
    assert "a-z" in cyrillic.stderr and "invisible character U+200B" in hidden.stderr and "exists" in wide.stderr
    assert jikimi(data_dir, "users", "list").stdout.split() == ["vera", "volunteer"]


def test_status_says_plainly_when_the_daemon_is_not_running(tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(
        "sources:\n  - id: forum\n    kind: web\n    start_urls: [http://127.0.0.1:9/]\n"
        "    allowed_domains: [127.0.0.1]\n    allow_private_addresses: true\n    schedule: {every: 30m}\n"
    )
    result = jikimi(tmp_path / "data", "status", "--watchlist", str(watchlist))
    assert result.returncode == 0, result.stderr
    assert "daemon: NOT running" in result.stdout and "forum" in result.stdout and "never run" in result.stdout

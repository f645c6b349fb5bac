"""Red team: what an interrupted jikimi leaves on disk, and what its files let others read.

The attacker here is whoever gets at the machine's disk later (a shared server, a seized or resold laptop,
a backup): after a SIGTERM or a ``kill -9``, no picture jikimi fetched or exported may be left in plaintext
once jikimi starts again. Real ``jikimi`` subprocesses crawl the demo forum, served on 127.0.0.1 (slowed
down, so that the signal lands mid-crawl), and real exports are killed mid-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiohttp import web
from pydantic import BaseModel
from rich.console import Console

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.base import CrawlContext
from crawlers.errors import CrawlError
from crawlers.sighting import Capture, CrawlProblem, CrawlRecord, Media, Sighting, utc_now
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app, demo_media
from monitor.fingerprint.pool import HashPool
from monitor.matching.hash_lists import read_blocklist
from monitor.runner import SourceRun, keep_log
from tests.monitor.review import conftest as review_ui

pytestmark = pytest.mark.slow
JIKIMI = [sys.executable, "-m", "monitor.cli"]
PICTURES = [item.body for item in demo_media().values()]
world = review_ui.world  # the review UI's fixtures: a real store with a hit and its packet, a server, clients
settings_overrides = review_ui.settings_overrides


class SlowSite:
    """The demo forum, slowed down so that a signal lands mid-crawl: each request takes a while, and media
    after the first two are held back (up to ``HOLD`` seconds) until ``release()``, however loaded the machine
    is. A crawl that must finish is released first."""

    HOLD = 30.0

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.media_served = 0
        self.app = demo_app()
        self.app.middlewares.append(self.slowly)
        self.url = ""

    def release(self) -> None:
        self.released.set()

    @web.middleware
    async def slowly(self, request: web.Request, handler: Callable[..., object]) -> web.StreamResponse:
        await asyncio.sleep(0.2)
        if request.path.startswith("/media/"):
            self.media_served += 1
            if self.media_served > 2:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.released.wait(), self.HOLD)
        response = await handler(request)  # type: ignore[misc]
        assert isinstance(response, web.StreamResponse)
        return response


@pytest.fixture
async def slow_demo_site() -> AsyncIterator[SlowSite]:
    slow = SlowSite()
    site = RunningSite(slow.app)
    slow.url = await site.start(0)
    yield slow
    slow.release()
    await site.stop()


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIKIMI_", "TELEGRAM_"))}
    return env | {
        "JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_HASH_WORKERS": "1", "JIKIMI_CRAWL_AUTOTHROTTLE": "false",
        "JIKIMI_EVIDENCE_SCREENSHOTS": "false", "JIKIMI_CRAWL_CONCURRENCY_PER_DOMAIN": "1",
    }  # fmt: skip


async def prepared(tmp_path: Path, site: str) -> tuple[Path, Path]:
    """A data directory holding the demo blocklist, and a watchlist of the demo forum."""
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_context(settings) as context:
        await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(data_dir, settings)))
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(f"""sources:
  - id: demo-forum
    kind: web
    start_urls: [{site}/]
    allowed_domains: [127.0.0.1]
    allow_private_addresses: true
    max_depth: 3
    schedule: {{every: 1h}}
""")
    return data_dir, watchlist


def plaintext_pictures(folder: Path) -> list[Path]:
    """Every file under ``folder`` that holds one of the demo pictures, byte for byte."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            if any(picture in content for picture in PICTURES):
                found.append(path)
    return found


def fetched_media(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "tmp").rglob("*") if p.is_file() and p.parent.name in ("media", "pages")]


async def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def jikimi(data_dir: Path, *arguments: str) -> subprocess.Popen[bytes]:
    """A ``jikimi`` subprocess; its output goes to a file, not a pipe (an orphaned worker of a killed
    process would hold a pipe open, and reading it would never end)."""
    log = (data_dir.parent / "jikimi.log").open("ab")
    with log:
        return subprocess.Popen([*arguments], env=environment(data_dir), stdout=log, stderr=log)


def output(data_dir: Path) -> str:
    return (data_dir.parent / "jikimi.log").read_text(errors="replace")


async def ended(process: subprocess.Popen[bytes], timeout: float) -> int:
    await wait_for(lambda: process.poll() is not None, timeout, "the process to end")
    return process.returncode


async def crawl_until_media_are_fetched(data_dir: Path, watchlist: Path) -> subprocess.Popen[bytes]:
    crawl = jikimi(data_dir, *JIKIMI, "crawl", "--watchlist", str(watchlist))
    await wait_for(
        lambda: any(p.parent.name == "media" for p in fetched_media(data_dir)) or crawl.poll() is not None,
        timeout=120, what="the crawl to fetch media",
    )  # fmt: skip
    assert crawl.poll() is None, f"the crawl ended before it could be interrupted: {output(data_dir)}"
    return crawl


async def crawl_to_the_end(data_dir: Path, watchlist: Path) -> None:
    crawl = jikimi(data_dir, *JIKIMI, "crawl", "--watchlist", str(watchlist))
    try:
        assert await ended(crawl, timeout=300) == 0, output(data_dir)
    finally:
        crawl.kill()


async def test_a_crawl_keeps_fetched_media_sealed_and_sigterm_removes_them_at_once(
    slow_demo_site: SlowSite, tmp_path: Path
) -> None:
    data_dir, watchlist = await prepared(tmp_path, slow_demo_site.url)
    crawl = await crawl_until_media_are_fetched(data_dir, watchlist)
    assert plaintext_pictures(data_dir / "tmp") == [], "a running crawl keeps its fetched pictures sealed"
    crawl.send_signal(signal.SIGTERM)
    assert await ended(crawl, timeout=60) == 143, output(data_dir)
    assert "stopped by SIGTERM" in output(data_dir)
    assert plaintext_pictures(data_dir) == []
    assert list((data_dir / "tmp").iterdir()) == []


async def test_a_kill_9_mid_crawl_leaves_only_sealed_files_and_the_next_start_removes_them(
    slow_demo_site: SlowSite, tmp_path: Path
) -> None:
    data_dir, watchlist = await prepared(tmp_path, slow_demo_site.url)
    crawl = await crawl_until_media_are_fetched(data_dir, watchlist)
    crawl.kill()
    await ended(crawl, timeout=30)
    assert fetched_media(data_dir), "kill -9 leaves the fetched files: only the next start can remove them"
    assert plaintext_pictures(data_dir) == [], "but they are sealed with a key that died with the process"
    slow_demo_site.release()
    await crawl_to_the_end(data_dir, watchlist)
    assert plaintext_pictures(data_dir) == []
    assert list((data_dir / "tmp").iterdir()) == []


SLOW_EXPORT = """
import pathlib, sys, time
import evidence.bundle as bundle

decrypt, done, marker = bundle.decrypt_chunks, [], pathlib.Path(sys.argv[1])

def decrypt_slowly(path, key):  # the export is killed after a few files were decrypted
    yield from decrypt(path, key)
    done.append(path)
    if len(done) == 12:
        marker.write_text("half way")
        time.sleep(600)

bundle.decrypt_chunks = decrypt_slowly
sys.argv = ["jikimi", *sys.argv[2:]]
from monitor.cli import main
main()
"""


async def test_a_kill_9_mid_export_leaves_no_decrypted_picture(slow_demo_site: SlowSite, tmp_path: Path) -> None:
    data_dir, watchlist = await prepared(tmp_path, slow_demo_site.url)
    slow_demo_site.release()
    await crawl_to_the_end(data_dir, watchlist)
    exports, marker = tmp_path / "exports", tmp_path / "half-way"
    exports.mkdir()
    export = jikimi(data_dir, sys.executable, "-c", SLOW_EXPORT, str(marker), "export", "--out", str(exports / "b.zip"))
    await wait_for(lambda: marker.exists() or export.poll() is not None, timeout=120, what="the export")
    assert export.poll() is None, f"the export ended before it could be killed: {output(data_dir)}"
    export.kill()
    await ended(export, timeout=30)
    assert plaintext_pictures(tmp_path) == []
    assert list(exports.iterdir()) == []


# --- credentials of a watchlist URL, and who may read jikimi's files ------------------------------------------

SECRET_URL = "https://volunteer:hunter2-secret@forum.example"


class NoFields(BaseModel):
    pass


class CredentialedCrawler:
    """A crawler double for a forum behind HTTP authentication: every URL it derives carries the credentials."""

    kind: ClassVar[str] = "listed"
    config_model: ClassVar[type[BaseModel]] = NoFields

    def __init__(self) -> None:
        self.used: list[str] = []

    async def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        self.used.append(SECRET_URL)  # the crawler itself has them, and uses them
        picture = context.workdir / "1.jpg"
        context.files.write(picture, PICTURES[0])  # sealed with the run key, as every crawler writes
        yield Sighting(source.id, "web", f"{SECRET_URL}/thread/1", utc_now(), Media(f"{SECRET_URL}/a.jpg", picture),
                       capture=Capture(utc_now(), "web", "1", 200, final_url=f"{SECRET_URL}/thread/1"))  # fmt: skip
        yield CrawlProblem(source.id, f"{SECRET_URL}/thread/2", f"HTTP 500 from {SECRET_URL}/thread/2")
        raise CrawlError(f"crawl of {source.id!r} failed at {SECRET_URL}/thread/3")


async def test_watchlist_credentials_reach_neither_the_store_nor_the_output_nor_the_logs(
    settings: Settings, hash_pool: HashPool, caplog: pytest.LogCaptureFixture
) -> None:
    from monitor.cli.console import cards_table, print_runs
    from monitor.operations.logs import RedactSecrets, secret_values

    crawler = CredentialedCrawler()
    source = Source("forum", "listed", Schedule(every=parse_duration("1h")), NoFields())
    async with open_context(settings, hash_pool) as context:
        run = await SourceRun(await context.pipeline(), source, crawler, 2).execute(context.workdir)
        stored = [*(await context.store.sightings()), *(await context.store.runs()), *(await context.store.hits())]
    assert crawler.used == [SECRET_URL]
    assert run.status == "failed" and len(run.problems) == 1 and stored
    assert "hunter2" not in repr(stored) and "https://***@forum.example/thread/1" in repr(stored)
    stream = io.StringIO()
    print_runs(Console(file=stream, width=300), [run])
    Console(file=stream, width=300).print(cards_table([]))
    assert "hunter2" not in stream.getvalue() and "***@forum.example" in stream.getvalue()
    record = logging.makeLogRecord({"msg": "fetching %s", "args": (f"{SECRET_URL}/x",)})
    RedactSecrets(secret_values(settings)).filter(record)
    assert record.getMessage() == "fetching https://***@forum.example/x"


async def test_the_database_the_crawler_logs_and_the_data_folder_are_private_and_name_no_credentials(
    settings: Settings, hash_pool: HashPool
) -> None:
    settings.data_dir.parent.mkdir(parents=True, exist_ok=True)
    async with open_context(settings, hash_pool) as context:
        workdir = context.workdir / "run-1"
        workdir.mkdir(parents=True)
        (workdir / "scrapy.log").write_text(f"Crawled (200) <GET {SECRET_URL}/thread/1>\n")
        keep_log(workdir, settings.data_dir / "logs" / "forum-run-1.log")
    kept = (settings.data_dir / "logs" / "forum-run-1.log").read_text()
    assert kept == "Crawled (200) <GET https://***@forum.example/thread/1>\n"
    files = [settings.data_dir / "jikimi.sqlite3", settings.data_dir / "logs" / "forum-run-1.log"]
    files += [p for p in settings.data_dir.glob("jikimi.sqlite3-*")]
    assert {str(p): oct(p.stat().st_mode & 0o777) for p in files} == {str(p): "0o600" for p in files}
    for folder in (settings.data_dir, settings.data_dir / "logs"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"


async def test_an_old_world_readable_database_is_made_private_when_opened(settings: Settings) -> None:
    from monitor.store.sqlite import SqliteStore

    settings.data_dir.mkdir(parents=True)
    path = settings.data_dir / "jikimi.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    store = SqliteStore(str(path))
    await store.open()
    await store.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_review_ui_decodes_a_matched_video_from_a_file_that_has_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.review import media
    from tests.conftest import write_video

    video, work = write_video(tmp_path / "clip.mp4", [1, 2, 3], seconds_each=1.0).read_bytes(), tmp_path / "work"
    on_disk_while_decoding: list[list[str]] = []
    real_open = media.open_video

    def watched_open(path: Path, pixel_cap: int) -> Any:
        on_disk_while_decoding.append(sorted(p.name for p in work.rglob("*")))
        return real_open(path, pixel_cap)

    monkeypatch.setattr(media, "open_video", watched_open)
    assert media.blurred_preview(video, "video/mp4", work)
    assert on_disk_while_decoding == [[]]  # a kill mid-decode could leave nothing: the bytes never had a name


HOLDS_A_LIVE_LOCK = """
import fcntl, os, sys
descriptor = os.open(os.path.join(sys.argv[1], ".lock"), os.O_RDWR)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(0)
sys.exit(1)
"""


async def test_a_ui_export_is_written_in_a_work_folder_the_next_start_sweeps_at_once(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the UI streams a bundle (decrypted pictures inside), its folder is locked by the live server:
    the kernel drops the lock when the server dies, however it dies, and the next start removes every
    unlocked work folder at once (``crawlers/workdirs.py``) rather than hours later."""
    from monitor.review import exports
    from tests.monitor.review.conftest import post

    real_export, checked = exports.export_packets, []

    async def export_and_check(context: Any, out: Path, **options: Any) -> Any:
        summary = await real_export(context, out, **options)
        check = subprocess.run([sys.executable, "-c", HOLDS_A_LIVE_LOCK, str(out.parent)], check=False)
        checked.append(check.returncode == 0)
        return summary

    monkeypatch.setattr(exports, "export_packets", export_and_check)
    hit, ian = world.hits[0], await world.client_for("ian")
    await post(ian, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    response = await post(ian, "/export", {"case": "case-7", "recipient": "Seoul police", "reason": "case 7"})
    assert response.status == 200 and await response.read()
    assert checked == [True]
    assert list(world.context.workdir.glob("export-*")) == []  # and gone once the download ended

"""kill -9 at random moments, restart, and the store ends exactly as after an uninterrupted run.

A real ``jikimi run`` subprocess crawls the demo forum and channel (served here on 127.0.0.1). Each round
waits until a crawl is under way, lets it go on for a random moment, and kills the daemon with SIGKILL.
After the rounds the daemon runs to the end and is stopped with SIGTERM. The sightings, hits, packets,
custody events and watermarks must equal those of one uninterrupted ``jikimi crawl`` of the same sources.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from evidence.signing import public_key_pem
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app
from monitor.matching.hash_lists import read_blocklist
from monitor.packets.custody_log import verify_all_chains

pytestmark = pytest.mark.slow
JIKIMI = [sys.executable, "-m", "monitor.cli"]
SECRETS = {
    "TELEGRAM_API_HASH": "crash-test-api-hash-0123456789",
    "JIKIMI_ALERT_TELEGRAM_BOT_TOKEN": "999:crash-bot-token",
}
ROUNDS = 4


@pytest.fixture
async def demo_site() -> AsyncIterator[str]:
    site = RunningSite(demo_app())
    yield await site.start(0)
    await site.stop()


def watchlist(folder: Path, url: str) -> Path:
    path = folder / "watchlist.yaml"
    path.write_text(f"""sources:
  - id: demo-forum
    kind: web
    start_urls: [{url}/]
    allowed_domains: [127.0.0.1]
    allow_private_addresses: true
    max_depth: 3
    schedule: {{every: 3s, jitter: 1s}}
  - id: demo-channel
    kind: telegram_web
    channel: demo_channel
    base_url: {url}
    allow_private_addresses: true
    schedule: {{every: 3s, jitter: 1s}}
""")
    return path


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIKIMI_", "TELEGRAM_"))}
    return env | SECRETS | {
        "JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_HASH_WORKERS": "2", "JIKIMI_CRAWL_AUTOTHROTTLE": "false",
        "JIKIMI_DAEMON_SERVE_REVIEW": "false", "JIKIMI_EVIDENCE_SCREENSHOTS": "false", "JIKIMI_LOG_FORMAT": "json",
        "JIKIMI_DAEMON_STOP_DEADLINE": "30",
    }  # fmt: skip


async def prepared(data_dir: Path) -> Settings:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    async with open_context(settings) as context:
        await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(data_dir, settings)))
    return settings


async def snapshot(settings: Settings) -> dict[str, Any]:
    async with open_context(settings) as context:
        store = context.store
        chains = {p.id: [e.kind for e in await store.custody_events(p.id)] for p in await store.packets()}
        await verify_all_chains(store, public_key_pem(context.signer))
        return {
            "sightings": sorted(s.id for s in await store.sightings()),
            "hits": sorted(h.id for h in await store.hits()),
            "packets": sorted(p.id for p in await store.packets()),
            "custody": chains,
            "watermarks": {s: (await store.get_source_state(s)).watermark for s in ("demo-forum", "demo-channel")},
            "runs": [r.status for r in await store.runs()],
        }


def started(data_dir: Path, daemon: subprocess.Popen[bytes]) -> bool:
    """The daemon is up: its own status file is there (written once the store, pool and scheduler are open)."""
    try:
        return bool(json.loads((data_dir / "daemon-status.json").read_text()).get("pid") == daemon.pid)
    except (OSError, ValueError):
        return False


def running_crawls(data_dir: Path) -> list[str]:
    try:
        return list(json.loads((data_dir / "daemon-status.json").read_text()).get("running", []))
    except (OSError, ValueError):
        return []


async def wait_for(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_kill_9_at_random_moments_loses_and_duplicates_nothing(demo_site: str, tmp_path: Path) -> None:
    baseline_dir, crashed_dir = tmp_path / "baseline" / "data", tmp_path / "crashed" / "data"
    baseline, crashed = await prepared(baseline_dir), await prepared(crashed_dir)
    sources = watchlist(tmp_path, demo_site)
    crawl = await asyncio.to_thread(  # not blocking this loop: it serves the demo site
        subprocess.run, [*JIKIMI, "crawl", "--watchlist", str(sources)], env=environment(baseline_dir),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr
    expected = await snapshot(baseline)
    assert len(expected["sightings"]) == 66 and len(expected["packets"]) == 9

    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    logs = tmp_path / "daemon.log"
    with logs.open("ab") as log:
        for round_number in range(ROUNDS):
            (crashed_dir / "daemon-status.json").unlink(missing_ok=True)
            daemon = subprocess.Popen([*JIKIMI, "run", "--watchlist", str(sources)], env=environment(crashed_dir),
                                      stdout=log, stderr=log)  # fmt: skip
            if round_number == 0:  # the first kill lands in a crawl the store records as running, so at least
                # one interrupts a crawl however fast the demo's crawls have become
                await wait_for(lambda proc=daemon: _runs_running(crashed_dir) or proc.poll() is not None, timeout=60)
            else:  # the others at random moments, in a crawl or between two
                await wait_for(lambda proc=daemon: running_crawls(crashed_dir) or proc.poll() is not None, timeout=60)
            assert daemon.poll() is None, "the daemon exited by itself"
            await asyncio.sleep(chance.uniform(0.0, 3.0) if round_number else 0.0)
            daemon.send_signal(signal.SIGKILL)
            await asyncio.to_thread(daemon.wait, 30)
        (crashed_dir / "daemon-status.json").unlink(missing_ok=True)  # the killed one's is stale
        daemon = subprocess.Popen([*JIKIMI, "run", "--watchlist", str(sources)], env=environment(crashed_dir),
                                  stdout=log, stderr=log)  # fmt: skip
        await wait_for(lambda: started(crashed_dir, daemon) or daemon.poll() is not None, timeout=60)
        target = len(expected["sightings"])
        await wait_for(lambda: _sightings(crashed_dir) >= target and not running_crawls(crashed_dir), timeout=240)
        await asyncio.sleep(4)  # one more round of both sources: nothing new may appear
        daemon.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(daemon.wait, 60) == 0

    after = await snapshot(crashed)
    for key in ("sightings", "hits", "packets", "custody", "watermarks"):
        assert after[key] == expected[key], f"{key} differs after {ROUNDS} kill -9 rounds (seed {seed})"
    assert "running" not in after["runs"]
    assert "interrupted" in after["runs"], f"no kill landed during a crawl (seed {seed})"
    text = logs.read_text()
    assert not any(secret in text for secret in SECRETS.values())  # the logs of the whole test carry no secret
    assert '"message": "run finished"' in text


def _runs_running(data_dir: Path) -> int:
    """Runs the store holds as running: a kill now leaves one for the next start to mark ``interrupted``."""
    return _count(data_dir, "SELECT COUNT(*) FROM runs WHERE status = 'running'")


def _sightings(data_dir: Path) -> int:
    return _count(data_dir, "SELECT COUNT(*) FROM sightings")


def _count(data_dir: Path, sql: str) -> int:
    """A count read from the daemon's store beside it (read-only); 0 while the store is not there yet."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{data_dir / 'jikimi.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


async def test_a_sigterm_while_the_daemon_starts_stops_it_cleanly(demo_site: str, tmp_path: Path) -> None:
    """systemd may stop a daemon that is still opening its store and hash pool: that is a clean stop (exit 0),
    not a death by the signal's default action."""
    sources = watchlist(tmp_path, demo_site)
    daemon = await asyncio.create_subprocess_exec(
        *JIKIMI, "run", "--watchlist", str(sources), env=environment(tmp_path / "data"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert daemon.stderr is not None
    try:
        seen = b""
        while b'"daemon starting"' not in seen:  # logged once its signal handlers are in place
            line = await asyncio.wait_for(daemon.stderr.readline(), timeout=60)
            assert line, f"the daemon ended before starting: {seen.decode()}"
            seen += line
        daemon.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(daemon.stderr.read(), timeout=60)
        assert await asyncio.wait_for(daemon.wait(), timeout=60) == 0
        assert b'"message": "daemon stopped"' in rest
    finally:
        if daemon.returncode is None:
            daemon.kill()
            await daemon.wait()

"""The daemon's idle cost: CPU time and memory of ``jikimi run`` over 10 minutes with the demo sources.

The demo forum and channel are served here; the daemon crawls them on their demo schedule (every 30 min
and 15 min) and serves the review UI. After its first runs there is nothing new to find, which is the
daemon's normal state for most of its life. Measured from ``/proc/<pid>`` of the daemon and its children
(the Scrapy workers and hash pool): CPU seconds used (in all, and in the last five minutes, when the daemon
only waits), CPU share, and proportional set size (PSS) at the end and at its peak.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config.settings import Settings
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app
from monitor.matching.hash_lists import read_blocklist

SECONDS = float(os.environ.get("BENCH_DAEMON_SECONDS", "600"))
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """The daemon and its descendants."""
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
            found.append(int(child))
            frontier.append(int(child))
    return found


def cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and memory of the process tree. Memory is PSS: pages shared between the
    daemon and its workers are divided among them, not counted once per process as RSS would."""
    cpu, pss = 0.0, 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / TICKS
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
            pss += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) * 1024
        except (OSError, IndexError, StopIteration):
            continue
    return cpu, pss


async def measure() -> dict[str, float]:
    site = RunningSite(demo_app())
    url = await site.start(0)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
        async with open_context(settings) as context:
            await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(data_dir, settings)))
        watchlist = Path(folder) / "watchlist.yaml"
        watchlist.write_text(
            f"sources:\n  - id: demo-forum\n    kind: web\n    start_urls: [{url}/]\n    allowed_domains: [127.0.0.1]\n"
            f"    schedule: {{every: 30m}}\n  - id: demo-channel\n    kind: telegram_web\n    channel: demo_channel\n"
            f"    base_url: {url}\n    schedule: {{every: 15m}}\n"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIKIMI_")}
        env |= {"JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_REVIEW_PORT": "8791", "JIKIMI_LOG_FORMAT": "json"}
        daemon = subprocess.Popen([sys.executable, "-m", "monitor.cli", "run", "--watchlist", str(watchlist)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        started = time.monotonic()
        peak, cpu_at_5 = 0, 0.0
        try:
            while time.monotonic() - started < SECONDS:
                await asyncio.sleep(5)
                cpu, rss = cpu_and_rss(daemon.pid)
                peak = max(peak, rss)
                if time.monotonic() - started < SECONDS - 300:
                    cpu_at_5 = cpu  # the last five minutes: the daemon idle between runs
            cpu, rss = cpu_and_rss(daemon.pid)
            elapsed = time.monotonic() - started
        finally:
            daemon.terminate()
            await asyncio.to_thread(daemon.wait, 60)
            await site.stop()
    return {"seconds": round(elapsed), "cpu_seconds": round(cpu, 2), "cpu_share_percent": round(100 * cpu / elapsed, 3),
            "pss_mib_end": round(rss / 2**20, 1), "pss_mib_peak": round(peak / 2**20, 1),
            "cpu_seconds_last_5_minutes": round(cpu - cpu_at_5, 2)}  # fmt: skip


def main() -> None:
    result = asyncio.run(measure())
    out = Path(__file__).parent / "results" / "daemon_idle.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("daemon idle:", result)


if __name__ == "__main__":
    main()

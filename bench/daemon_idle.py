"""The daemon's idle cost: CPU time and memory of ``jikimi run`` over 10 minutes with the demo sources.

The demo forum and channel are served here; the daemon crawls them on their demo schedule (every 30 min
and 15 min) and serves the review UI. After its first runs there is nothing new to find, which is the
daemon's normal state for most of its life. Measured from ``/proc/<pid>`` of the daemon and its children
(the Scrapy workers and hash pool): CPU seconds used in all, and in each of the last five one-minute
windows, when the daemon only waits (best and median of the five, as a share of one core); proportional
set size (PSS) at the end of each window and at its peak.

Baseline, running alongside over the same minutes: a Python process that imports jikimi's CLI and sleeps
(``BASELINE``), so the daemon's memory is put next to what merely loading its code costs.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from bench.timing import Samples, conditions, ratio, write_result
from config.settings import Settings
from monitor.context import open_context
from monitor.demo.run import make_demo_blocklist
from monitor.demo.site import RunningSite, demo_app
from monitor.matching.hash_lists import read_blocklist

SECONDS = float(os.environ.get("BENCH_DAEMON_SECONDS", "600"))
WINDOW = float(os.environ.get("BENCH_DAEMON_WINDOW", "60"))  # seconds of one idle sample
WINDOWS = 5  # idle samples, at the end of the run
TICKS = os.sysconf("SC_CLK_TCK")
BASELINE = "import time, monitor.cli; time.sleep(1e6)"


def tree(pid: int) -> list[int]:
    """The process and its descendants: the children of every thread (a pool may start workers from its own
    thread), skipping a process that ends while it is read."""
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            frontier += children
    return found


class ProcessTree:
    """CPU seconds and memory of a process and its descendants, sampled from ``/proc``.

    CPU is a ledger over every process ever seen in the tree (keyed by pid and start time, so a reused pid is
    a new process): a worker that has exited keeps the time it was last seen with, so the total only grows.
    (Summing the live processes instead drops when a worker exits; the parents' ``cutime`` misses workers
    reaped by a process that is itself gone.) A process that starts and ends between two samples is missed.
    Memory is PSS of the live processes: pages shared between the daemon and its workers are divided among
    them, not counted once per process as RSS would.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu_seen: dict[tuple[int, int], float] = {}

    def sample(self) -> tuple[float, int]:
        """(CPU seconds so far, PSS bytes now)."""
        pss = 0
        for member in tree(self.pid):
            try:
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
                self.cpu_seen[(member, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / TICKS
                rollup = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
                pss += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) * 1024
            except (OSError, IndexError, StopIteration):
                continue
        return sum(self.cpu_seen.values()), pss


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_watchlist(folder: Path, url: str) -> Path:
    watchlist = folder / "watchlist.yaml"
    watchlist.write_text(
        f"sources:\n  - id: demo-forum\n    kind: web\n    start_urls: [{url}/]\n    allowed_domains: [127.0.0.1]\n"
        f"    allow_private_addresses: true\n    schedule: {{every: 30m}}\n"
        f"  - id: demo-channel\n    kind: telegram_web\n    channel: demo_channel\n"
        f"    base_url: {url}\n    allow_private_addresses: true\n    schedule: {{every: 15m}}\n"
    )
    return watchlist


class Mark(NamedTuple):
    """Both trees at the end of an idle window: CPU seconds so far and PSS bytes now."""

    cpu: float
    pss: int
    baseline_cpu: float
    baseline_pss: int


async def watch(daemon: ProcessTree, baseline: ProcessTree) -> dict[str, Any]:
    """Sample the daemon every 5 s (for its peak); at each idle window's edge, mark both trees."""
    started = time.monotonic()
    edges = [SECONDS - WINDOW * (WINDOWS - k) for k in range(WINDOWS + 1)]
    peak, marks = 0, []
    while edges:
        await asyncio.sleep(max(0.0, min(5.0, edges[0] - (time.monotonic() - started))))
        cpu, pss = daemon.sample()
        peak = max(peak, pss)
        if time.monotonic() - started >= edges[0]:
            edges.pop(0)
            marks.append(Mark(cpu, pss, *baseline.sample()))
    windows = list(itertools.pairwise(marks))
    share = Samples(tuple(100 * (end.cpu - begin.cpu) / WINDOW for begin, end in windows), "% of a core")
    baseline_share = Samples(
        tuple(100 * (end.baseline_cpu - begin.baseline_cpu) / WINDOW for begin, end in windows), "% of a core"
    )
    pss_samples = Samples(tuple(end.pss / 2**20 for _, end in windows), "MiB")
    baseline_pss = Samples(tuple(end.baseline_pss / 2**20 for _, end in windows), "MiB")
    return {
        "seconds": round(time.monotonic() - started),
        "cpu_seconds": round(marks[-1].cpu, 2),
        "idle_window_seconds": WINDOW,
        "idle_cpu_share": share.to_json(),
        "idle_pss": pss_samples.to_json(),
        "pss_mib_peak": round(peak / 2**20, 1),
        "baseline_idle_cpu_share": baseline_share.to_json(),
        "baseline_pss": baseline_pss.to_json(),
        "pss_over_baseline": ratio(pss_samples, baseline_pss),
    }


async def measure() -> dict[str, Any]:
    start = conditions()
    site = RunningSite(demo_app())
    url = await site.start(0)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data_dir = folder / "data"
        settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
        async with open_context(settings) as context:
            await context.store.add_blocklist_entries(read_blocklist(make_demo_blocklist(data_dir, settings)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIKIMI_")}
        env |= {"JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_REVIEW_PORT": str(free_port()), "JIKIMI_LOG_FORMAT": "json"}
        command = [sys.executable, "-m", "monitor.cli", "run", "--watchlist", str(write_watchlist(folder, url))]
        quiet = subprocess.DEVNULL
        daemon = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
        baseline = subprocess.Popen([sys.executable, "-c", BASELINE], env=env, stdout=quiet, stderr=quiet)
        try:
            result = await watch(ProcessTree(daemon.pid), ProcessTree(baseline.pid))
        finally:
            for process in (daemon, baseline):
                process.terminate()
            await asyncio.to_thread(daemon.wait, 60)
            await asyncio.to_thread(baseline.wait, 60)
            await site.stop()
    return {"conditions": start, "baseline": BASELINE, **result}


def main() -> None:
    result = asyncio.run(measure())
    out = write_result("daemon_idle", result)
    cpu, pss, over = result["idle_cpu_share"], result["idle_pss"], result["pss_over_baseline"]
    print(f"daemon idle over {result['seconds']} s; idle windows of {WINDOW:.0f} s, best / median")
    print(f"  CPU {cpu['best']:.2f} / {cpu['median']:.2f} % of a core")
    print(
        f"  PSS {pss['best']:.0f} / {pss['median']:.0f} MiB: {over['best']:.1f}x / {over['median']:.1f}x the baseline"
    )
    print(f"  written to {out}")


if __name__ == "__main__":
    main()

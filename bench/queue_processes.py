"""The review queue benchmark's subprocesses: ``jikimi hits --json`` and ``jikimi serve`` on a filled data directory.

Why subprocesses? What a reviewer or a script meets is the command: its start-up, its store, its output. The
CLI's time and peak RSS come from ``os.wait4`` on the child; the server's peak RSS is ``VmHWM`` in
``/proc/<pid>/status`` after it answered 20 ``GET /hits`` as a logged-in reviewer (``GET /login`` for the
form's CSRF token, ``POST /login``), so the figure holds the queue's work and not only start-up.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.timing import REPEATS, Samples

JIKIMI = str(Path(sys.executable).with_name("jikimi"))
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
QUEUE_VIEWS = 20


def jikimi_env(data_dir: Path) -> dict[str, str]:
    """The environment of a jikimi command on ``data_dir``: no settings from this shell, no screenshots."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith("JIKIMI_")}
    return kept | {"JIKIMI_DATA_DIR": str(data_dir), "JIKIMI_EVIDENCE_SCREENSHOTS": "false", "JIKIMI_HASH_WORKERS": "1"}


def hits_json(data_dir: Path) -> tuple[float, int, float]:
    """One run of ``jikimi hits --json``: (seconds, lines printed, peak RSS in MiB). The output is read as it
    comes and counted, never kept, so the reader's memory does not count."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [JIKIMI, "hits", "--json"], env=jikimi_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert child.stdout is not None
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: child.stdout.read(1 << 16), b""))  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"jikimi hits --json failed with status {child.returncode}")
    return seconds, lines, usage.ru_maxrss / 1024


def measure_hits_json(data_dir: Path, cards: int) -> dict[str, Any]:
    runs = [hits_json(data_dir) for _ in range(REPEATS)]
    if any(lines != cards for _, lines, _ in runs):
        raise RuntimeError(f"jikimi hits --json printed {[lines for _, lines, _ in runs]} cards, not {cards}")
    seconds = Samples(tuple(run[0] for run in runs))
    return {
        "seconds": seconds.to_json(),
        "per_1000_cards": Samples(tuple(1000 * run[0] / cards for run in runs)).to_json(),
        "peak_rss": Samples(tuple(run[2] for run in runs), "MiB").to_json(),
        "cards": cards,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


async def view_queue(base: str, name: str, password: str) -> list[float]:
    """Log in as ``name`` and ask for the queue ``QUEUE_VIEWS`` times; the seconds of each answer."""
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # an IP address
        for _ in range(300):  # the server is starting: up to 30 s
            try:
                async with client.get("/login") as answer:
                    form = await answer.text()
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"jikimi serve did not answer at {base}")
        found = CSRF.search(form)
        if found is None:
            raise RuntimeError("the login page has no CSRF token")
        async with client.post("/login", data={"name": name, "password": password, "csrf": found.group(1)}) as answer:
            if "/login" in str(answer.url):
                raise RuntimeError(f"logging in as {name} failed ({answer.status})")
        taken = []
        for _ in range(QUEUE_VIEWS):
            start = time.perf_counter()
            async with client.get("/hits?status=pending") as answer:
                await answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"GET /hits answered {answer.status}")
            taken.append(time.perf_counter() - start)
        return taken


def measure_server(data_dir: Path, name: str, password: str) -> dict[str, Any]:
    """Peak RSS of ``jikimi serve`` after ``QUEUE_VIEWS`` queue views, and the time of each view."""
    port = free_port()
    server = subprocess.Popen(
        [JIKIMI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=jikimi_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        views = asyncio.run(view_queue(f"http://127.0.0.1:{port}", name, password))
        peak = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"peak_rss_mib": round(peak, 1), "views": QUEUE_VIEWS, "get_hits": Samples(tuple(views)).to_json()}

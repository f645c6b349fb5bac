"""Run a Scrapy spider in a worker process and stream its records back as they are scraped.

Why a process per crawl instead of Scrapy inside our event loop? Twisted's reactor is installed once
per process, bound to the event loop it was installed with, and cannot be restarted; jikimi runs
many crawls over weeks from one daemon, and tests create a loop per test. A worker process per crawl
sidesteps all of that, and gives isolation an unattended daemon needs: a parser crash or a leak in one
crawl cannot take the daemon down, and a hung crawl is killed at its deadline. The price is about a
second of start-up per crawl, small next to crawl intervals of minutes to hours.

The protocol is one JSON message on the worker's stdin, ``{"job": …, "key": <hex>}``, and one JSON line per
record on its stdout (``{"sighting": …}`` or ``{"problem": …}``); media and pages travel as temporary files in
``workdir``, sealed with the run's key (``crawlers/temp_files.py``), never through the pipe. The key rides
the stdin pipe, beside the job and not in it: a pipe is not on disk, in argv or in ``/proc/<pid>/environ``,
and the job's Scrapy settings end up in Scrapy's log. Scrapy's log goes to ``workdir/scrapy.log``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.codec import from_jsonable, to_jsonable
from crawlers.errors import CrawlError
from crawlers.sighting import Checkpoint, CrawlProblem, CrawlRecord, Sighting
from crawlers.temp_files import SealedFiles

LINE_LIMIT = 64 * 2**20
LOG_TAIL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class ScrapyJob:
    """What the worker runs: ``spider`` as ``module:Class``, its arguments, and Scrapy settings."""

    spider: str
    spider_args: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)


RECORD_TYPES: dict[str, type[Sighting] | type[CrawlProblem] | type[Checkpoint]] = {
    "sighting": Sighting,
    "problem": CrawlProblem,
    "checkpoint": Checkpoint,
}


def encode_record(record: CrawlRecord) -> str:
    key = next(name for name, cls in RECORD_TYPES.items() if isinstance(record, cls))
    return json.dumps({key: to_jsonable(record)}, ensure_ascii=False)


def decode_record(line: bytes | str) -> CrawlRecord:
    ((key, document),) = json.loads(line).items()
    return from_jsonable(RECORD_TYPES[key], document)


def _log_tail(log_path: Path) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return text[-LOG_TAIL_CHARS:].strip()


async def run_scrapy_job(
    job: ScrapyJob, *, workdir: Path, files: SealedFiles, deadline: float, source_id: str
) -> AsyncIterator[CrawlRecord]:
    """Yield the worker's records as they arrive; raise ``CrawlError`` if it fails or passes ``deadline`` s."""
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "scrapy.log"
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + deadline
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "crawlers.scrapy_worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log, limit=LINE_LIMIT,
        )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps({"job": to_jsonable(job), "key": files.key.hex()}).encode())
        await process.stdin.drain()
        process.stdin.close()
        while True:
            remaining = ends_at - loop.time()
            if remaining <= 0:
                raise CrawlError(f"crawl of {source_id!r} passed its deadline of {deadline:.0f}s", source_id=source_id)
            try:  # not ``wait_for``: on Python 3.11 it loses a cancellation (SIGTERM) that lands as a line arrives
                async with asyncio.timeout(remaining):
                    line = await process.stdout.readline()
            except TimeoutError:
                continue
            if not line:
                break
            yield decode_record(line)
        returncode = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if returncode != 0:
        raise CrawlError(
            f"crawl of {source_id!r}: scrapy worker exited with status {returncode}: {_log_tail(log_path)}",
            source_id=source_id,
        )

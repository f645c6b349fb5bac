"""Crawl sources through the pipeline, one run per source, and record each run.

The crawler's records arrive in order; sightings are processed concurrently (hashing runs in a process
pool), so they finish out of order. A ``Checkpoint`` is therefore saved only when every sighting
yielded before it has been stored — the watermark never passes unstored work, so a crash (even
``kill -9``) loses nothing, and the re-run after it duplicates nothing (every write is an upsert).

A run ends in a ``RunStatus`` (``monitor/records.py``): ``ok``, ``stopped`` (a graceful shutdown), one of
``SourceUnavailable``'s statuses, ``rate-limited`` (with ``retry_at``), or ``failed``; a run found unfinished
after a crash is ``interrupted``. What could not be handled is kept on the run as ``RunProblem``s.

A media file is removed as soon as every sighting of it is done and it matched nothing
(``monitor/temp_media.py``), so a crawl's temporary media stay bounded: a Scrapy crawl (web, t.me/s)
holds at most ``JIKIMI_MAX_MEDIA_FILES`` (64) files still to be processed, downloading or on disk
(``crawlers/scrapy_media_budget.py``); a Telegram crawl, which downloads only as this run reads its
records, at most ``concurrency`` + 1. Add the run's matched media, kept for the packets of later
sightings of them. The rest (pages, post JSON, kept media) goes with the work folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import os
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from config.errors import JikimiError
from config.url_credentials import redact_credentials
from config.watchlist import Source
from crawlers.base import CrawlContext, Crawler, RefetchesMedia, SourceState
from crawlers.errors import CrawlError, RateLimited, SourceUnavailable
from crawlers.registry import crawler_for
from crawlers.sighting import Checkpoint, CrawlProblem, Sighting, utc_now
from crawlers.temp_files import SealedFiles
from crawlers.workdirs import locked_workdir, sweep_workdirs
from monitor.context import MonitorContext
from monitor.counters import ProgressCallback, RunCounters
from monitor.errors import MediaError, StoreError
from monitor.pipeline import MediaFetcher, Pipeline
from monitor.records import ProblemKind, RunProblem, RunRecord, RunStatus, stable_id
from monitor.temp_media import TempMedia

MAX_PROBLEMS_KEPT = 500


def merge_state(state: SourceState, checkpoint: Checkpoint) -> SourceState:
    """Apply a checkpoint: the watermark only grows; resolved ids are updated."""
    watermark = state.watermark
    if checkpoint.watermark is not None:
        watermark = max(watermark or 0, checkpoint.watermark)
    resolved = {**state.resolved, **(checkpoint.resolved or {})}
    return SourceState(state.source_id, watermark, resolved)


class SourceRun:
    """One crawl of one source: feeds the pipeline, commits checkpoints in order, keeps counters."""

    def __init__(
        self, pipeline: Pipeline, source: Source, crawler: Crawler, concurrency: int,
        on_progress: ProgressCallback | None = None, stop: asyncio.Event | None = None, runner: str = "",
    ) -> None:  # fmt: skip
        self.pipeline = pipeline
        self.store = pipeline.store
        self.source = source
        self.crawler = crawler
        self.item_limit = asyncio.Semaphore(concurrency)
        self.on_progress = on_progress or (lambda counters: None)
        self.counters = RunCounters()
        self.stop = stop or asyncio.Event()  # set: take no new item, finish those under way, store the watermark
        self.runner = runner
        self.problems: list[RunProblem] = []
        self.temp_media = TempMedia()
        self._dispatched = 0
        self._in_flight: set[int] = set()
        self._waiting: list[tuple[int, Checkpoint]] = []
        self._state_lock = asyncio.Lock()

    async def execute(self, workdir_root: Path) -> RunRecord:
        started = utc_now()
        run = RunRecord(stable_id(self.source.id, started.isoformat()), self.source.id, started, runner=self.runner)
        await self.store.put_run(run)
        status, error, retry_at = RunStatus.OK, None, None
        files = SealedFiles.new()  # the run's key: in memory only, gone with the run (crawlers/temp_files.py)
        with locked_workdir(workdir_root, run.id) as workdir:
            try:
                await self._crawl(workdir, files)
                if self.stop.is_set():
                    status, error = RunStatus.STOPPED, "stopped by shutdown; resumes from its watermark"
                elif self._nothing_but_page_problems():
                    status, error = RunStatus.UNREACHABLE, self.problems[0].reason
            except RateLimited as exc:
                status, error, retry_at = RunStatus.RATE_LIMITED, str(exc), exc.retry_at
            except SourceUnavailable as exc:
                status, error = RunStatus(str(exc.status)), str(exc)
            except CrawlError as exc:
                status, error = RunStatus.FAILED, str(exc)
            finally:
                keep_log(workdir, self.pipeline.evidence.root.parent / "logs" / f"{self.source.id}-{run.id}.log")
        run = dataclasses.replace(
            run, finished_at=utc_now(), status=status, counters=self.counters.as_dict(),
            problems=tuple(self.problems[:MAX_PROBLEMS_KEPT]), error=error and redact_credentials(error),
            retry_at=retry_at,
        )  # fmt: skip
        await self.store.put_run(run)
        return run

    def _nothing_but_page_problems(self) -> bool:
        """No sighting, and every problem a page that could not be fetched: the source is unreachable."""
        return (
            self.counters.sightings == 0
            and bool(self.problems)
            and all(problem.kind == ProblemKind.PAGE for problem in self.problems)
        )

    async def _crawl(self, workdir: Path, files: SealedFiles) -> None:
        state = await self.store.get_source_state(self.source.id)
        kind = self.source.kind

        async def known_media(file_id: str) -> str | None:
            return await self.store.get_platform_media(kind, file_id)

        context = CrawlContext(workdir, state, known_media, files)
        refetch: MediaFetcher | None = None
        if isinstance(self.crawler, RefetchesMedia):
            fetcher = self.crawler

            async def refetch(sighting: Sighting) -> Path | None:
                return await fetcher.fetch_media(sighting, workdir, files)

        crawl_error: CrawlError | None = None
        try:
            async with asyncio.TaskGroup() as tasks:
                try:
                    records = self.crawler.crawl(self.source, context)
                    try:
                        async for record in records:
                            if self.stop.is_set():
                                break
                            await self._dispatch(record, tasks, refetch, files)
                    finally:  # now, whatever happened: the crawler lets go of its session and worker at once,
                        close = getattr(records, "aclose", None)  # not when the generator is garbage-collected
                        if close is not None:
                            await close()
                except CrawlError as exc:
                    crawl_error = exc
        except BaseExceptionGroup as group:  # a task failed (the store): surface the error itself
            raise group.exceptions[0] from None
        await self._commit_ready()
        if crawl_error is not None:
            raise crawl_error

    async def _dispatch(
        self, record: Any, tasks: asyncio.TaskGroup, refetch: MediaFetcher | None, files: SealedFiles
    ) -> None:
        record = without_credentials(record)
        if isinstance(record, Checkpoint):
            self._waiting.append((self._dispatched, record))
            await self._commit_ready()
        elif isinstance(record, CrawlProblem):
            self.counters.errors += 1
            self.problems.append(RunProblem.of(record))
            self.on_progress(self.counters)
        else:
            await self.item_limit.acquire()  # back-pressure: don't read far ahead of the hashing
            record = self.temp_media.take(record)  # before any await: its file cannot go before it is read
            sequence = self._dispatched
            self._dispatched += 1
            self._in_flight.add(sequence)
            tasks.create_task(self._handle(sequence, record, refetch, files))

    async def _handle(
        self, sequence: int, sighting: Sighting, refetch: MediaFetcher | None, files: SealedFiles
    ) -> None:
        """Process one sighting. It leaves ``_in_flight`` only once it is stored or recorded as a problem: an
        item that failed otherwise (the store refused, the run was cancelled) keeps blocking every later
        checkpoint, even while the other items are still finishing. Its media file is released once it is
        stored or recorded (not when cancelled: the hash pool may still be reading it; the run's end removes
        it with the work folder)."""
        try:
            done = await self.pipeline.process(
                sighting, self.counters, refetch, files, self.problems.append, settled=self.temp_media.settled
            )
            if done is not None and done.error:
                self.problems.append(RunProblem(ProblemKind.MEDIA, done.location, done.error, done.media.url))
        except StoreError:
            raise
        except (MediaError, OSError, ValueError, JikimiError) as exc:
            self.counters.errors += 1
            reason = str(exc) if isinstance(exc, MediaError) else f"{type(exc).__name__}: {exc}"
            self.problems.append(RunProblem(ProblemKind.MEDIA, sighting.location, reason, sighting.media.url))
        finally:
            self.item_limit.release()
        self.temp_media.release(sighting)
        self._in_flight.discard(sequence)
        self.on_progress(self.counters)
        await self._commit_ready()

    async def _commit_ready(self) -> None:
        """Save the checkpoints whose earlier sightings are all stored, in one state write."""
        async with self._state_lock:
            floor = min(self._in_flight, default=math.inf)
            ready = [checkpoint for barrier, checkpoint in self._waiting if barrier <= floor]
            if not ready:
                return
            self._waiting = self._waiting[len(ready) :]
            state = await self.store.get_source_state(self.source.id)
            for checkpoint in ready:
                state = merge_state(state, checkpoint)
            await self.store.put_source_state(state)


def without_credentials(record: Any) -> Any:
    """A sighting or problem whose URLs name no user or password (``config/url_credentials.py``): a watchlist
    URL's credentials reach every page and picture URL derived from it, and from there the store, the
    output, the logs and the packets. Only the crawler itself, which already fetched, used them."""
    if isinstance(record, Sighting):
        capture = record.capture
        if capture is not None and capture.final_url:
            capture = dataclasses.replace(capture, final_url=redact_credentials(capture.final_url))
        media = dataclasses.replace(record.media, url=redact_credentials(record.media.url))
        return dataclasses.replace(record, location=redact_credentials(record.location), media=media, capture=capture)
    if isinstance(record, CrawlProblem):
        return dataclasses.replace(
            record, location=redact_credentials(record.location), reason=redact_credentials(record.reason),
            media_url=record.media_url and redact_credentials(record.media_url),
        )  # fmt: skip
    return record


def keep_log(workdir: Path, target: Path) -> None:
    """Keep the crawler's own log (if it wrote one) after the work directory is removed: readable by the
    owner only (0600, in a 0700 folder), as it names the sources and what they served, and with the
    credentials of any URL redacted (Scrapy logs each request's URL as given)."""
    log = workdir / "scrapy.log"
    if not log.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.parent.chmod(0o700)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with log.open(encoding="utf-8", errors="replace") as source, open(descriptor, "w", encoding="utf-8") as kept:
        for line in source:
            kept.write(redact_credentials(line))
    log.unlink()


async def crawl_sources(
    context: MonitorContext, sources: Sequence[Source], on_progress: ProgressCallback | None = None
) -> list[RunRecord]:
    """Crawl each enabled source once; a failing source is recorded on its run and the others go on."""
    sweep_stale_workdirs(context.workdir, unlocked_older_than=2 * context.settings.crawl_deadline)
    pipeline = await context.pipeline()
    runs = []
    for source in sources:
        if not source.enabled:
            continue
        crawler = crawler_for(source.kind).from_settings(context.settings)
        run = SourceRun(pipeline, source, crawler, 2 * context.hash_pool.workers, on_progress)
        runs.append(await run.execute(context.workdir))
    return runs


@contextlib.contextmanager
def cancel_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM cancels the current task, as Ctrl-C does: every ``finally`` runs, so
    the crawler's worker is killed and each run's work directory (the fetched media, sealed) is
    removed. The signal's default action would end the process on the spot and leave them on disk. The
    run stays unfinished in the store and is marked ``interrupted`` by the next start, like a crash."""
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    assert task is not None
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def sweep_stale_workdirs(workdir: Path, unlocked_older_than: float) -> None:
    """Remove the work directories killed crawls left behind (temporary media must not linger), at every
    start: any crawl folder that no live process holds (``crawlers/workdirs.py``), so never a running
    crawl's. Folders without a lock (an earlier version's, the review UI's and exports' temporary folders)
    only once they are older than ``unlocked_older_than`` seconds: one of those may be in use right now."""
    sweep_workdirs(workdir, unlocked_older_than)

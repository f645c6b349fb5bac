"""``jikimi run``: the long-lived daemon. Runs every source on its schedule, serves the review UI, recovers.

- Start: unfinished runs left by a crashed daemon on this host are marked ``interrupted``; the jobs are
  reconciled with the watchlist (unchanged sources keep their next run time from the job store).
- Source runs share one pipeline, rebuilt when blocklist entries were added (so they count at the next
  run); each run gets the stop event and one log line when it ends. Runs of an ``exclusive`` kind
  (Telegram: they share one account session) run one at a time.
- A source failing repeatedly is retried with exponential back-off (capped) and alerts once; a
  rate-limited source waits until Telegram allows it again.
- SIGHUP, or a change of the watchlist file, reloads the sources; a bad watchlist is logged and the old
  one kept. SIGTERM/SIGINT: no new runs; running crawls finish their current item and store their
  watermark, within ``JIKIMI_DAEMON_STOP_DEADLINE``; then whatever still runs is cancelled (its run is
  found ``interrupted`` at the next start, and its unstored items are redone).
- Housekeeping jobs: removal re-checks of confirmed hits, retries of packets awaiting a time-stamp, and the
  takedown outbox (send, re-send, escalate, stop: ``monitor/takedown/outbox.py``) every
  ``JIKIMI_NOTICE_INTERVAL`` when a recipients file exists; a failed send is logged and the daemon goes on.
- ``daemon-status.json`` in the data directory is rewritten every few seconds (heartbeat, next runs, what is
  running) for ``jikimi status``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from config.errors import ConfigError, JikimiError
from config.recipients_loading import load_recipients
from config.settings import Settings
from config.watchlist import Source, load_watchlist
from crawlers.base import ChecksRemoval, PostToCheck, RemovalCheck
from crawlers.codec import to_jsonable
from crawlers.registry import config_models, crawler_for
from evidence.canonical_json import utc_z
from monitor.context import MonitorContext, open_context
from monitor.operations.alerts import Alerter, backlog_alert, channels_from_settings, failing_alert, new_hits_alert
from monitor.operations.rechecks import checkers_from, recheck_confirmed
from monitor.operations.scheduler import SourceScheduler, backoff_delay
from monitor.operations.status import STATUS_FILE, process_alive
from monitor.packets.timestamps import TimestampSettings, timestamp_pending
from monitor.pipeline import Pipeline
from monitor.records import ItemState, RunRecord, RunStatus
from monitor.runner import SourceRun, sweep_stale_workdirs

log = logging.getLogger("jikimi.daemon")
ReviewServer = Callable[[MonitorContext], AbstractAsyncContextManager[str]]
"""Serves the review UI on an open context while the block runs; yields its address."""
HEARTBEAT_SECONDS = 5.0
MAX_LOGGED_PROBLEMS = 50  # per run; all of them stay in the run history


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.contextmanager
def single_daemon(settings: Settings) -> Iterator[None]:
    """One daemon per data directory on the embedded store (MongoDB deployments may run several)."""
    if settings.mongodb_url is not None:
        yield
        return
    path = settings.data_dir / "locks" / "daemon.lock"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JikimiError(f"another jikimi daemon is running on {settings.data_dir}") from None
        yield
    finally:
        os.close(descriptor)


class Daemon:
    def __init__(
        self, settings: Settings, watchlist: Path, alerter: Alerter | None = None, first_run_delay: float = 5.0,
        review_server: ReviewServer | None = None, stop_requested: threading.Event | None = None,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.review_server = review_server
        self._stop_requested = stop_requested or threading.Event()  # set by a signal before the loop ran
        self.first_run_delay = first_run_delay
        self.watchlist = watchlist
        self.alerter = alerter or Alerter(channels_from_settings(settings))
        self.sources: dict[str, Source] = {}
        self.stopping = asyncio.Event()
        self._stop_runs = asyncio.Event()
        self._running: dict[str, asyncio.Task[Any]] = {}
        self._session_lock = asyncio.Lock()  # see _one_at_a_time
        self._alerted_failing: set[str] = set()
        self._tsa_alerted = False
        self._watch_mtime: float | None = None
        self._context: MonitorContext | None = None
        self._scheduler: SourceScheduler | None = None
        self._pipeline_lock = asyncio.Lock()  # one matcher rebuild at a time
        self._pipeline: tuple[str, Pipeline] | None = None  # blocklist revision it was built for
        self.review_url = settings.review_public_url or f"http://{settings.review_host}:{settings.review_port}"
        self.started_at = datetime.now(UTC)

    # --- lifecycle ---------------------------------------------------------------------------------
    async def run(self) -> None:
        """Start, serve until asked to stop, stop. The signal handlers come first: a SIGTERM while the store,
        the hash pool and the review server are opening stops the daemon cleanly once they are open."""
        self._install_signals()
        if self._stop_requested.is_set():
            self.request_stop()
        log.info("daemon starting", extra={"runner": runner_id()})
        self._apply(self._read_watchlist(at_start=True))  # a bad watchlist stops us before anything starts
        with single_daemon(self.settings):
            async with open_context(self.settings) as context, self._review_server(context):
                self._context = context
                await self._mark_interrupted_runs(context)
                scheduler = self._scheduler = SourceScheduler(self.settings, first_run_delay=self.first_run_delay)
                scheduler.start(self)
                scheduler.reconcile(list(self.sources.values()))
                scheduler.add_system_job("rechecks", self.settings.recheck_interval)
                scheduler.add_system_job("timestamps", self.settings.timestamp_retry_interval)
                if self.settings.recipients.exists():
                    scheduler.add_system_job("notices", self.settings.notice_interval)
                if not self.stopping.is_set():
                    scheduler.resume()
                log.info("daemon started", extra={"sources": sorted(self.sources), "runner": runner_id()})
                background = [asyncio.create_task(self._watch()), asyncio.create_task(self._heartbeat())]
                try:
                    await self.stopping.wait()
                finally:
                    await self._shut_down(scheduler, background)

    def request_stop(self) -> None:
        self.stopping.set()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.request_stop)
        loop.add_signal_handler(signal.SIGINT, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(self.reload("SIGHUP")))

    async def _shut_down(self, scheduler: SourceScheduler, background: list[asyncio.Task[Any]]) -> None:
        log.info("daemon stopping", extra={"running": sorted(self._running)})
        scheduler.scheduler.pause()  # no new runs; shutting apscheduler down now would cancel the running ones
        self._stop_runs.set()
        for task in background:
            task.cancel()
        running = list(self._running.values())
        if running:
            done, pending = await asyncio.wait(running, timeout=self.settings.daemon_stop_deadline)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        scheduler.shutdown()
        self._write_status()
        log.info("daemon stopped")

    @contextlib.asynccontextmanager
    async def _review_server(self, context: MonitorContext) -> AsyncIterator[None]:
        """The review UI, when the command line handed one in (``jikimi run`` does, unless turned off)."""
        if self.review_server is None:
            yield
            return
        async with self.review_server(context) as url:
            log.info("review UI listening", extra={"url": url})
            yield

    # --- the watchlist -----------------------------------------------------------------------------
    def _read_watchlist(self, at_start: bool = False) -> list[Source] | None:
        try:
            self._watch_mtime = self.watchlist.stat().st_mtime
            return load_watchlist(self.watchlist, config_models())
        except (ConfigError, OSError) as exc:
            if at_start:
                raise ConfigError(f"cannot start: {exc}") from None
            log.error("watchlist not reloaded (the previous one stays in force): %s", exc)
            return None

    def _apply(self, sources: list[Source] | None) -> None:
        if sources is not None:
            self.sources = {s.id: s for s in sources if s.enabled}

    async def reload(self, why: str) -> None:
        sources = self._read_watchlist()
        if sources is None or self._scheduler is None:
            return
        self._apply(sources)
        changes = self._scheduler.reconcile(list(self.sources.values()))
        log.info("watchlist reloaded (%s)", why, extra=changes)
        self._write_status()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.daemon_watch_interval)
            with contextlib.suppress(OSError):
                if self.watchlist.stat().st_mtime != self._watch_mtime:
                    await self.reload("file changed")

    # --- jobs --------------------------------------------------------------------------------------
    async def run_scheduled(self, job: str, name: str) -> None:
        if self.stopping.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        key = f"{job}:{name}"
        self._running[key] = task
        try:
            if job == "source":
                await self._run_source(name)
            elif name == "rechecks":
                await self._recheck()
            elif name == "timestamps":
                await self._retry_timestamps()
            elif name == "notices":
                await self._send_notices()
        except JikimiError as exc:
            log.error("job %s failed: %s", key, exc, extra={"source_id": name if job == "source" else None})
        finally:
            self._running.pop(key, None)
            await self._close_browser_when_idle()
            self._write_status()

    async def _close_browser_when_idle(self) -> None:
        """Once no source runs, close Chromium (started again for the next packet): idle costs nothing.
        Checked after the job has left ``_running``, so two runs ending together cannot both leave it open."""
        renderer = self._context.renderer if self._context else None
        if renderer is not None and not any(running.startswith("source:") for running in self._running):
            await renderer.close()

    async def _run_source(self, source_id: str) -> None:
        source, context = self.sources.get(source_id), self._context
        if source is None or context is None:
            return
        crawler = crawler_for(source.kind).from_settings(self.settings)
        async with self._one_at_a_time(crawler):
            if self._stop_runs.is_set():
                return
            sweep_stale_workdirs(context.workdir, unlocked_older_than=2 * self.settings.crawl_deadline)
            pipeline = await self._current_pipeline(context)
            run = SourceRun(pipeline, source, crawler, 2 * context.hash_pool.workers, stop=self._stop_runs,
                            runner=runner_id())  # fmt: skip
            record = await run.execute(context.workdir)
        log.info("run finished", extra={"source_id": source_id, "status": record.status, "error": record.error,
                                        **record.counters})  # fmt: skip
        for problem in record.problems[:MAX_LOGGED_PROBLEMS]:
            log.warning("item failed: %s", problem.reason, extra={"source_id": source_id, **to_jsonable(problem)})
        if record.counters.get("hits"):
            await self.alerter.send(new_hits_alert(record.counters["hits"], source_id, self.review_url))
        await self._after_run(source, record)

    async def _current_pipeline(self, context: MonitorContext) -> Pipeline:
        """One pipeline while the blocklist's entries are unchanged; a new one when entries were added.

        Entries are only ever added and items only ever withdrawn. An addition changes the store's
        ``blocklist_revision``: the next run to start gets a new matcher, loaded from the index file beside
        the store (rebuilt there once, in a thread, by whichever process sees the change first: the import
        itself writes it). A withdrawal is applied to the matcher in place, so runs already under way, which
        share it, stop matching the item at once too, without a rebuild. Runs that start together wait for
        one load instead of each making its own.
        """
        async with self._pipeline_lock:
            revision = await context.store.blocklist_revision()
            withdrawn = [item.id for item in await context.store.blocklist_items(state=ItemState.WITHDRAWN)]
            if self._pipeline is None or self._pipeline[0] != revision:
                self._pipeline = (revision, await context.pipeline())
            self._pipeline[1].matcher.withdraw(withdrawn)
            return self._pipeline[1]

    async def _after_run(self, source: Source, record: RunRecord) -> None:
        assert self._context is not None and self._scheduler is not None
        if not record.status.is_failure:
            self._alerted_failing.discard(source.id)
            return
        failures = (await self._context.store.source_runs(source.id)).failures_in_a_row
        interval = source.schedule.every.total_seconds() if source.schedule.every else 3600.0
        until = datetime.now(UTC) + timedelta(
            seconds=backoff_delay(failures, interval, self.settings.daemon_backoff_cap)
        )
        if record.retry_at is not None:
            until = max(until, record.retry_at)
        self._scheduler.postpone(source.id, until)
        if failures >= self.settings.daemon_alert_after_failures and source.id not in self._alerted_failing:
            self._alerted_failing.add(source.id)
            await self.alerter.send(failing_alert(source.id, failures, record.status, utc_z(until) or ""))

    def _one_at_a_time(self, crawler: object) -> contextlib.AbstractAsyncContextManager[object]:
        """Runs (and checks) of a kind whose crawler shares one account session never overlap."""
        return self._session_lock if getattr(crawler, "exclusive", False) else contextlib.nullcontext()

    async def _recheck(self) -> None:
        assert self._context is not None
        checkers = checkers_from(self.settings)

        def one_at_a_time(kind: str) -> ChecksRemoval | None:
            checker = checkers(kind)
            return checker if checker is None else _Serialised(checker, self._one_at_a_time(checker))

        counts = await recheck_confirmed(
            self._context.store, timedelta(seconds=self.settings.recheck_interval), one_at_a_time,
            self.settings.operator or "jikimi", signer=self._context.signer,
        )  # fmt: skip
        log.info("removal re-checks done", extra=counts)

    async def _send_notices(self) -> None:
        """One pass of the outbox; the recipients file is read again each time (an edit counts at the next pass,
        a broken one is logged by ``run_scheduled`` and nothing is sent until it is fixed)."""
        from monitor.takedown.outbox import Signing, send_due, stale_after_for
        from monitor.takedown.sending import SmtpSender

        assert self._context is not None
        settings = self.settings
        done = await send_due(
            self._context.store, load_recipients(settings.recipients), SmtpSender.from_settings(settings),
            clock=lambda: datetime.now(UTC), signing=Signing(settings.operator or "jikimi", self._context.signer),
            stale_after=stale_after_for(settings.notice_smtp_timeout),
        )  # fmt: skip
        for problem in done.problems:
            log.warning("notice: %s", problem)
        log.info("notices done", extra={"sent": done.sent, "failed": done.failed, "stopped": done.stopped,
                                        "unconfirmed": done.unconfirmed, "waiting": done.waiting})  # fmt: skip

    async def _retry_timestamps(self) -> None:
        assert self._context is not None
        settings = self.settings
        asked = TimestampSettings(settings.tsa_url, settings.tsa_timeout)
        counts = await timestamp_pending(
            self._context.store, settings.data_dir, self._context.key, asked, settings.operator or "jikimi",
            signer=self._context.signer,
        )  # fmt: skip
        waiting = counts.get("awaiting", 0)
        if waiting >= settings.alert_tsa_backlog and not self._tsa_alerted:
            self._tsa_alerted = True
            await self.alerter.send(backlog_alert(waiting))
        elif waiting < settings.alert_tsa_backlog:
            self._tsa_alerted = False

    # --- status ------------------------------------------------------------------------------------
    async def _mark_interrupted_runs(self, context: MonitorContext) -> None:
        """Runs left ``running`` by a dead process on this host were interrupted (a crash, kill -9)."""
        host = socket.gethostname()
        for run in await context.store.runs_with_status(RunStatus.RUNNING):
            if not run.runner.startswith(host + ":"):
                continue
            pid = int(run.runner.rsplit(":", 1)[1])
            if pid != os.getpid() and not process_alive(pid):
                await context.store.put_run(
                    dataclasses.replace(run, status=RunStatus.INTERRUPTED, error="the daemon stopped mid-run")
                )
                log.warning("run %s of %s was interrupted", run.id, run.source_id, extra={"source_id": run.source_id})

    async def _heartbeat(self) -> None:
        while True:
            self._write_status()
            await asyncio.sleep(HEARTBEAT_SECONDS)

    def _write_status(self) -> None:
        next_runs = self._scheduler.next_runs() if self._scheduler and self._scheduler.scheduler.running else {}
        status = {
            "pid": os.getpid(), "host": socket.gethostname(), "started_at": utc_z(self.started_at),
            "heartbeat": utc_z(datetime.now(UTC)), "running": sorted(self._running),
            "next_runs": {name: utc_z(when) for name, when in next_runs.items()}, "review_url": self.review_url,
            "stopping": self.stopping.is_set(),
        }  # fmt: skip
        path = self.settings.data_dir / STATUS_FILE
        staging = path.with_suffix(".tmp")
        staging.write_text(json.dumps(status, indent=1))
        staging.replace(path)


class _Serialised:
    """A removal checker that takes the daemon's session lock while it checks (see ``_one_at_a_time``)."""

    def __init__(self, checker: ChecksRemoval, lock: contextlib.AbstractAsyncContextManager[object]) -> None:
        self.checker = checker
        self.lock = lock

    async def check_removal(self, posts: Sequence[PostToCheck]) -> dict[str, RemovalCheck]:
        async with self.lock:
            return await self.checker.check_removal(posts)

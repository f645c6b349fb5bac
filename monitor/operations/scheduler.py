"""When each source runs: apscheduler 3's ``AsyncIOScheduler`` with a job store that survives restarts.

One job per enabled source (``source:<id>``), with its interval or cron trigger and jitter,
``max_instances=1`` (a source's runs never overlap), coalescing of missed runs and a misfire grace time.
The job store is persistent: SQLite next to the embedded store (SQLAlchemy's job store), or the same
MongoDB database as the shared store (``scheduler_jobs``). So a restarted daemon keeps each source's
next run time instead of crawling everything at once.

Persistent job stores keep a job's function as an importable name, so jobs call ``run_job`` here, which
hands them to the daemon running in this process (set by ``SourceScheduler.start``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config.settings import Settings
from config.watchlist import Source
from monitor.operations.moved_jobs import follow_moved_functions

log = logging.getLogger("jikimi.scheduler")
SOURCE_PREFIX = "source:"


class JobRunner(Protocol):
    """What scheduled jobs call into: the running daemon."""

    def run_scheduled(self, job: str, name: str) -> Awaitable[None]: ...


class _Current:
    runner: JobRunner | None = None


async def run_job(job: str, name: str) -> None:
    """The function every stored job names; runs the job on the daemon of this process."""
    runner = _Current.runner
    if runner is None:
        log.warning("job %s:%s fired with no daemon running", job, name)
        return
    await runner.run_scheduled(job, name)


MOVED_FUNCTIONS = {"monitor.scheduler:run_job": f"{run_job.__module__}:{run_job.__qualname__}"}
"""Where stored jobs' functions were (before the regroup of issue 11) → where they are."""


def job_store(settings: Settings) -> BaseJobStore:
    if settings.mongodb_url is not None:
        from apscheduler.jobstores.mongodb import MongoDBJobStore
        from pymongo import MongoClient

        client: Any = MongoClient(settings.mongodb_url.get_secret_value(), serverSelectionTimeoutMS=10_000)
        return MongoDBJobStore(database=settings.mongodb_database, collection="scheduler_jobs", client=client)
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SQLAlchemyJobStore(url=f"sqlite:///{settings.data_dir / 'scheduler.sqlite3'}")


def trigger_for(source: Source) -> BaseTrigger:
    schedule = source.schedule
    jitter = int(schedule.jitter.total_seconds()) or None
    if schedule.every is not None:
        return IntervalTrigger(seconds=schedule.every.total_seconds(), jitter=jitter, timezone=UTC)
    assert schedule.cron is not None
    cron = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
    cron.jitter = jitter  # from_crontab takes no jitter argument
    return cron


def same_schedule(one: BaseTrigger, other: BaseTrigger) -> bool:
    """Whether two triggers fire alike. Not by ``repr``: an interval trigger's repr holds its start time
    (creation time + interval), so every restart would look like a change and lose the stored next run."""

    def key(trigger: BaseTrigger) -> tuple[str, str, object]:
        return type(trigger).__name__, str(trigger), getattr(trigger, "jitter", None)

    return key(one) == key(other)


class SourceScheduler:
    """The scheduler and its jobs, reconciled with the watchlist on start and on every reload."""

    def __init__(self, settings: Settings, store: BaseJobStore | None = None, first_run_delay: float = 5.0) -> None:
        self.settings = settings
        self.first_run_delay = first_run_delay
        store = store if store is not None else job_store(settings)
        follow_moved_functions(store, MOVED_FUNCTIONS)  # jobs stored by an earlier version keep their next run
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": store},
            job_defaults={
                "coalesce": True, "max_instances": 1, "misfire_grace_time": int(settings.daemon_misfire_grace)
            },
            timezone=UTC,
        )  # fmt: skip

    def start(self, runner: JobRunner) -> None:
        """Start paused: the stored jobs become visible for ``reconcile``; ``resume`` lets them fire."""
        _Current.runner = runner
        self.scheduler.start(paused=True)

    def resume(self) -> None:
        self.scheduler.resume()

    def shutdown(self) -> None:
        """Stop firing jobs (running ones are the daemon's to finish)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _Current.runner = None

    def reconcile(self, sources: Sequence[Source]) -> dict[str, list[str]]:
        """Make the jobs match the sources: add new ones, replace changed ones, remove the others.

        An unchanged source keeps its job and therefore its next run time.
        """
        changes: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
        wanted = {SOURCE_PREFIX + s.id: s for s in sources if s.enabled}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(SOURCE_PREFIX) and job.id not in wanted:
                job.remove()
                changes["removed"].append(job.id.removeprefix(SOURCE_PREFIX))
        for job_id, source in wanted.items():
            trigger = trigger_for(source)
            existing = self.scheduler.get_job(job_id)
            if existing is not None and same_schedule(existing.trigger, trigger):  # keeps its stored next run
                continue
            first = datetime.now(UTC) + timedelta(seconds=self.first_run_delay)  # a new source runs soon
            self.scheduler.add_job(
                run_job, trigger, id=job_id, name=source.id, kwargs={"job": "source", "name": source.id},
                replace_existing=True, next_run_time=first,
            )  # fmt: skip
            changes["changed" if existing is not None else "added"].append(source.id)
        return changes

    def add_system_job(self, name: str, every_seconds: float, first_in: float = 30.0) -> None:
        """A housekeeping job (removal re-checks, pending time-stamps) on a plain interval."""
        job_id = f"system:{name}"
        if self.scheduler.get_job(job_id) is None:
            self.scheduler.add_job(
                run_job, IntervalTrigger(seconds=every_seconds, timezone=UTC), id=job_id, name=name,
                kwargs={"job": "system", "name": name},
                next_run_time=datetime.now(UTC) + timedelta(seconds=first_in),
            )  # fmt: skip

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.name: job.next_run_time for job in self.scheduler.get_jobs()}

    def postpone(self, source_id: str, until: datetime) -> None:
        """Back off: the source's next run is no earlier than ``until``."""
        job = self.scheduler.get_job(SOURCE_PREFIX + source_id)
        if job is not None and (job.next_run_time is None or job.next_run_time < until):
            job.modify(next_run_time=until)


def backoff_delay(failures: int, interval: float, cap: float) -> float:
    """Seconds to wait after ``failures`` failed runs in a row: the interval doubled per extra failure."""
    if failures <= 1:
        return 0.0
    return min(cap, interval * 2 ** (failures - 1))

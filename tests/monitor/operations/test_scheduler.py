"""Jobs follow the watchlist and survive restarts in the job store (SQLite, and MongoDB's through mongomock)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import WebSourceConfig
from monitor.operations.scheduler import SourceScheduler, backoff_delay, job_store


def source(source_id: str, every: str = "30m", enabled: bool = True) -> Source:
    config = WebSourceConfig(
        start_urls=["http://127.0.0.1:9/"], allowed_domains=["127.0.0.1"], allow_private_addresses=True
    )  # type: ignore[list-item]
    return Source(source_id, "web", Schedule(every=parse_duration(every)), config, enabled)


class Runner:
    async def run_scheduled(self, job: str, name: str) -> None:
        pass


@pytest.fixture(params=["sqlite", "mongomock"])
def make_store(request: pytest.FixtureRequest, settings: Settings) -> Any:
    """A job store factory: each call is a new store object on the same database (a restart)."""
    if request.param == "sqlite":
        return lambda: job_store(settings)
    import mongomock
    from apscheduler.jobstores.mongodb import MongoDBJobStore

    client = mongomock.MongoClient()  # a stand-in for MongoDB, as for the store contract suite
    return lambda: MongoDBJobStore(database="jikimi", collection="scheduler_jobs", client=client)


async def test_jobs_follow_the_watchlist_and_unchanged_ones_keep_their_next_run_across_restarts(
    settings: Settings, make_store: Any
) -> None:
    first = SourceScheduler(settings, make_store(), first_run_delay=600)
    first.start(Runner())
    changes = first.reconcile([source("a"), source("b"), source("off", enabled=False)])
    assert changes == {"added": ["a", "b"], "changed": [], "removed": []}
    kept = first.next_runs()["a"]
    assert kept is not None and kept > datetime.now(UTC) + timedelta(seconds=500)
    first.shutdown()
    await asyncio.sleep(1.1)  # a restart happens later: nothing may depend on when a trigger was made

    again = SourceScheduler(settings, make_store(), first_run_delay=5)
    again.start(Runner())
    assert again.reconcile([source("a"), source("b", every="10m"), source("c")]) == {
        "added": ["c"], "changed": ["b"], "removed": [],
    }  # fmt: skip
    assert again.next_runs()["a"] == kept  # from the job store, not recomputed
    assert sorted(again.reconcile([source("c")])["removed"]) == ["a", "b"]
    assert set(again.next_runs()) == {"c"}
    again.shutdown()


async def test_a_postponed_source_runs_no_earlier_than_asked(settings: Settings) -> None:
    scheduler = SourceScheduler(settings, job_store(settings), first_run_delay=5)
    scheduler.start(Runner())
    scheduler.reconcile([source("a")])
    later = datetime.now(UTC) + timedelta(hours=2)
    scheduler.postpone("a", later)
    assert scheduler.next_runs()["a"] == later
    scheduler.postpone("a", datetime.now(UTC))  # never brought forward
    assert scheduler.next_runs()["a"] == later
    scheduler.shutdown()


def test_back_off_doubles_per_failure_up_to_the_cap() -> None:
    delays = [backoff_delay(n, 60, 3600) for n in range(1, 9)]
    assert delays == [0, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_cron_schedule_keeps_its_jitter() -> None:
    from monitor.operations.scheduler import trigger_for

    config = WebSourceConfig(
        start_urls=["http://127.0.0.1:9/"], allowed_domains=["127.0.0.1"], allow_private_addresses=True
    )  # type: ignore[list-item]
    cron = Source("c", "web", Schedule(cron="0 */2 * * *", jitter=parse_duration("5m")), config)
    assert trigger_for(cron).jitter == 300  # type: ignore[attr-defined]


async def test_jobs_stored_before_the_scheduler_moved_keep_their_next_run(settings: Settings, make_store: Any) -> None:
    """Job stores name a job's function by its module; one written when it was ``monitor.scheduler`` still
    restores its jobs (apscheduler would drop them, and every source would run at once after the upgrade)."""
    from monitor.operations.moved_jobs import follow_moved_functions

    first = SourceScheduler(settings, make_store(), first_run_delay=600)
    first.start(Runner())
    first.reconcile([source("a")])
    kept = first.next_runs()["a"]
    first.shutdown()
    old = {"monitor.operations.scheduler:run_job": "monitor.scheduler:run_job"}  # as an older version wrote it
    assert follow_moved_functions(make_store(), old) == 1

    again = SourceScheduler(settings, make_store(), first_run_delay=5)
    again.start(Runner())
    assert again.reconcile([source("a")]) == {"added": [], "changed": [], "removed": []}
    assert again.next_runs()["a"] == kept
    again.shutdown()

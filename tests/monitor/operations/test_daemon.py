"""The daemon in-process: reloading the watchlist, backing off a failing source, alerting once, stopping."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from monitor.operations.alerts import Alerter
from monitor.operations.daemon import Daemon

UNREACHABLE = "http://127.0.0.1:9/"


def watchlist_text(*sources: tuple[str, str]) -> str:
    lines = ["sources:"]
    for source_id, every in sources:
        lines += [f"  - id: {source_id}", "    kind: web", f"    start_urls: [{UNREACHABLE}]",
                  "    allowed_domains: [127.0.0.1]", "    allow_private_addresses: true",
                  f"    schedule: {{every: {every}, jitter: 1s}}"]  # fmt: skip
    return "\n".join(lines) + "\n"


async def eventually(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@pytest.fixture
def daemon_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "daemon_serve_review": False, "daemon_watch_interval": 0.2, "daemon_alert_after_failures": 2,
        "crawl_deadline": 60.0,
    })  # fmt: skip


@pytest.fixture
async def start_daemon(daemon_settings: Settings, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    started: list[tuple[Daemon, asyncio.Task[None]]] = []

    async def start(text: str, first_run_delay: float = 3600.0) -> Daemon:
        path = tmp_path / "watchlist.yaml"
        path.write_text(text)
        daemon = Daemon(daemon_settings, path, Alerter([]), first_run_delay=first_run_delay)
        task = asyncio.create_task(daemon.run())
        started.append((daemon, task))
        await eventually(lambda: daemon._scheduler is not None and daemon._scheduler.scheduler.running)
        return daemon

    yield start
    for daemon, task in started:
        daemon.request_stop()
        await asyncio.wait_for(task, 30)


async def test_sighup_and_a_changed_file_reload_the_sources_and_a_bad_file_keeps_the_old_ones(
    start_daemon: Callable[..., Any], tmp_path: Path, caplog: Any
) -> None:
    daemon = await start_daemon(watchlist_text(("a", "1h"), ("b", "1h")))
    assert daemon._scheduler is not None
    jobs = lambda: set(daemon._scheduler.next_runs()) - {"rechecks", "timestamps"}  # noqa: E731
    assert jobs() == {"a", "b"}
    path = tmp_path / "watchlist.yaml"
    path.write_text(watchlist_text(("b", "1h"), ("c", "2h")))
    os.kill(os.getpid(), signal.SIGHUP)
    await eventually(lambda: jobs() == {"b", "c"})
    path.write_text("sources:\n  - id: broken\n    kind: nosuchkind\n")
    await asyncio.sleep(1.0)  # the file watcher sees it and refuses it
    assert jobs() == {"b", "c"} and "watchlist not reloaded" in caplog.text
    path.write_text(watchlist_text(("d", "1h")))
    await eventually(lambda: jobs() == {"d"})  # no signal: the file watcher reloads


async def test_a_failing_source_backs_off_and_alerts_once(start_daemon: Callable[..., Any]) -> None:
    daemon = await start_daemon(watchlist_text(("dead", "2s")), first_run_delay=0.5)
    store = daemon._context.store  # type: ignore[union-attr]
    runs = await eventually(lambda: _failed_runs(store, 2), timeout=60)
    assert {run.status for run in runs} == {"unreachable"}
    # the run is stored before the daemon weighs it (back-off, alert): wait for that step too
    await eventually(lambda: any(alert.kind == "source-failing" for alert in daemon.alerter.sent), timeout=30)
    failing = [alert for alert in daemon.alerter.sent if alert.kind == "source-failing"]
    assert len(failing) == 1 and failing[0].facts == {"source": "dead", "failures": 2, "status": "unreachable"}
    next_run = daemon._scheduler.next_runs()["dead"]  # type: ignore[union-attr]
    assert next_run is not None and next_run >= runs[0].finished_at + timedelta(seconds=3.5)  # 2 s doubled, not 2 s


async def _failed_runs(store: Any, count: int) -> list[Any]:
    runs = [run for run in await store.runs("dead") if run.status != "running"]
    return runs if len(runs) >= count else []


async def test_a_stop_request_ends_the_daemon_and_leaves_no_run_marked_running(
    start_daemon: Callable[..., Any], daemon_settings: Settings
) -> None:
    from monitor.context import open_context

    daemon = await start_daemon(watchlist_text(("dead", "1h")), first_run_delay=0.2)
    await eventually(lambda: daemon._running, timeout=10)
    daemon.request_stop()
    await eventually(lambda: daemon._scheduler is not None and not daemon._scheduler.scheduler.running, timeout=60)
    await asyncio.sleep(0.5)  # the daemon closes its store
    async with open_context(daemon_settings) as context:
        runs = await context.store.runs("dead")
    assert runs and all(run.status != "running" for run in runs)
    assert datetime.now(UTC) - runs[0].started_at < timedelta(minutes=1)


@pytest.fixture
def tsa_down(daemon_settings: Settings) -> Settings:
    return daemon_settings.model_copy(update={"tsa_url": "http://127.0.0.1:9/tsr", "alert_tsa_backlog": 1})


async def test_packets_awaiting_a_timestamp_are_retried_and_a_backlog_alerts_once(
    tsa_down: Settings, make_sighting: Callable[..., Any], tmp_path: Path
) -> None:
    from monitor.context import open_context
    from tests.monitor.review.conftest import add_hit_with_packet

    async with open_context(tsa_down) as context:
        await add_hit_with_packet(context, make_sighting())
    path = tmp_path / "watchlist.yaml"
    path.write_text(watchlist_text(("a", "1h")))
    daemon = Daemon(tsa_down, path, Alerter([]), first_run_delay=3600)
    task = asyncio.create_task(daemon.run())
    try:
        await eventually(lambda: daemon._scheduler is not None and daemon._scheduler.scheduler.running)
        assert "timestamps" in daemon._scheduler.next_runs()  # type: ignore[union-attr]
        await daemon.run_scheduled("system", "timestamps")
        await daemon.run_scheduled("system", "timestamps")
        assert [alert.kind for alert in daemon.alerter.sent] == ["tsa-backlog"]
        assert daemon.alerter.sent[0].facts == {"waiting": 1}
    finally:
        daemon.request_stop()
        await asyncio.wait_for(task, 30)


async def test_a_withdrawn_item_is_no_longer_matched_by_the_next_run_without_a_restart(
    daemon_settings: Settings, tmp_path: Path
) -> None:
    from crawlers.sighting import Fingerprints
    from monitor.context import open_context
    from monitor.records import BlocklistEntry

    picture = "ab" * 32
    daemon = Daemon(daemon_settings, tmp_path / "watchlist.yaml", Alerter([]))
    async with open_context(daemon_settings) as context:
        await context.store.add_blocklist_entries([BlocklistEntry("sha256", picture, "case-1", item_id="item-1")])
        before = await daemon._current_pipeline(context)
        assert before.matcher.match(Fingerprints(values={"sha256": picture}))
        assert await context.store.withdraw_item("item-1", datetime.now(UTC))
        after = await daemon._current_pipeline(context)
    assert after.matcher.match(Fingerprints(values={"sha256": picture})) == ()


async def test_a_withdrawal_reaches_runs_already_under_way_without_a_rebuild(
    daemon_settings: Settings, tmp_path: Path
) -> None:
    from crawlers.sighting import Fingerprints
    from monitor.context import open_context
    from monitor.records import BlocklistEntry

    picture = "cd" * 32
    daemon = Daemon(daemon_settings, tmp_path / "watchlist.yaml", Alerter([]))
    async with open_context(daemon_settings) as context:
        await context.store.add_blocklist_entries([BlocklistEntry("sha256", picture, "case-1", item_id="item-1")])
        under_way = await daemon._current_pipeline(context)  # a run that started before the withdrawal
        assert await context.store.withdraw_item("item-1", datetime.now(UTC))
        next_run = await daemon._current_pipeline(context)
    assert next_run is under_way, "a withdrawal does not rebuild the matcher"
    assert under_way.matcher.match(Fingerprints(values={"sha256": picture})) == ()

"""The daemon runs the takedown outbox on its schedule: it mails what is due, and an SMTP server that never
answers costs a timeout, leaves the notice failed with its error, and the daemon goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings
from monitor.operations.alerts import Alerter
from monitor.operations.daemon import Daemon
from monitor.store.sqlite import SqliteStore
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import silent_server, smtp_server
from tests.monitor.cli.test_notices_plan import FORUM, seed
from tests.monitor.operations.test_daemon import eventually, watchlist_text


def notice_settings(settings: Settings, tmp_path: Path, smtp_url: str) -> Settings:
    (tmp_path / "recipients.yaml").write_text(CONTRACT, encoding="utf-8")
    return settings.model_copy(update={
        "daemon_serve_review": False, "recipients": tmp_path / "recipients.yaml", "smtp_url": SecretStr(smtp_url),
        "notice_from": "notices@example.org", "notice_smtp_timeout": 0.5,
    })  # fmt: skip


async def run_notices_job(settings: Settings, tmp_path: Path) -> list[str]:
    """Start the daemon, check it scheduled the outbox, run that job once; the notices' states after it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    await seed(settings.data_dir)
    (tmp_path / "watchlist.yaml").write_text(watchlist_text(("a", "1h")))
    daemon = Daemon(settings, tmp_path / "watchlist.yaml", Alerter([]), first_run_delay=3600)
    task = asyncio.create_task(daemon.run())
    try:
        await eventually(lambda: daemon._scheduler is not None and daemon._scheduler.scheduler.running)
        assert "notices" in daemon._scheduler.next_runs()  # type: ignore[union-attr]
        await daemon.run_scheduled("system", "notices")
        assert not task.done()  # whatever the server did, the daemon goes on
    finally:
        daemon.request_stop()
        await asyncio.wait_for(task, 30)
    store = SqliteStore(settings.data_dir / "jikimi.sqlite3")
    await store.open()
    try:
        return [f"{notice.state}: {notice.last_error}" for notice in await store.notices()]
    finally:
        await store.close()


async def test_the_daemon_mails_the_notices_that_are_due(settings: Settings, tmp_path: Path) -> None:
    with smtp_server() as (url, mailbox):
        states = await run_notices_job(notice_settings(settings, tmp_path, url), tmp_path)
    assert states == ["sent: "]
    assert [message["To"] for message in mailbox.messages] == ["abuse@example.org"]
    assert f"{FORUM}/1" in mailbox.messages[0].get_content()


async def test_a_hanging_smtp_server_leaves_the_notice_failed_and_the_daemon_goes_on(
    settings: Settings, tmp_path: Path
) -> None:
    with silent_server() as url:
        (state,) = await run_notices_job(notice_settings(settings, tmp_path, url), tmp_path)
    assert state.startswith("failed: ") and "timed out" in state

"""The report reads what the outbox sent: per location, the first recipient actually asked, when, and every
notice and re-send that named it; a notice never accepted nor submitted asked nobody and starts no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.store.notice_records import NoticePlace, NoticeRecord, NoticeState
from monitor.store.sqlite import SqliteStore
from monitor.takedown.report_outbox import OutboxHistory
from monitor.takedown.report_records import LocationNotices

T0 = datetime(2026, 11, 2, tzinfo=UTC)
PAGE, OTHER, QUIET = "https://forum.example/t/1", "https://forum.example/t/2", "https://forum.example/t/3"


def notice(number: int, recipient: str, urls: tuple[str, ...], sent: tuple[datetime, ...]) -> NoticeRecord:
    places = tuple(NoticePlace(url, (f"packet-{url[-1]}",), ()) for url in urls)
    state = NoticeState.SENT if sent else NoticeState.FAILED
    return NoticeRecord(
        f"notice-{number}", recipient, "public-operator", "deepfake", "public place", "ko", "email", places,
        created_at=T0, state=state, sent=sent,
    )  # fmt: skip


async def test_each_location_counts_every_send_from_its_first_recipient_actually_asked(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jikimi.sqlite3")
    await store.open()
    await store.put_notice(notice(1, "host-abuse", (PAGE, OTHER), (T0 + timedelta(hours=1), T0 + timedelta(days=1))))
    await store.put_notice(notice(2, "kcsc", (PAGE,), (T0 + timedelta(days=3),)))  # the escalation
    await store.put_notice(notice(3, "police", (PAGE,), ()))  # failed: asked nobody
    await store.put_notice(notice(4, "host-abuse", (QUIET,), ()))
    history = await OutboxHistory(store).notices_by_location([PAGE, OTHER, QUIET, "https://elsewhere.example/"])
    assert history == {
        PAGE: LocationNotices("host-abuse", T0 + timedelta(hours=1), 3),
        OTHER: LocationNotices("host-abuse", T0 + timedelta(hours=1), 2),
    }
    await store.close()

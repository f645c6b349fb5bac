"""The telethon crawler through the real TelegramClient, with only the wire replaced (tests/doubles/telegram.py),
feeding the real pipeline and SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telethon import errors
from telethon.tl import functions, types

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.source_configs import TelegramSourceConfig
from crawlers.telegram import TelegramCrawler
from crawlers.telegram_session import session_lease
from monitor.context import MonitorContext, open_context
from monitor.fingerprint.pool import HashPool
from monitor.matching.intake import hash_pictures
from monitor.records import RunRecord
from monitor.runner import SourceRun
from tests.doubles.telegram import SyntheticTelegram, TelegramClientDouble, build_channel, picture_bytes

BLOCKED_SEED = 3  # the picture whose hashes are in the blocklist
SEEDS = 12


def seed_of(message_id: int) -> int | None:
    return None if message_id % 9 == 0 else message_id % SEEDS  # every 9th message is text only


def telegram_source(source_id: str, channel: str, **fields: Any) -> Source:
    config = TelegramSourceConfig(channel=channel, **fields)
    return Source(source_id, "telegram", Schedule(every=parse_duration("30m")), config)


@pytest.fixture
def server() -> SyntheticTelegram:
    server = SyntheticTelegram()
    build_channel(server, 1001, "public_one", 500, picture_seed=seed_of)
    return server


@pytest.fixture
def crawler(server: SyntheticTelegram, tmp_path: Path) -> TelegramCrawler:
    def lease() -> AbstractAsyncContextManager[None]:
        return session_lease(tmp_path / "locks" / "session.lock", wait=5)

    return TelegramCrawler(lambda: TelegramClientDouble(server), lease, 10 * 2**20, 30.0, 10_000, history_wait=0)


@pytest.fixture
async def context(hash_pool: HashPool, settings: Settings, tmp_path: Path) -> AsyncIterator[MonitorContext]:
    folder = tmp_path / "intake"
    folder.mkdir()
    (folder / "1.jpg").write_bytes(picture_bytes(BLOCKED_SEED))
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries(hash_pictures(folder, "case-tg").entries)
        yield context


async def crawl(context: MonitorContext, crawler: TelegramCrawler, source: Source) -> RunRecord:
    return await SourceRun(await context.pipeline(), source, crawler, 4).execute(context.workdir)


def requests_of(server: SyntheticTelegram, kind: type) -> list[Any]:
    return [r for r in server.requests if isinstance(r, kind)]


async def test_a_500_message_channel_is_read_whole_with_albums_forwards_and_edits(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    run = await crawl(context, crawler, telegram_source("one", "@public_one"))
    sightings = {s.distributor.message_id: s for s in await context.store.sightings()}
    media_messages = {m.id for m in server.channels[1001].messages.values() if m.media is not None}
    assert run.status == "ok", run.error
    assert set(sightings) == media_messages
    assert (await context.store.get_source_state("one")).watermark == 500
    album = [s for s in sightings.values() if s.distributor.grouped_id == 10_010]
    assert sorted(s.distributor.message_id for s in album) == [10, 11, 12]  # post 10 is a 3-photo album
    forwarded = sightings[7].distributor.forwarded_from
    assert forwarded is not None and forwarded.peer_id == "424242" and forwarded.message_id == 7
    assert forwarded.date is not None and forwarded.date.tzinfo is not None
    edited = next(s for s in sightings.values() if s.distributor.edited_at is not None)
    assert edited.distributor.edited_at > edited.distributor.posted_at  # type: ignore[operator]
    first = sightings[1]
    assert first.location == "https://t.me/public_one/1" and first.distributor.channel_id == "1001"
    assert first.distributor.views == 101 and first.distributor.forwards == 1
    assert first.distributor.urls == ("https://example.org/1",) and first.distributor.text
    assert first.media.platform_file_id is not None and first.media.platform_file_id.startswith("photo:")
    assert first.capture is not None and first.capture.account_id == str(server.account.id)  # by id only
    photos = {m.id for m in server.channels[1001].messages.values() if isinstance(m.media, types.MessageMediaPhoto)}
    hits = await context.store.hits()
    assert {h.location for h in hits} == {f"https://t.me/public_one/{i}" for i in photos if seed_of(i) == BLOCKED_SEED}
    assert len(await context.store.packets()) == len({h.sighting_id for h in hits}) > 0


async def test_an_immediate_second_run_downloads_nothing_and_adds_nothing(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    source = telegram_source("one", "@public_one")
    await crawl(context, crawler, source)
    counts = await context.store.counts()
    server.requests.clear()
    second = await crawl(context, crawler, source)
    assert second.counters["sightings"] == 0 and (await context.store.counts())["sightings"] == counts["sightings"]
    assert requests_of(server, functions.upload.GetFileRequest) == []
    assert requests_of(server, functions.contacts.ResolveUsernameRequest) == []  # resolved once, cached


async def test_a_flood_wait_within_the_budget_is_sat_out_and_the_crawl_completes(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    histories = iter(range(1_000))

    def third_history(request: Any) -> Exception | None:
        if isinstance(request, functions.messages.GetHistoryRequest) and next(histories) == 2:
            return errors.FloodWaitError(request=request, capture=1)
        return None

    server.fault_once(third_history)
    run = await crawl(context, crawler, telegram_source("one", "@public_one"))
    assert run.status == "ok"
    assert (await context.store.get_source_state("one")).watermark == 500
    locations = [s.location for s in await context.store.sightings()]
    assert len(locations) == len(set(locations))


async def test_a_flood_wait_beyond_the_budget_stops_the_source_until_the_next_run(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    histories = iter(range(1_000))
    server.fault_once(
        lambda r: (
            errors.FloodWaitError(request=r, capture=3600)
            if isinstance(r, functions.messages.GetHistoryRequest) and next(histories) == 2
            else None
        )
    )
    source = telegram_source("one", "@public_one")
    stopped = await crawl(context, crawler, source)
    watermark = (await context.store.get_source_state("one")).watermark
    asked_to_wait = stopped.started_at + timedelta(seconds=3600)
    assert stopped.status == "rate-limited" and stopped.retry_at is not None and stopped.retry_at >= asked_to_wait
    assert watermark is not None and 0 < watermark < 500
    resumed = await crawl(context, crawler, source)
    assert resumed.status == "ok" and (await context.store.get_source_state("one")).watermark == 500
    locations = [s.location for s in await context.store.sightings()]
    with_media = [m for m in server.channels[1001].messages.values() if m.media is not None]
    assert len(locations) == len(set(locations)) == len(with_media)


class Killed(BaseException):
    """Stands for kill -9: nothing after it runs."""


async def test_a_crash_after_message_250_loses_nothing_and_duplicates_nothing_on_resume(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = context.store
    original = store.put_sighting

    async def dies_after_250(sighting: Any) -> bool:
        stored = await original(sighting)
        if sighting.distributor.message_id == 250:
            raise Killed()
        return stored

    monkeypatch.setattr(store, "put_sighting", dies_after_250)
    source = telegram_source("one", "@public_one")
    with pytest.raises(Killed):
        await crawl(context, crawler, source)
    watermark = (await store.get_source_state("one")).watermark
    assert watermark is not None and watermark <= 250
    monkeypatch.setattr(store, "put_sighting", original)
    await crawl(context, crawler, source)
    sightings = await store.sightings()
    expected = {m.id for m in server.channels[1001].messages.values() if m.media is not None}
    assert sorted(s.distributor.message_id for s in sightings) == sorted(expected)
    hits = await store.hits()
    assert len(hits) == len({h.id for h in hits}) and len(await store.packets()) == len({h.sighting_id for h in hits})


async def test_a_private_channel_gets_its_status_and_public_ones_go_on(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    build_channel(server, 2002, "public_two", 30, picture_seed=seed_of)
    closed = build_channel(server, 3003, "closed_club", 30, picture_seed=seed_of)
    closed.refuse_with = errors.ChannelPrivateError
    runs = [
        await crawl(context, crawler, telegram_source(name, channel))
        for name, channel in [
            ("one", "@public_one"),
            ("closed", "t.me/closed_club"),
            ("two", "https://t.me/public_two/5"),
        ]
    ]
    assert [r.status for r in runs] == ["ok", "private", "ok"]
    assert runs[1].error is not None and "ChannelPrivateError" in runs[1].error
    missing = await crawl(context, crawler, telegram_source("gone", "@nobody_here"))
    assert missing.status == "not-found"


async def test_media_seen_before_by_its_telegram_id_is_not_downloaded_again_but_a_hit_is_still_preserved(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    channel = build_channel(server, 4004, "reposts", 6, picture_seed=lambda i: BLOCKED_SEED)
    shared = channel.messages[1].media
    for message in channel.messages.values():
        if message.media is not None:
            message.media = shared  # the same photo reposted: one Telegram photo id
    run = await crawl(context, crawler, telegram_source("reposts", "@reposts"))
    downloads = {r.location.id for r in requests_of(server, functions.upload.GetFileRequest)}
    assert run.status == "ok" and run.counters["new_media"] == 1
    assert len(await context.store.packets()) == run.counters["new_sightings"]  # every repost preserved
    assert downloads == {shared.photo.id}


async def test_an_expired_file_reference_is_renewed_once(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    channel = build_channel(server, 5005, "expiring", 2, picture_seed=lambda i: 5)
    server.expired_references.add(channel.messages[1].media.photo.id)
    run = await crawl(context, crawler, telegram_source("exp", "@expiring"))
    assert run.status == "ok" and run.counters["sightings"] == 2
    assert requests_of(server, functions.channels.GetMessagesRequest)


async def test_media_over_the_size_cap_is_recorded_with_the_post_metadata_and_not_fetched(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    build_channel(server, 6006, "bigfiles", 3, picture_seed=lambda i: 1)
    run = await crawl(context, crawler, telegram_source("big", "@bigfiles", max_media_bytes=1000))
    assert run.counters["sightings"] == 0 and len(run.problems) == 3
    assert all("too large" in p.reason for p in run.problems)
    assert requests_of(server, functions.upload.GetFileRequest) == []


async def test_a_renamed_channel_is_still_followed_by_its_id(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    channel = build_channel(server, 7007, "old_name", 5, picture_seed=lambda i: 2)
    source = telegram_source("renamed", "@old_name", backfill_messages=2)
    await crawl(context, crawler, source)
    channel.username = "new_name"
    channel.messages[6] = channel.messages[5].__class__(
        id=6,
        peer_id=channel.messages[5].peer_id,
        date=channel.messages[5].date,
        message="",
        media=channel.messages[5].media,
    )
    server.requests.clear()
    await crawl(context, crawler, source)
    assert requests_of(server, functions.contacts.ResolveUsernameRequest) == []
    locations = {s.location for s in await context.store.sightings()}
    assert locations == {"https://t.me/old_name/4", "https://t.me/old_name/5", "https://t.me/new_name/6"}
    assert (await context.store.get_source_state("renamed")).resolved["username"] == "new_name"


async def test_a_first_run_by_days_reads_only_the_messages_of_those_days(
    context: MonitorContext, crawler: TelegramCrawler, server: SyntheticTelegram
) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) - timedelta(minutes=10 * 300)  # message 300 is about now; 10 minutes apart
    build_channel(server, 8008, "recent", 300, picture_seed=lambda i: 4, start=start)
    run = await crawl(context, crawler, telegram_source("recent", "@recent", backfill_days=1))
    ids = sorted(s.distributor.message_id or 0 for s in await context.store.sightings())
    assert run.status == "ok" and ids and min(ids) > 300 - 6 * 24 - 2  # one day = 144 messages
    assert (await context.store.get_source_state("recent")).watermark == 300


async def test_a_network_failure_is_a_clear_status_not_a_crash(
    context: MonitorContext, server: SyntheticTelegram, tmp_path: Path
) -> None:
    class Unreachable(TelegramClientDouble):
        async def connect(self) -> None:
            raise ConnectionError("Connection to Telegram failed 5 time(s)")

    def lease() -> AbstractAsyncContextManager[None]:
        return session_lease(tmp_path / "lock", wait=1)

    crawler = TelegramCrawler(lambda: Unreachable(server), lease, 2**20, 10.0, 100, history_wait=0)
    run = await crawl(context, crawler, telegram_source("one", "@public_one"))
    assert run.status == "unreachable" and "could not be reached" in (run.error or "")

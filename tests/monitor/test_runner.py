"""SourceRun: checkpoints are saved only after every earlier sighting is stored."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from config.durations import parse_duration
from config.settings import Settings
from config.watchlist import Schedule, Source
from crawlers.base import CrawlContext
from crawlers.errors import RateLimited, SourceUnavailable, Unavailable
from crawlers.sighting import Checkpoint, CrawlRecord, Media, Sighting, utc_now
from evidence.rendering import RenderingError
from monitor.context import open_context
from monitor.demo.pictures import encode, make_picture
from monitor.errors import StoreError
from monitor.fingerprint.pool import HashPool
from monitor.records import BlocklistEntry, RunStatus
from monitor.runner import SourceRun


class NoFields(BaseModel):
    pass


class ListedCrawler:
    """A crawler double: yields one sighting and one checkpoint per "message", then maybe raises."""

    kind: ClassVar[str] = "listed"
    config_model: ClassVar[type[BaseModel]] = NoFields

    def __init__(self, messages: int, then_raise: Exception | None = None, empty: frozenset[int] = frozenset()) -> None:
        self.messages = messages
        self.then_raise = then_raise
        self.empty = empty  # messages whose media download came back with no bytes
        self.seen_watermark: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ListedCrawler:
        return cls(0)

    async def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        self.seen_watermark = context.state.watermark
        start = (context.state.watermark or 0) + 1
        for number in range(start, self.messages + 1):
            path = context.workdir / f"{number}.jpg"
            body = b"" if number in self.empty else encode(make_picture(number % 3), quality=80 + number % 10)
            context.files.write(path, body)  # sealed with the run key, as every crawler writes
            link = f"https://t.me/demo/{number}"
            yield Sighting(source.id, "listed", link, utc_now(), Media(link + "?single", path))
            yield Checkpoint(source.id, watermark=number)
        if self.then_raise:
            raise self.then_raise


SOURCE = Source("chan", "listed", Schedule(every=parse_duration("1h")), NoFields())


async def test_the_watermark_reaches_the_last_message_once_all_are_stored(
    hash_pool: HashPool, settings: Settings
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        run = await SourceRun(await context.pipeline(), SOURCE, ListedCrawler(12), 4).execute(context.workdir)
        state = await context.store.get_source_state("chan")
    assert run.status == "ok" and run.counters["new_sightings"] == 12
    assert state.watermark == 12


async def test_an_empty_media_response_is_a_problem_not_a_sighting(hash_pool: HashPool, settings: Settings) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        crawler = ListedCrawler(4, empty=frozenset({2}))
        run = await SourceRun(await context.pipeline(), SOURCE, crawler, 4).execute(context.workdir)
        stored = {s.location for s in await context.store.sightings()}
    assert stored == {f"https://t.me/demo/{n}" for n in (1, 3, 4)}
    assert run.counters["errors"] == 1 and "empty file (the response had 0 bytes)" in run.problems[0].reason


async def test_a_store_failure_leaves_the_watermark_before_the_unstored_message(
    hash_pool: HashPool, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        original = context.store.put_sighting

        async def failing(sighting: Sighting) -> bool:
            if sighting.location.endswith("/7"):
                raise StoreError("disk full")
            return await original(sighting)

        monkeypatch.setattr(context.store, "put_sighting", failing)
        with pytest.raises(StoreError):
            await SourceRun(await context.pipeline(), SOURCE, ListedCrawler(12), 4).execute(context.workdir)
        state = await context.store.get_source_state("chan")
        stored = {s.location.rsplit("/", 1)[-1] for s in await context.store.sightings()}
    assert state.watermark is not None and state.watermark < 7
    assert {str(n) for n in range(1, state.watermark + 1)} <= stored


async def test_a_resumed_crawl_starts_after_the_watermark_and_duplicates_nothing(
    hash_pool: HashPool, settings: Settings
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        pipeline = await context.pipeline()
        await SourceRun(pipeline, SOURCE, ListedCrawler(5), 4).execute(context.workdir)
        resumed = ListedCrawler(9)
        run = await SourceRun(pipeline, SOURCE, resumed, 4).execute(context.workdir)
        assert len(await context.store.sightings()) == 9
    assert resumed.seen_watermark == 5 and run.counters["sightings"] == 4


@pytest.mark.parametrize(
    ("error", "status", "retry_in"),
    [
        (RateLimited("FloodWait of 900 s", retry_after=900), RunStatus.RATE_LIMITED, timedelta(seconds=900)),
        (SourceUnavailable("the channel is private", status=Unavailable.PRIVATE), RunStatus.PRIVATE, None),
    ],
)
async def test_a_crawl_error_after_some_messages_keeps_their_progress_and_sets_the_status(
    hash_pool: HashPool, settings: Settings, error: Exception, status: RunStatus, retry_in: timedelta | None
) -> None:
    async with open_context(settings, hash_pool=hash_pool) as context:
        run = await SourceRun(await context.pipeline(), SOURCE, ListedCrawler(3, error), 2).execute(context.workdir)
        state = await context.store.get_source_state("chan")
    assert run.status == status and run.error == str(error)
    if retry_in is None:
        assert run.retry_at is None
    else:
        assert isinstance(error, RateLimited) and run.retry_at == error.retry_at  # as the platform asked
    assert state.watermark == 3 and run.counters["new_sightings"] == 3


def test_merging_checkpoints_never_moves_a_watermark_back() -> None:
    from crawlers.base import SourceState
    from monitor.runner import merge_state

    state = merge_state(SourceState("s", 10, {"a": 1}), Checkpoint("s", 4, {"b": 2}))
    assert state == SourceState("s", 10, {"a": 1, "b": 2})
    assert merge_state(SourceState("s"), Checkpoint("s", 4)).watermark == 4


def test_every_way_a_source_can_be_unavailable_is_a_run_status() -> None:
    from monitor.records import RunStatus

    assert all(RunStatus(str(why)).is_failure for why in Unavailable)


class BrokenRenderer:
    """A renderer that cannot load any page (Chromium crashed, the page timed out)."""

    async def render_url(self, url: str, stamp: Any, scope: Any = None) -> Any:
        raise RenderingError(f"{url} did not load within 30 s")

    async def render_html(self, html: str, stamp: str) -> Any:
        raise RenderingError("post page did not load within 30 s")

    async def close(self) -> None:
        pass


async def test_evidence_preserved_without_its_screenshot_is_a_problem_of_the_run(
    hash_pool: HashPool, settings: Settings
) -> None:
    matched = hashlib.sha256(encode(make_picture(1 % 3), quality=80 + 1 % 10)).hexdigest()
    async with open_context(settings, hash_pool=hash_pool) as context:
        await context.store.add_blocklist_entries([BlocklistEntry("sha256", matched, "case-1")])
        pipeline = await context.pipeline()
        pipeline.evidence = dataclasses.replace(pipeline.evidence, renderer=BrokenRenderer())
        run = await SourceRun(pipeline, SOURCE, ListedCrawler(1), 2).execute(context.workdir)
    assert run.counters["packets"] == 1  # the packet is written all the same, saying why it has no screenshot
    assert [(p.kind, p.location, p.reason) for p in run.problems] == [
        ("evidence", "https://t.me/demo/1", "no screenshot: https://t.me/demo/1 did not load within 30 s")
    ]

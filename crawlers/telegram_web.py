"""Crawl a public channel through its account-free web preview, ``https://t.me/s/<channel>``.

Pages come newest first; the spider follows ``?before=<lowest id on the page>`` back until it reaches
the watermark (or, on a first run, the backfill limit, or the channel's first post). Every photo and
video of every post newer than the watermark is downloaded and becomes a Sighting; an album's items each
keep their own message id and share the album's first id as ``grouped_id``.

The watermark can only move once paging has reached it — pages are read from the newest end — so the
spider's one Checkpoint (the newest id) is emitted when the spider closes, and only if every page was
read. A crash before that redoes the run, which the pipeline's dedupe makes harmless.
Parsing is ``crawlers/tme_markup.py``; a page it does not recognise stops the source with
``markup-unrecognised``, never an empty success. ``base_url`` lets tests and the demo serve pages locally.

A hostile channel serves these pages, so paging must make progress: a page asked for ``?before=N`` that
shows nothing older than N (a server ignoring the parameter) ends the run with a recorded problem, and
the watermark stays where it was, instead of fetching the same page for ever; so does reading
``max_pages`` pages in one run (a channel inventing ids that go back one at a time). Every post is recorded
under the channel crawled, whatever its ``data-post`` claims (the claim is a recorded problem).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from pydantic import BaseModel
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from config.settings import Settings
from config.watchlist import Source
from crawlers.base import CrawlContext, PostToCheck, RemovalCheck
from crawlers.codec import from_jsonable, to_jsonable
from crawlers.errors import SourceUnavailable, Unavailable
from crawlers.fetch_scope import FetchScope, without_credentials
from crawlers.scrapy_capture import PageCapture, capture_page, describe_failure, save_media
from crawlers.scrapy_guard import ALLOW_PRIVATE_SETTING, take_credentials
from crawlers.scrapy_runner import ScrapyJob, run_scrapy_job
from crawlers.sighting import Checkpoint, CrawlProblem, CrawlRecord, Distributor, ForwardedFrom, Sighting
from crawlers.source_configs import TelegramWebSourceConfig
from crawlers.temp_files import TempFiles
from crawlers.tme_markup import TmePost, UnrecognisedMarkup, parse_tme_page

UNRECOGNISED = "unrecognised t.me/s markup"
NO_PREVIEW = "no public preview"
STUCK = "paging does not move back"


class TelegramWebSpider(scrapy.Spider):
    name = "jikimi-telegram-web"

    def __init__(
        self, source_id: str, channel: str, base_url: str, watermark: int | None, backfill: int, out_dir: str,
        max_media_bytes: int, files: TempFiles, scope: dict[str, Any] | None = None, max_pages: int = 1000,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.source_id = source_id
        self.channel = channel
        self.base_url = take_credentials(self, [base_url.rstrip("/")])[0]
        self.watermark = watermark
        self.backfill = backfill
        self.out_dir = Path(out_dir)
        self.files = files  # the run's key, from the worker's stdin (crawlers/temp_files.py)
        self.max_media_bytes = max_media_bytes
        self.fetch_scope = from_jsonable(FetchScope, scope) if scope else FetchScope.of([self.base_url])
        self.max_pages = max_pages
        self.pages_asked = 0
        self.newest: int | None = None
        self.read_to_the_end = False

    async def start(self) -> AsyncIterator[Any]:
        yield self._page_request(None)

    def _page_request(self, before: int | None) -> scrapy.Request:
        self.pages_asked += 1
        url = f"{self.base_url}/s/{self.channel}" + (f"?before={before}" if before else "")
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.page_failed, dont_filter=True, meta={"before": before}
        )

    def parse_page(self, response: Response) -> Iterator[Any]:
        url = without_credentials(response.url)
        if not urlsplit(url).path.startswith("/s/") or not isinstance(response, TextResponse):
            reason = f"{NO_PREVIEW}: t.me sent {url} instead"
            yield CrawlProblem(self.source_id, url, reason, stops_source=Unavailable.NOT_FOUND)
            return
        try:
            page = parse_tme_page(response.text, self.base_url, self.channel)
        except UnrecognisedMarkup as exc:
            reason = f"{UNRECOGNISED}: {exc}"
            yield CrawlProblem(self.source_id, url, reason, stops_source=Unavailable.MARKUP_UNRECOGNISED)
            return
        capture = capture_page(response, self.out_dir, self.files, self.fetch_scope)
        for problem in page.problems:
            where = f"{self.base_url}/{self.channel}/{problem.message_id}" if problem.message_id else url
            yield CrawlProblem(self.source_id, where, problem.reason)
        fresh = [post for post in page.posts if self.watermark is None or post.message_id > self.watermark]
        for post in fresh:
            self.newest = max(self.newest or 0, post.message_id)
            for media in post.media:
                yield scrapy.Request(
                    media.url, callback=self.media_downloaded, errback=self.media_failed, dont_filter=True,
                    meta={"allow_offsite": True, "download_maxsize": self.max_media_bytes, "post": post,
                          "item_id": media.message_id, "page": capture, "title": page.channel_title},
                )  # fmt: skip
        oldest = page.oldest_id
        before = response.meta.get("before")
        if before is not None and oldest is not None and oldest >= before:
            reason = f"{STUCK}: ?before={before} showed posts from {oldest} up; stopped, the watermark is kept"
            yield CrawlProblem(self.source_id, url, reason)
            return
        reached = self.watermark is not None and oldest is not None and oldest <= self.watermark + 1
        backfilled = self.watermark is None and self.newest is not None and self.newest - (oldest or 0) >= self.backfill
        if oldest is None or oldest <= 1 or reached or backfilled:
            self.read_to_the_end = True
            return
        if self.pages_asked >= self.max_pages:
            reason = (
                f"page budget reached: max_pages={self.max_pages} pages read back to {oldest}; the watermark is kept"
            )
            yield CrawlProblem(self.source_id, url, reason)
            return
        yield self._page_request(oldest)

    def media_downloaded(self, response: Response) -> Iterator[Sighting]:
        meta = response.meta
        post: TmePost = meta["post"]
        page: PageCapture = meta["page"]
        item_id: int = meta["item_id"]
        capture = page.capture_record("telegram_web")
        location = f"{self.base_url}/{self.channel}/{item_id}"
        yield Sighting(
            source_id=self.source_id, source_kind="telegram_web", location=location, seen_at=capture.captured_at,
            media=save_media(response, response.request.url if response.request else response.url, self.out_dir,
                             self.files),
            distributor=_distributor(post, item_id, meta["title"]), capture=capture,
        )  # fmt: skip

    def media_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        request = failure.request  # type: ignore[attr-defined]
        location = f"{self.base_url}/{self.channel}/{request.meta['item_id']}"
        reason = "media download failed: " + describe_failure(failure)
        yield CrawlProblem(self.source_id, location, reason, media_url=without_credentials(request.url))

    def page_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        url = without_credentials(failure.request.url)  # type: ignore[attr-defined]
        yield CrawlProblem(self.source_id, url, "page fetch failed: " + describe_failure(failure))

    def final_records(self) -> list[Checkpoint]:
        """The watermark, once paging reached it: everything newer has been yielded by now."""
        if self.read_to_the_end and self.newest is not None:
            return [Checkpoint(self.source_id, watermark=self.newest, resolved={"username": self.channel})]
        return []


def _distributor(post: TmePost, item_id: int, title: str | None) -> Distributor:
    grouped = post.message_id if len({m.message_id for m in post.media}) > 1 else None
    forwarded = None
    if post.forwarded_name or post.forwarded_link:
        forwarded = ForwardedFrom(name=post.forwarded_name, link=post.forwarded_link)
    return Distributor(
        channel_username=post.channel, channel_title=title, message_id=item_id, grouped_id=grouped,
        author_signature=post.author, forwarded_from=forwarded, text=post.text, posted_at=post.posted_at,
        views=post.views, urls=post.urls,
    )  # fmt: skip


class TelegramWebCrawler:
    """The ``telegram_web`` source kind: ``TelegramWebSpider`` in a scrapy worker process."""

    kind: ClassVar[str] = "telegram_web"
    config_model: ClassVar[type[BaseModel]] = TelegramWebSourceConfig
    exclusive: ClassVar[bool] = False  # runs of this kind may overlap
    recheck_timeout: ClassVar[float] = 30.0  # seconds for each removal re-check's requests

    def __init__(self, scrapy_settings: dict[str, Any], max_media_bytes: int, deadline: float, backfill: int) -> None:
        self.scrapy_settings = scrapy_settings
        self.max_media_bytes = max_media_bytes
        self.deadline = deadline
        self.backfill = backfill

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramWebCrawler:
        from crawlers.politeness import scrapy_settings_for

        return cls(
            scrapy_settings_for(settings), settings.telegram_max_media_bytes, settings.crawl_deadline,
            settings.telegram_backfill_messages,
        )  # fmt: skip

    async def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        config = source.config
        assert isinstance(config, TelegramWebSourceConfig)
        backfill = config.backfill_messages if config.backfill_messages is not None else self.backfill
        settings = self.scrapy_settings | {"ROBOTSTXT_OBEY": False}
        settings[ALLOW_PRIVATE_SETTING] = config.allow_private_addresses
        job = ScrapyJob(
            spider="crawlers.telegram_web:TelegramWebSpider",
            spider_args={
                "source_id": source.id, "channel": config.channel, "base_url": config.base_url,
                "watermark": context.state.watermark, "backfill": backfill, "out_dir": str(context.workdir),
                "max_media_bytes": self.max_media_bytes, "scope": to_jsonable(config.fetch_scope()),
                "max_pages": config.max_pages,
            },
            settings=settings,
        )  # fmt: skip
        fatal: CrawlProblem | None = None
        records = run_scrapy_job(
            job, workdir=context.workdir, files=context.files, deadline=self.deadline, source_id=source.id
        )
        async for record in records:
            if isinstance(record, CrawlProblem) and record.stops_source is not None:
                fatal = record
                continue
            yield record
        if fatal is not None and fatal.stops_source is not None:
            raise SourceUnavailable(f"{config.channel}: {fatal.reason}", source_id=source.id, status=fatal.stops_source)

    async def check_removal(self, posts: Sequence[PostToCheck]) -> dict[str, RemovalCheck]:
        """Is each post still online? (``crawlers/removal_checks.py``: the channel preview after the message.)"""
        from crawlers.removal_checks import check_over_http, check_tme_preview

        return await check_over_http(check_tme_preview, posts, self.recheck_timeout)

    async def recapture(self, sighting: Sighting, workdir: Path, files: TempFiles) -> Sighting | None:
        """The page and its media fetched again, if the same bytes are still there (``crawlers/refetch.py``)."""
        from crawlers.refetch import refetch_sighting

        return await refetch_sighting(sighting, workdir, files)

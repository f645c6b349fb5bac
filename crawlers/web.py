"""Crawl websites and forums with Scrapy, yielding a Sighting for every media item on every page.

The spider runs in a scrapy worker process (``crawlers/scrapy_worker.py``); ``WebCrawler`` starts it
and reads its sightings. Pages are followed within the source's scope (the start URLs' origins and
``allowed_domains``, ``crawlers/fetch_scope.py``) up to ``max_depth`` links from a start URL, and at most
``max_pages`` pages are ever requested: the budget is spent when a page is scheduled, so one page with
10,000 links cannot make the crawl fetch them all; the links left over are one recorded problem. Media
may be on any public host (sites keep pictures on CDNs), so media requests are allowed off-site; no
request reaches a private address unless the source allows it (``crawlers/scrapy_guard.py``). Each
media URL is downloaded once per crawl even when many pages show it; every page that shows it gets its
own sighting.

Why not Scrapy's ImagesPipeline? It re-encodes pictures, and evidence must keep the original bytes.
The bytes go to a temporary file unchanged; the pipeline hashes them itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from pydantic import BaseModel
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from config.settings import Settings
from config.watchlist import Source
from crawlers.base import CrawlContext, PostToCheck, RemovalCheck
from crawlers.codec import from_jsonable, to_jsonable
from crawlers.fetch_scope import FetchScope, without_credentials
from crawlers.html_media import extract_media_urls
from crawlers.scrapy_capture import PageCapture, capture_page, describe_failure, save_media
from crawlers.scrapy_guard import ALLOW_PRIVATE_SETTING, take_credentials
from crawlers.scrapy_runner import ScrapyJob, run_scrapy_job
from crawlers.sighting import CrawlProblem, CrawlRecord, Distributor, Media, Sighting
from crawlers.source_configs import WebSourceConfig
from crawlers.temp_files import TempFiles


class WebSpider(scrapy.Spider):
    """Follow a site's pages and download every media item they show. Yields Sightings and CrawlProblems."""

    name = "jikimi-web"

    def __init__(
        self,
        source_id: str,
        start_urls: list[str],
        allowed_domains: list[str],
        max_depth: int,
        max_pages: int,
        allow: list[str],
        deny: list[str],
        out_dir: str,
        max_media_bytes: int,
        files: TempFiles,
        scope: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source_id = source_id
        self.start_urls = take_credentials(self, start_urls)
        self.allowed_domains = allowed_domains
        self.fetch_scope = from_jsonable(FetchScope, scope) if scope else FetchScope.of(start_urls, allowed_domains)
        self.max_depth = max_depth
        self.max_pages = max_pages
        self.max_media_bytes = max_media_bytes
        self.out_dir = Path(out_dir)
        self.files = files  # the run's key, from the worker's stdin (crawlers/temp_files.py)
        # Domains are left to Scrapy's OffsiteMiddleware: LinkExtractor's allow_domains compares the
        # host *with its port*, so 127.0.0.1 would never match 127.0.0.1:8765.
        self.link_extractor = LinkExtractor(allow=allow, deny=deny)
        self._scheduled: set[str] = set()  # canonical URLs of the pages requested: the page budget
        self._not_followed: set[str] = set()  # distinct pages in scope left over once the budget is spent
        self._downloaded: dict[str, Media] = {}
        self._waiting: dict[str, list[PageCapture]] = {}
        (self.out_dir / "pages").mkdir(parents=True, exist_ok=True)
        (self.out_dir / "media").mkdir(parents=True, exist_ok=True)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            for request in self._follow(url, 0):
                yield request

    def parse_page(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            url = without_credentials(response.url)
            yield CrawlProblem(self.source_id, url, "not an HTML page; media are found through pages")
            return
        page = capture_page(response, self.out_dir, self.files, self.fetch_scope)
        for media_url in extract_media_urls(response.selector, response.url):
            yield from self._media_for_page(media_url, page)
        depth = int(response.meta.get("page_depth", 0))
        if depth >= self.max_depth:
            return
        for link in self.link_extractor.extract_links(response):
            yield from self._follow(link.url, depth + 1)

    def _follow(self, url: str, depth: int) -> Iterator[scrapy.Request]:
        """A request for the page at ``url``, if it is in scope, new, and within the page budget."""
        if not self.fetch_scope.allows(url):
            return  # another site's page (another host, scheme or port): not this source's to crawl
        key = canonicalize_url(url)
        if key in self._scheduled:
            return
        if len(self._scheduled) >= self.max_pages:
            self._not_followed.add(key)
            return
        self._scheduled.add(key)
        yield scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, meta={"page_depth": depth})

    def final_records(self) -> list[CrawlProblem]:
        """The links left over when the page budget ran out: not silently dropped."""
        if not self._not_followed:
            return []
        reason = (
            f"page budget reached: max_pages={self.max_pages} pages requested, "
            f"{len(self._not_followed)} more pages in scope not followed"
        )
        return [CrawlProblem(self.source_id, without_credentials(self.start_urls[0]), reason)]

    def _media_for_page(self, media_url: str, page: PageCapture) -> Iterator[Any]:
        if media_url in self._downloaded:
            yield self._sighting(page, self._downloaded[media_url])
            return
        if media_url in self._waiting:
            self._waiting[media_url].append(page)
            return
        self._waiting[media_url] = [page]
        yield scrapy.Request(
            media_url,
            callback=self.media_downloaded,
            errback=self.media_failed,
            dont_filter=True,
            meta={"allow_offsite": True, "download_maxsize": self.max_media_bytes, "media_url": media_url},
        )

    def media_downloaded(self, response: Response) -> Iterator[Any]:
        media_url = response.meta["media_url"]
        media = save_media(response, media_url, self.out_dir, self.files)
        self._downloaded[media_url] = media
        for page in self._waiting.pop(media_url, []):
            yield self._sighting(page, media)

    def media_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        media_url = failure.request.meta["media_url"]  # type: ignore[attr-defined]
        reason = "media download failed: " + describe_failure(failure)
        for page in self._waiting.pop(media_url, []):
            yield CrawlProblem(self.source_id, page.url, reason, media_url=without_credentials(media_url))

    def page_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        url = without_credentials(failure.request.url)  # type: ignore[attr-defined]
        yield CrawlProblem(self.source_id, url, "page fetch failed: " + describe_failure(failure))

    def _sighting(self, page: PageCapture, media: Media) -> Sighting:
        capture = page.capture_record("web")
        distributor = Distributor(page_title=page.title)
        return Sighting(self.source_id, "web", page.url, capture.captured_at, media, distributor, capture)


class WebCrawler:
    """The ``web`` source kind: runs ``WebSpider`` in a scrapy worker process."""

    kind: ClassVar[str] = "web"
    config_model: ClassVar[type[BaseModel]] = WebSourceConfig
    exclusive: ClassVar[bool] = False  # runs of this kind may overlap
    recheck_timeout: ClassVar[float] = 30.0  # seconds for each removal re-check's requests

    def __init__(self, scrapy_settings: dict[str, Any], max_media_bytes: int, deadline: float) -> None:
        self.scrapy_settings = scrapy_settings
        self.max_media_bytes = max_media_bytes
        self.deadline = deadline

    @classmethod
    def from_settings(cls, settings: Settings) -> WebCrawler:
        from crawlers.politeness import scrapy_settings_for

        return cls(scrapy_settings_for(settings), settings.crawl_max_media_bytes, settings.crawl_deadline)

    def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        workdir = context.workdir
        config = source.config
        assert isinstance(config, WebSourceConfig)
        settings = dict(self.scrapy_settings, ROBOTSTXT_OBEY=config.obey_robots)
        settings[ALLOW_PRIVATE_SETTING] = config.allow_private_addresses
        job = ScrapyJob(
            spider="crawlers.web:WebSpider",
            spider_args={
                "source_id": source.id,
                "start_urls": [str(url) for url in config.start_urls],
                "allowed_domains": config.allowed_domains,
                "max_depth": config.max_depth,
                "max_pages": config.max_pages,
                "allow": config.allow,
                "deny": config.deny,
                "out_dir": str(workdir),
                "max_media_bytes": self.max_media_bytes,
                "scope": to_jsonable(config.fetch_scope()),
            },
            settings=settings,
        )
        return run_scrapy_job(job, workdir=workdir, files=context.files, deadline=self.deadline, source_id=source.id)

    async def check_removal(self, posts: Sequence[PostToCheck]) -> dict[str, RemovalCheck]:
        """Is each post still online? (``crawlers/removal_checks.py``: the page, then the media bytes.)"""
        from crawlers.removal_checks import check_over_http, check_web

        return await check_over_http(check_web, posts, self.recheck_timeout)

    async def recapture(self, sighting: Sighting, workdir: Path, files: TempFiles) -> Sighting | None:
        """The page and its media fetched again, if the same bytes are still there (``crawlers/refetch.py``)."""
        from crawlers.refetch import refetch_sighting

        return await refetch_sighting(sighting, workdir, files)

"""The worker process of ``crawlers/scrapy_runner.py``: run one spider, print one JSON line per record.

The run's key arrives on stdin with the job and is handed to the spider as an object (``files``), so it is
never a Scrapy setting (Scrapy logs the settings it was given) and never in the worker's argv or environment.

Stdout is reserved for records: the original stdout is kept as the record stream, and file descriptor 1
is pointed at stderr so that any stray print cannot corrupt it.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from crawlers.fetch_scope import without_credentials
from crawlers.parent_death import die_with_parent
from crawlers.scrapy_runner import encode_record
from crawlers.sighting import Checkpoint, CrawlProblem, Sighting
from crawlers.temp_files import SealedFiles


class RecordEmitterPipeline:
    """Scrapy item pipeline: write each record to the record stream, and, when the spider closes, the
    records it keeps for the end (``final_records()``: a checkpoint valid only once everything is out)."""

    def __init__(self, stream: TextIO, crawler: Any = None) -> None:
        self.stream = stream
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RecordEmitterPipeline:
        # A file descriptor, not a stream: Scrapy deep-copies settings, and streams cannot be copied.
        fd = crawler.settings.getint("JIKIMI_RECORD_FD")
        return cls(os.fdopen(fd, "w", encoding="utf-8", closefd=False), crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Sighting | CrawlProblem | Checkpoint):
            self.stream.write(encode_record(item) + "\n")
            self.stream.flush()
        return item

    def close_spider(self) -> None:
        final_records = getattr(self.crawler.spider, "final_records", None) if self.crawler else None
        for record in final_records() if final_records else ():
            self.process_item(record)


class ProblemOnExceptionMiddleware:
    """Spider middleware: a callback that raises becomes a recorded CrawlProblem; the crawl goes on."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProblemOnExceptionMiddleware:
        return cls(crawler)

    def process_spider_exception(self, response: Any, exception: Exception) -> Iterable[Any]:
        source_id = str(getattr(self.crawler.spider, "source_id", "?"))
        return [
            CrawlProblem(
                source_id,
                without_credentials(response.url),
                f"could not parse page: {type(exception).__name__}: {exception}",
            )
        ]


def _load_spider(path: str) -> type:
    module_name, class_name = path.split(":", 1)
    spider: type = getattr(importlib.import_module(module_name), class_name)
    return spider


def main() -> None:
    die_with_parent()  # an orphan would go on writing pictures into a swept work folder
    message = json.loads(sys.stdin.read())
    job, files = message["job"], SealedFiles(bytes.fromhex(message["key"]))  # never in settings: they are logged
    record_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from scrapy.crawler import CrawlerProcess

    settings = dict(job["settings"])
    settings["ITEM_PIPELINES"] = {"crawlers.scrapy_worker.RecordEmitterPipeline": 100}
    settings["SPIDER_MIDDLEWARES"] = {"crawlers.scrapy_worker.ProblemOnExceptionMiddleware": 1000}
    settings["DOWNLOADER_MIDDLEWARES"] = {
        "crawlers.scrapy_guard.ScopeGuardMiddleware": 50,
        "crawlers.scrapy_media_budget.MediaBudgetMiddleware": 60,  # refused requests never wait
    }
    settings["TWISTED_DNS_RESOLVER"] = "crawlers.scrapy_guard.PublicAddressResolver"
    settings["JIKIMI_RECORD_FD"] = record_fd
    process = CrawlerProcess(settings)
    process.crawl(_load_spider(job["spider"]), **job["spider_args"], files=files)
    process.start()


if __name__ == "__main__":
    main()

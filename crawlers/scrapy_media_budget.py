"""Hold a Scrapy crawl's fetched media on disk to a budget: a media request waits while the folder is full.

The monitor removes each media file once its sightings are done with it (``monitor/temp_media.py``), but
that alone does not bound the disk: a local or fast site is downloaded faster than pictures are hashed,
and the records wait in the worker's pipe and the monitor's reader (tens of megabytes of JSON lines)
while their files wait on disk. So before a media request goes out, ``MediaBudgetMiddleware`` looks at
the spider's ``out_dir/media``: while it holds ``JIKIMI_MAX_MEDIA_FILES`` files or more, or
``JIKIMI_MAX_MEDIA_DISK`` bytes, the request waits (``asyncio.sleep``, so the reactor goes on with pages
and the downloads under way; a download's timeout starts only once it is sent). Files the monitor keeps
(matched media, for later packets) are moved to ``media/kept/`` and not counted, so the crawl never waits
for what will stay.

The bound, for one crawl: ``JIKIMI_MAX_MEDIA_FILES`` + ``CONCURRENT_REQUESTS`` media files still to be
processed (requests already let through finish), each at most the crawl's ``max_media_bytes``; and at
most ``JIKIMI_MAX_MEDIA_DISK`` + ``CONCURRENT_REQUESTS`` × ``max_media_bytes`` bytes; plus the run's
kept media.

The contract this adds: whoever reads the records removes the media files it is done with, as
``SourceRun`` does; a reader that keeps them all (a test collecting a small site's records) is fine up to
the budget and waits from there on.

Media requests are told apart from pages as ``crawlers/scrapy_guard.py`` does: they carry ``allow_offsite``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

MAX_FILES_SETTING = "JIKIMI_MAX_MEDIA_FILES"
MAX_DISK_SETTING = "JIKIMI_MAX_MEDIA_DISK"
DEFAULT_MAX_FILES = 64  # pictures ahead of the monitor: far more than the hash pool keeps in flight
DEFAULT_MAX_DISK = 256 * 2**20
POLL_SECONDS = 0.05


def media_on_disk(folder: Path) -> tuple[int, int]:
    """How many media files are directly in ``folder``, and their bytes (``kept/`` and the like not counted)."""
    files = size = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0, 0
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False):
                files, size = files + 1, size + entry.stat(follow_symlinks=False).st_size
        except FileNotFoundError:  # removed by the monitor as we looked
            continue
    return files, size


class MediaBudgetMiddleware:
    """Downloader middleware: a media request waits while ``spider.out_dir/media`` is over the budget."""

    def __init__(self, crawler: Any, max_files: int, max_disk: int, poll_seconds: float = POLL_SECONDS) -> None:
        self.crawler = crawler
        self.max_files = max_files
        self.max_disk = max_disk
        self.poll_seconds = poll_seconds
        self.waits = 0  # requests that had to wait (in the crawl's stats as ``jikimi/media_budget_waits``)

    @classmethod
    def from_crawler(cls, crawler: Any) -> MediaBudgetMiddleware:
        settings = crawler.settings
        max_files = settings.getint(MAX_FILES_SETTING, DEFAULT_MAX_FILES)
        return cls(crawler, max_files, settings.getint(MAX_DISK_SETTING, DEFAULT_MAX_DISK))

    def _full(self, folder: Path) -> bool:
        files, size = media_on_disk(folder)
        return files >= self.max_files or size >= self.max_disk

    async def process_request(self, request: Any) -> None:
        out_dir = getattr(self.crawler.spider, "out_dir", None)
        if not request.meta.get("allow_offsite") or out_dir is None:
            return
        folder = Path(out_dir) / "media"
        if not self._full(folder):
            return
        self.waits += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("jikimi/media_budget_waits")
        while self._full(folder):
            await asyncio.sleep(self.poll_seconds)

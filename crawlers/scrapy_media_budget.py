"""Hold a Scrapy crawl's fetched media on disk to a budget: a media request waits while the budget is spent.

The monitor removes each media file once its sightings are done with it (``monitor/temp_media.py``), but
that alone does not bound the disk: a local or fast site is downloaded faster than pictures are hashed,
and the records wait in the worker's pipe and the monitor's reader (tens of megabytes of JSON lines)
while their files wait on disk. So before a media request goes out, ``MediaBudgetMiddleware`` counts the
media still to be processed: the files in the spider's ``out_dir/media`` plus the media requests it let
through whose file is not written yet (``mark_saved``, called by ``save_media``). While that reaches
``JIKIMI_MAX_MEDIA_FILES``, the request waits (``asyncio.sleep``: the reactor goes on with pages and the
downloads under way, and a download's timeout starts only once it is sent). Files the monitor keeps
(matched media, for later packets) are moved to ``media/kept/`` and not counted, so the crawl never waits
for what will stay.

The bound, for one Scrapy crawl: at most ``JIKIMI_MAX_MEDIA_FILES`` media files still to be processed on
disk at any time, each at most the crawl's ``max_media_bytes``; plus the run's kept (matched) media.

The contract this adds: whoever reads the records removes the media files it is done with, as
``SourceRun`` does; a reader that keeps them all (a test collecting a small site's records) is fine up to
the budget and waits from there on. A grant whose file never comes (a response dropped before its
callback) stops counting after ``STALE_SECONDS``, so a leak slows a crawl and never stalls it.

Media requests are told apart from pages as ``crawlers/scrapy_guard.py`` does: they carry ``allow_offsite``.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILES_SETTING = "JIKIMI_MAX_MEDIA_FILES"
DEFAULT_MAX_FILES = 64  # pictures ahead of the monitor: far more than the hash pool keeps in flight
GRANT_KEY = "jikimi_media_grant"
POLL_SECONDS = 0.02
STALE_SECONDS = 300.0


@dataclass(slots=True)
class Grant:
    """A media request let through; ``done`` once its file is written or it failed."""

    at: float
    done: bool = False


def media_on_disk(folder: Path) -> int:
    """How many media files are directly in ``folder`` (``kept/`` not counted)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    files = 0
    for entry in entries:
        try:
            files += entry.is_file(follow_symlinks=False)
        except FileNotFoundError:  # removed by the monitor as we looked
            continue
    return files


def mark_saved(response: Any) -> None:
    """The media of ``response`` is on disk now: its grant (if it had one) is spent."""
    request = getattr(response, "request", None)
    grant = request.meta.get(GRANT_KEY) if request is not None else None
    if isinstance(grant, Grant):
        grant.done = True


class MediaBudgetMiddleware:
    """Downloader middleware: a media request waits while ``JIKIMI_MAX_MEDIA_FILES`` are still to be processed."""

    def __init__(self, crawler: Any, max_files: int, poll_seconds: float = POLL_SECONDS) -> None:
        self.crawler = crawler
        self.max_files = max_files
        self.poll_seconds = poll_seconds
        self._grants: list[Grant] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> MediaBudgetMiddleware:
        return cls(crawler, crawler.settings.getint(MAX_FILES_SETTING, DEFAULT_MAX_FILES))

    def _spent(self, folder: Path) -> int:
        fresh = time.monotonic() - STALE_SECONDS
        self._grants = [grant for grant in self._grants if not grant.done and grant.at > fresh]
        return media_on_disk(folder) + len(self._grants)

    async def process_request(self, request: Any) -> None:
        out_dir = getattr(self.crawler.spider, "out_dir", None)
        if not request.meta.get("allow_offsite") or out_dir is None or GRANT_KEY in request.meta:
            return  # a page, or a redirect of a media request let through already
        folder = Path(out_dir) / "media"
        if self._spent(folder) >= self.max_files and self.crawler.stats is not None:
            self.crawler.stats.inc_value("jikimi/media_budget_waits")
        while self._spent(folder) >= self.max_files:
            await asyncio.sleep(self.poll_seconds)
        grant = Grant(time.monotonic())  # taken in the same step as the check: no other request in between
        self._grants.append(grant)
        request.meta[GRANT_KEY] = grant

    def process_response(self, request: Any, response: Any) -> Any:
        if not 200 <= response.status < 300:  # no callback will save it (a redirect never gets here)
            _spend(request)
        return response

    def process_exception(self, request: Any, exception: BaseException) -> None:
        _spend(request)


def _spend(request: Any) -> None:
    grant = request.meta.get(GRANT_KEY)
    if isinstance(grant, Grant):
        grant.done = True

"""MediaBudgetMiddleware: a media request waits while the media still to be processed reach the budget."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from scrapy.http import Request, Response

from crawlers.scrapy_capture import save_media
from crawlers.scrapy_media_budget import MediaBudgetMiddleware
from crawlers.temp_files import SealedFiles


def middleware(out_dir: Path, max_files: int) -> MediaBudgetMiddleware:
    crawler = SimpleNamespace(spider=SimpleNamespace(out_dir=str(out_dir)), stats=None)
    return MediaBudgetMiddleware(crawler, max_files, poll_seconds=0.005)


def media_request(url: str = "http://cdn.test/a.jpg") -> Request:
    return Request(url, meta={"allow_offsite": True})


async def let_through(budget: MediaBudgetMiddleware, request: Request) -> bool:
    """Whether ``request`` goes out at once (it would wait otherwise: the wait is cancelled)."""
    try:
        async with asyncio.timeout(0.2):
            await budget.process_request(request)
    except TimeoutError:
        return False
    return True


async def test_a_media_request_waits_while_the_folder_is_full_and_goes_once_a_file_is_removed(tmp_path: Path) -> None:
    (tmp_path / "media" / "kept").mkdir(parents=True)
    (tmp_path / "media" / "kept" / "matched").write_bytes(b"kept for a packet")  # not counted
    for name in ("a", "b"):
        (tmp_path / "media" / name).write_bytes(b"to be hashed")
    budget = middleware(tmp_path, max_files=2)
    assert not await let_through(budget, media_request())
    assert await let_through(budget, Request("http://site.test/page"))  # pages never wait
    waiting = asyncio.create_task(budget.process_request(media_request()))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    (tmp_path / "media" / "a").unlink()  # the monitor is done with it
    async with asyncio.timeout(5):
        await waiting


async def test_a_request_let_through_counts_until_its_file_is_written_or_it_failed(tmp_path: Path) -> None:
    budget, files = middleware(tmp_path, max_files=1), SealedFiles.new()
    first = media_request()
    assert await let_through(budget, first)
    assert not await let_through(budget, media_request())  # the first is downloading: the budget is spent
    save_media(Response(first.url, body=b"bytes", request=first), first.url, tmp_path, files)
    assert not await let_through(budget, media_request())  # now it is a file on disk
    for path in (tmp_path / "media").iterdir():
        path.unlink()
    second = media_request()
    assert await let_through(budget, second)
    budget.process_response(second, Response(second.url, status=404, request=second))  # no file will come
    third = media_request()
    assert await let_through(budget, third)
    budget.process_exception(third, TimeoutError("download timed out"))
    assert await let_through(budget, media_request())

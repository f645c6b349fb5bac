"""What the Scrapy spiders share: capturing a fetched page, saving downloaded media, describing failures."""

from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.fetch_scope import FetchScope, without_credentials
from crawlers.html_media import page_title
from crawlers.scrapy_media_budget import mark_saved
from crawlers.sighting import Capture, Media, utc_now
from crawlers.temp_files import TempFiles
from crawlers.version import CRAWLER_VERSION


@dataclass(frozen=True, slots=True)
class PageCapture:
    """A fetched page, shared by every sighting of media on it. ``raw_path`` holds its exact bytes."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    raw_path: Path
    title: str | None
    warc_path: Path | None = None
    scope: FetchScope | None = None

    def capture_record(self, crawler: str) -> Capture:
        """The Capture of a sighting on this page, timed now (UTC)."""
        return Capture(
            captured_at=utc_now(), crawler=crawler, crawler_version=CRAWLER_VERSION, http_status=self.status,
            http_headers=self.headers, final_url=self.url, raw_path=self.raw_path, raw_mime="text/html",
            warc_path=self.warc_path, scope=self.scope,
        )  # fmt: skip


def response_headers(response: Response) -> tuple[tuple[str, str], ...]:
    return tuple(
        (key.decode("latin-1"), value.decode("latin-1")) for key, values in response.headers.items() for value in values
    )


def capture_page(
    response: TextResponse, out_dir: Path, files: TempFiles, scope: FetchScope | None = None
) -> PageCapture:
    """Save the page's bytes once (content-addressed, sealed: ``crawlers/temp_files.py``) under
    ``out_dir/pages`` and describe it.

    The page's URL is recorded without any ``user:password@`` it was crawled with (a watchlist secret)."""
    digest = hashlib.sha256(response.body).hexdigest()
    raw_path = out_dir / "pages" / f"{digest}.html"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    if not raw_path.exists():
        files.write(raw_path, response.body)
    warc_path = raw_path.with_suffix(".warc.gz")
    if not warc_path.exists():
        files.write(warc_path, warc_of(response))
    title = page_title(response.selector)
    url = without_credentials(response.url)
    return PageCapture(url, response.status, response_headers(response), raw_path, title, warc_path, scope)


# Scrapy hands over the body decoded; the stored headers must describe the bytes actually stored.
DECODED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def warc_of(response: Response) -> bytes:
    """The exchange as WARC/1.1 response and request records (ISO 28500), for archives and courts alike.

    The response body is the one the page's sightings were found in (decoded if the server compressed
    it), so its length and encoding headers are rewritten to match the stored bytes.
    """
    headers = [(k, v) for k, v in response_headers(response) if k.lower() not in DECODED_HEADERS]
    headers.append(("Content-Length", str(len(response.body))))
    request = response.request
    asked_headers = []
    if request is not None:
        asked_headers = [(k.decode("latin-1"), v[0].decode("latin-1")) for k, v in request.headers.items() if v]
    parts = urlsplit(response.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    url = without_credentials(response.url)
    stream = BytesIO()  # built in memory (the page is already): it holds the page, and is sealed as one file
    writer = WARCWriter(stream, gzip=True, warc_version="1.1")
    answer = StatusAndHeaders(f"{response.status} OK", headers, protocol="HTTP/1.1")
    payload = BytesIO(response.body)
    writer.write_record(writer.create_warc_record(url, "response", payload=payload, http_headers=answer))
    asked = StatusAndHeaders(f"GET {target} HTTP/1.1", asked_headers, is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", http_headers=asked))
    return stream.getvalue()


_DOWNLOAD_NUMBERS = itertools.count()


def save_media(response: Response, media_url: str, out_dir: Path, files: TempFiles) -> Media:
    """Write the downloaded bytes unchanged (sealed: ``crawlers/temp_files.py``) to a temporary file of this
    download's own, named by the URL's digest and a download number.

    Why one file per download, never one per URL? The same URL may be downloaded again (it appears in
    several posts) while the monitor is still hashing the first copy or has just removed it
    (``monitor/temp_media.py`` removes each file once its sightings are done): a file of its own is never
    replaced under a reader nor removed for another download's sake, and the digest the monitor keeps
    for a path is always that of the bytes it held. The sighting is yielded after the write, so nobody
    reads a half-written file.
    """
    digest = hashlib.sha256(media_url.encode()).hexdigest()
    path = out_dir / "media" / f"{digest}.{os.getpid()}.{next(_DOWNLOAD_NUMBERS)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write(path, response.body)
    mark_saved(response)  # counted on disk now, no longer as a download under way
    content_type = response.headers.get("Content-Type")
    mime = content_type.decode("latin-1").split(";")[0].strip() if content_type else None
    return Media(url=without_credentials(media_url), path=path, mime=mime, size=len(response.body))


def describe_failure(failure: Failure) -> str:
    """A one-line reason for a failed request (HTTP status, timeout, too large, refused)."""
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    name = type(value).__name__
    message = failure.getErrorMessage()
    if "Timeout" in name or "timed out" in message.lower():
        return f"timed out ({message})"
    if "maxsize" in message.lower() or "too big" in message.lower() or "Cancelled" in name:
        return f"too large or cancelled ({name}: {message})"
    return f"{name}: {message}"

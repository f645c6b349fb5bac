"""What the Scrapy spiders share: capturing a fetched page, saving downloaded media, describing failures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.html_media import page_title
from crawlers.sighting import Capture, Media, utc_now
from crawlers.version import CRAWLER_VERSION


@dataclass(frozen=True, slots=True)
class PageCapture:
    """A fetched page, shared by every sighting of media on it. ``raw_path`` holds its exact bytes."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    raw_path: Path
    title: str | None

    def capture_record(self, crawler: str) -> Capture:
        """The Capture of a sighting on this page, timed now (UTC)."""
        return Capture(
            captured_at=utc_now(), crawler=crawler, crawler_version=CRAWLER_VERSION, http_status=self.status,
            http_headers=self.headers, final_url=self.url, raw_path=self.raw_path, raw_mime="text/html",
        )  # fmt: skip


def response_headers(response: Response) -> tuple[tuple[str, str], ...]:
    return tuple(
        (key.decode("latin-1"), value.decode("latin-1")) for key, values in response.headers.items() for value in values
    )


def capture_page(response: TextResponse, out_dir: Path) -> PageCapture:
    """Save the page's bytes once (content-addressed) under ``out_dir/pages`` and describe it."""
    digest = hashlib.sha256(response.body).hexdigest()
    raw_path = out_dir / "pages" / f"{digest}.html"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    if not raw_path.exists():
        raw_path.write_bytes(response.body)
    return PageCapture(
        response.url, response.status, response_headers(response), raw_path, page_title(response.selector)
    )


def save_media(response: Response, media_url: str, out_dir: Path) -> Media:
    """Write the downloaded bytes unchanged to a temporary file named by the URL's digest."""
    path = out_dir / "media" / hashlib.sha256(media_url.encode()).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.body)
    content_type = response.headers.get("Content-Type")
    mime = content_type.decode("latin-1").split(";")[0].strip() if content_type else None
    return Media(url=media_url, path=path, mime=mime, size=len(response.body))


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

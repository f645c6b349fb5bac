"""Shared fixtures. Everything is generated: pictures from seeds, sites on 127.0.0.1, no network."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from crawlers.sighting import Capture, Distributor, Media, Sighting
from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import RunningSite
from monitor.fingerprint.pool import HashPool
from tests.doubles.hostile_site import hostile_app

# Settings must come from the tests, never from a developer's .env or environment.
for _name in list(os.environ):
    if _name.startswith(("JIKIMI_", "TELEGRAM_")) or _name in ("MONGODB_URL", "TSA_URL"):
        del os.environ[_name]


@pytest.fixture
def make_image(tmp_path: Path) -> Callable[..., Path]:
    """``make_image(seed, name=..., fmt=..., quality=...)`` writes a generated picture and returns its path."""

    def make(seed: int, name: str | None = None, fmt: str = "JPEG", quality: int = 90) -> Path:
        path = tmp_path / (name or f"picture-{seed}.{'jpg' if fmt == 'JPEG' else fmt.lower()}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode(make_picture(seed), fmt, quality))
        return path

    return make


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a private data directory, tuned for fast local crawls."""
    return Settings(
        data_dir=tmp_path / "data",
        crawl_autothrottle=False,
        crawl_retry_times=0,
        crawl_download_timeout=3.0,
        hash_workers=2,
        evidence_screenshots=False,  # Chromium is slow to start; tests/evidence/test_rendered_capture.py turns it on
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def make_sighting(tmp_path: Path) -> Callable[..., Sighting]:
    """``make_sighting(**overrides)``: a web sighting of a generated picture (seed 1 unless ``media`` given)."""

    def make(**overrides: Any) -> Sighting:
        media_path = tmp_path / "sighting-media.jpg"
        if not media_path.exists():
            media_path.write_bytes(encode(make_picture(1)))
        page = tmp_path / "page.html"
        page.write_text("<html><body><img src='/a.jpg'></body></html>")
        seen = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
        values: dict[str, Any] = {
            "source_id": "test-site",
            "source_kind": "web",
            "location": "http://127.0.0.1/thread/1",
            "seen_at": seen,
            "media": Media("http://127.0.0.1/a.jpg", media_path, "image/jpeg", media_path.stat().st_size),
            "distributor": Distributor(page_title="a thread"),
            "capture": Capture(seen, "web", "test", 200, (("Content-Type", "text/html"),), None, page, "text/html"),
        }
        values.update(overrides)
        return Sighting(**values)

    return make


@pytest.fixture(scope="session")
def hash_pool() -> Iterator[HashPool]:
    with HashPool(workers=2, max_pixels=89_478_485) as pool:
        yield pool


@pytest.fixture
async def test_site() -> AsyncIterator[str]:
    """The demo forum plus hostile content on 127.0.0.1; yields its base URL."""
    site = RunningSite(hostile_app())
    url = await site.start(0)
    yield url
    await site.stop()


def write_video(path: Path, seeds: list[int], seconds_each: float = 2.0, size: tuple[int, int] = (320, 240),
                codec: str = "mpeg4", fps: int = 10) -> Path:  # fmt: skip
    """A generated video: each seed's picture (drawn at 320×240, scaled to ``size``), slowly panning."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for seed in seeds:
            picture = np.asarray(make_picture(seed, (320, 240)).resize(size))
            for step in range(int(seconds_each * fps)):
                frame = av.VideoFrame.from_ndarray(np.roll(picture, step, axis=1), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path

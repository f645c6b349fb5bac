"""A review UI on a real store with real evidence packets, and clients that log in like a browser does."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from crawlers.sighting import BlocklistHit, Distributor, Sighting
from monitor.context import MonitorContext, open_context
from monitor.counters import RunCounters
from monitor.fingerprint.media import fingerprint_file
from monitor.fingerprint.pool import HashPool
from monitor.records import HitRecord, UserRecord
from monitor.review.app import build_app
from monitor.review.login_throttle import LoginThrottle
from monitor.review.passwords import hash_password
from tests.browser import chromium

PASSWORD = "correct horse battery staple"
ACCOUNTS = {"vera": "volunteer", "ian": "investigator", "ada": "admin"}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    context: MonitorContext
    settings: Settings
    hits: list[HitRecord]
    clock: FakeClock
    client_for: Callable[..., Any]
    base_url: str  # the server listens on 127.0.0.1 for real: browsers can use it


PICTURE_1 = (BlocklistHit("entry-1", "pdq", "case-7", "picture 1", 4, "00" * 32, "item-1", "01" * 32),)


async def add_hit_with_packet(
    context: MonitorContext, sighting: Sighting, matches: tuple[BlocklistHit, ...] = PICTURE_1
) -> list[HitRecord]:
    """Record ``sighting`` as the pipeline does, with ``matches`` (one PDQ signal of item-1 unless told)."""
    assert sighting.media.path is not None
    fingerprinted = dataclasses.replace(sighting, fingerprints=fingerprint_file(sighting.media.path), hits=matches)
    pipeline = await context.pipeline()
    await pipeline.record_hits(fingerprinted, RunCounters(), None)
    await context.store.put_sighting(fingerprinted)
    return [h for h in await context.store.hits() if h.sighting_id == fingerprinted.id]


def review_settings(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update={"review_idle_minutes": 30.0, **overrides})


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def world(
    hash_pool: HashPool, settings: Settings, settings_overrides: dict[str, Any], make_sighting: Callable[..., Sighting]
) -> AsyncIterator[World]:
    settings = review_settings(settings, **settings_overrides)
    clients: list[TestClient[Any, Any]] = []
    async with open_context(settings, hash_pool=hash_pool) as context:
        sighting = make_sighting(distributor=Distributor(page_title="thread", text="a synthetic post"))
        hits = await add_hit_with_packet(context, sighting)
        for name, role in ACCOUNTS.items():
            await context.store.put_user(UserRecord(name, role, hash_password(PASSWORD)))
        clock = FakeClock()
        throttle = LoginThrottle.from_settings(settings, clock, context.store)
        app = build_app(context, settings, throttle)
        server = TestServer(app)
        await server.start_server()

        async def client_for(name: str | None = None, password: str = PASSWORD) -> TestClient[Any, Any]:
            client: TestClient[Any, Any] = TestClient(server)
            await client.start_server()
            clients.append(client)
            if name is not None:
                response = await log_in(client, name, password)
                assert response.status == 200 and str(response.url).endswith("/hits"), await response.text()
            return client

        yield World(context, settings, hits, clock, client_for, str(server.make_url("")).rstrip("/"))
        for client in clients:
            await client.session.close()
        await server.close()


async def csrf_of(client: TestClient[Any, Any], path: str = "/login") -> str:
    page = await (await client.get(path)).text()
    found = _CSRF.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def log_in(client: TestClient[Any, Any], name: str, password: str) -> ClientResponse:
    token = await csrf_of(client)
    return await client.post("/login", data={"name": name, "password": password, "csrf": token})


async def post(
    client: TestClient[Any, Any], path: str, data: dict[str, Any] | None = None, **kw: Any
) -> ClientResponse:
    """A POST with the session's CSRF token, as the page's form sends it; redirects not followed."""
    token = await csrf_of(client, "/hits") if "/login" not in path else await csrf_of(client)
    return await client.post(path, data={"csrf": token, **(data or {})}, allow_redirects=False, **kw)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Debian chromium driven by Playwright (tests using it are marked ``needs_chromium``)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium()), args=["--no-sandbox", "--disable-background-networking", "--no-first-run"]
        )
        yield launched
        await launched.close()

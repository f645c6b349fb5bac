"""The rendering browser's proxy, driven by aiohttp as a client (the browser end is tests/redteam)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from crawlers.fetch_scope import FetchScope
from evidence.render_proxy import BLOCKED_HEADER, UNREACHABLE_HEADER, RenderProxy
from monitor.demo.site import RunningSite


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=f"page {request.path} via {request.headers.get('Connection')}")

    app = web.Application()
    app.router.add_get("/{name}", page)
    running = RunningSite(app)
    yield await running.start(0)
    await running.stop()


async def fetch(proxy_url: str, url: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.get(url, proxy=proxy_url) as response:
        return response.status, await response.text(), dict(response.headers)


async def test_a_request_in_scope_is_forwarded_one_per_connection(site: str) -> None:
    proxy = RenderProxy(FetchScope.of([site], allow_private=True))
    status, body, headers = await fetch(await proxy.start(), site + "/a")
    await proxy.close()
    assert (status, body) == (200, "page /a via close") and headers["Connection"] == "close"
    assert proxy.blocked == []


async def test_requests_outside_the_scope_or_to_private_addresses_are_answered_403_with_the_reason(site: str) -> None:
    proxy = RenderProxy(FetchScope.of([site]))  # in scope, but on a loopback address the source did not allow
    proxy_url = await proxy.start()
    status, body, headers = await fetch(proxy_url, site + "/a")
    other = await fetch(proxy_url, "http://127.0.0.2:9/b")
    await proxy.close()
    assert status == 403 and "loopback address" in headers[BLOCKED_HEADER] and "jikimi blocked" in body
    assert other[0] == 403 and other[2][BLOCKED_HEADER] == "outside the source's scope"
    assert [b.url for b in proxy.blocked] == [site + "/a", "http://127.0.0.2:9/b"] and proxy.blocked_count == 2


async def test_an_unreachable_origin_is_a_502_that_says_so() -> None:
    proxy = RenderProxy(FetchScope.of(["http://127.0.0.1:9/"], allow_private=True), timeout=3)
    status, _, headers = await fetch(await proxy.start(), "http://127.0.0.1:9/x")
    await proxy.close()
    assert status == 502 and "127.0.0.1:9 unreachable" in headers[UNREACHABLE_HEADER]

from __future__ import annotations

from types import SimpleNamespace

import pytest
import scrapy

from crawlers.fetch_scope import FetchScope
from crawlers.scrapy_guard import RefusedRequest, ScopeGuardMiddleware, take_credentials

PUBLIC_FORUM = FetchScope.of(["https://forum.example/"], ["forum.example"])


def guard(scope: FetchScope) -> ScopeGuardMiddleware:
    return ScopeGuardMiddleware(SimpleNamespace(spider=SimpleNamespace(fetch_scope=scope)))


@pytest.mark.parametrize(
    ("url", "meta", "refused"),
    [
        ("https://forum.example/board", {}, None),
        ("https://forum.example:8443/board", {}, "outside the source's scope"),
        ("https://other.example/board", {}, "outside the source's scope"),
        ("http://127.0.0.1/a.jpg", {"allow_offsite": True}, "loopback address"),
        ("http://169.254.169.254/latest/meta-data", {"allow_offsite": True}, "link-local address"),
        ("http://localhost:8080/a.jpg", {"allow_offsite": True}, "names this machine"),
        ("https://other.example/robots.txt", {}, "outside the source's scope"),  # a page, though named robots.txt
    ],
)
async def test_each_request_is_held_to_the_scope_before_it_is_sent(
    url: str, meta: dict[str, bool], refused: str | None
) -> None:
    request = scrapy.Request(url, meta=meta)
    if refused is None:
        assert await guard(PUBLIC_FORUM).process_request(request) is None
    else:
        with pytest.raises(RefusedRequest, match=refused):
            await guard(PUBLIC_FORUM).process_request(request)


async def test_a_local_source_reaches_private_addresses_but_still_only_its_own_pages() -> None:
    local = FetchScope.of(["http://127.0.0.1:8765/"], allow_private=True)
    assert (
        await guard(local).process_request(scrapy.Request("http://127.0.0.2/a.jpg", meta={"allow_offsite": True}))
        is None
    )
    with pytest.raises(RefusedRequest, match="outside the source's scope"):
        await guard(local).process_request(scrapy.Request("http://127.0.0.1:8766/"))


def test_credentials_in_a_start_url_become_basic_auth_for_its_host_only() -> None:
    spider = SimpleNamespace()
    assert take_credentials(spider, ["https://me:p%40ss@forum.example/board"]) == ["https://forum.example/board"]
    assert (spider.http_user, spider.http_pass, spider.http_auth_domain) == ("me", "p@ss", "forum.example")

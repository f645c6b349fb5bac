"""Hold a Scrapy crawl to its source's ``FetchScope``: pages in scope, no request to a private address.

Two parts, because a check in one place alone can be walked around:

- ``ScopeGuardMiddleware`` (a downloader middleware) sees every request before it is sent, redirects
  included (Scrapy's redirect middleware schedules each hop as a new request): a page outside the scope,
  or any request to a private IP literal, ``localhost``, or a name that resolves to a private address,
  is refused with ``IgnoreRequest`` and the reason, which the spider's errback records as a problem.
- ``PublicAddressResolver`` (``TWISTED_DNS_RESOLVER``) is the name resolution Twisted connects with: a
  name that resolves to a private address fails to resolve. The connection is made to the address this
  resolver returned, so a name cannot pass the middleware's check and then resolve elsewhere (DNS
  rebinding), and no request path escapes it. (Twisted reports its refusal only as "no results", which
  is why the middleware checks first, with a reason a person can act on.)

The worker is one process per crawl of one source, so the resolver's one switch
(``JIKIMI_ALLOW_PRIVATE_ADDRESSES``) is that source's ``allow_private_addresses``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawlers.fetch_scope import (
    DEFAULT_PORTS,
    PRIVATE_HINT,
    FetchScope,
    RefusedAddress,
    UnresolvableHost,
    address_refusal,
    resolve_allowed,
    without_credentials,
)

ALLOW_PRIVATE_SETTING = "JIKIMI_ALLOW_PRIVATE_ADDRESSES"


def take_credentials(spider: Any, urls: list[str]) -> list[str]:
    """``urls`` without their ``user:password@``, which becomes the spider's HTTP basic auth for that host.

    Scrapy's ``HttpAuthMiddleware`` sends it to that host only; nothing recorded (locations, WARCs, error
    messages) ever carries it, and Twisted, which cannot connect to such a URL, never sees one.
    """
    for url in urls:
        parts = urlsplit(url)
        if parts.username is not None:
            spider.http_user, spider.http_pass = unquote(parts.username), unquote(parts.password or "")
            spider.http_auth_domain = parts.hostname
    return [without_credentials(url) for url in urls]


class RefusedRequest(IgnoreRequest):
    """A request the source's scope does not allow; the message says why."""


class ScopeGuardMiddleware:
    """Refuse requests outside ``spider.fetch_scope`` (pages) or to private literals (everything)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self._names: dict[str, str | None] = {}  # host → why it is refused (None: public), once per crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScopeGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Any) -> None:
        scope: FetchScope | None = getattr(self.crawler.spider, "fetch_scope", None)
        if scope is None:
            return
        robots = request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt"
        is_page = not request.meta.get("allow_offsite") and not robots  # robots.txt of a media host is no page
        reason = scope.refusal(request.url, page=is_page)
        if reason is not None:
            raise RefusedRequest(f"refused {without_credentials(request.url)}: {reason}")
        parts = urlsplit(request.url)
        if scope.allow_private_addresses or not parts.hostname or address_refusal(parts.hostname) is not None:
            return
        if parts.hostname not in self._names:
            self._names[parts.hostname] = await _name_refusal(
                parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme)
            )
        refused = self._names[parts.hostname]
        if refused is not None:
            raise RefusedRequest(f"refused {without_credentials(request.url)}: {refused}")


async def _name_refusal(host: str, port: int | None) -> str | None:
    """Why ``host`` may not be fetched (it resolves only to private addresses), or ``None``."""
    try:
        await resolve_allowed(host, port or 80, allow_private=False)
    except UnresolvableHost:
        return None  # Scrapy's own lookup fails it in the usual way
    except RefusedAddress as exc:
        return str(exc)
    return None


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that fails names resolving to private addresses (unless the source allows)."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicAddressResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool(ALLOW_PRIVATE_SETTING)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's name
        def check(address: str) -> str:
            reason = address_refusal(address)
            if reason is not None and not self.allow_private:
                raise DNSLookupError(f"{name} resolves to a non-public address: {reason}; {PRIVATE_HINT}")
            return address

        return super().getHostByName(name, timeout).addCallback(check)

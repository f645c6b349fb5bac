"""The review queue: hits newest first, filtered and paged by the store; no pictures in lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from monitor.records import HitStatus
from monitor.review.pages import render_page, review_app
from monitor.review.permissions import requires
from monitor.store.queries import HitPage, HitQuery

routes = web.RouteTableDef()
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The queue's filters as the page's query string carries them (empty: any)."""

    status: str = ""
    source: str = ""
    case: str = ""
    platform: str = ""
    since: str = ""

    @classmethod
    def from_query(cls, query: Any) -> QueueFilter:
        return cls(*(str(query.get(name, "")).strip() for name in ("status", "source", "case", "platform", "since")))

    def hit_query(self, page: int) -> HitQuery | None:
        """The store query of this filter's ``page``; ``None`` for a status no hit can have."""
        if self.status and self.status not in tuple(HitStatus):
            return None
        return HitQuery(
            statuses=(HitStatus(self.status),) if self.status else (), source_id=self.source or None,
            case=self.case or None, platform=self.platform or None, since=_date(self.since),
            offset=page * PAGE_SIZE, limit=PAGE_SIZE,
        )  # fmt: skip

    def query(self, page: int) -> str:
        values = {k: v for k, v in asdict(self).items() if v} | ({"page": str(page)} if page else {})
        return urlencode(values)


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None
    except ValueError:
        return None


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/hits")


@routes.get("/hits")
@requires("review")
async def queue(request: web.Request) -> web.Response:
    """One page of the filtered queue, and the filters' choices: two store queries."""
    store = review_app(request).context.store
    wanted = QueueFilter.from_query(request.query)
    page = int(request.query["page"]) if request.query.get("page", "").isdigit() else 0
    query = wanted.hit_query(page)
    found = await store.find_hits(query) if query is not None else HitPage([], 0)
    facets = await store.hit_facets()
    choices = {"status": tuple(HitStatus), "source": facets.sources, "case": facets.cases, "platform": facets.platforms}
    return await render_page(request, "queue.html.j2", {
        "hits": found.hits, "total": found.total, "filter": wanted, "choices": choices,
        "older": wanted.query(page + 1) if (page + 1) * PAGE_SIZE < found.total else None,
        "newer": wanted.query(page - 1) if page else None,
    })  # fmt: skip

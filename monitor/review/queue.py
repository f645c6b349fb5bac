"""The review queue: cards (one media × one victim picture), filtered, counted and paged by the store.

A reviewer decides about a picture, not about a hash or a place, so the queue lists cards
(``monitor/cards.py``), not hits: the SHA-256, PDQ and crop-variant matches of one victim picture against one
file, at every place the file was seen, are one row. A card a reviewer flagged "suspected minor" comes
before every other, in every order and every status tab (issue 14: "first in every queue"; its row says so);
then escalated cards, then pending ones, each newest first (``order=newest`` lists newest first whatever the
status, flagged cards still first). Nothing here loads more than a page: the store filters, sorts, counts per
status and pages, on its card summary; the flags are read for the page's cards only. No pictures in lists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from monitor.cards import STATUS_ORDER
from monitor.records import HitStatus
from monitor.review.pages import render_page, review_app
from monitor.review.permissions import requires
from monitor.store.queries import CardPage, CardQuery

routes = web.RouteTableDef()
PAGE_SIZE = 50
FILTERS = ("status", "case", "source", "platform", "channel", "since", "order")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The queue's filters as the page's query string carries them (empty: any)."""

    status: str = ""
    source: str = ""
    case: str = ""
    platform: str = ""
    channel: str = ""
    since: str = ""
    order: str = ""  # empty: by priority; "newest": newest first whatever the status (a suspected minor first: both)

    @classmethod
    def from_query(cls, query: Any) -> QueueFilter:
        return cls(**{name: str(query.get(name, "")).strip() for name in FILTERS})

    def card_query(self, page: int, size: int = PAGE_SIZE) -> CardQuery | None:
        """The store query of this filter's ``page``; ``None`` for a status no card can have."""
        if self.status and self.status not in tuple(HitStatus):
            return None
        return CardQuery(
            statuses=(HitStatus(self.status),) if self.status else (), source_id=self.source or None,
            case=self.case or None, platform=self.platform or None, channel=self.channel or None,
            since=_date(self.since), order="newest" if self.order == "newest" else "priority",
            offset=page * size, limit=size,
        )  # fmt: skip

    def query(self, page: int = 0, **changed: str) -> str:
        """This filter's query string, with ``changed`` filters (a status tab) and a page."""
        values = {k: v for k, v in (asdict(self) | changed).items() if v} | ({"page": str(page)} if page else {})
        return urlencode(values)


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None
    except ValueError:
        return None


def page_number(query: Any) -> int:
    text = str(query.get("page", ""))
    return int(text) if text.isdigit() and len(text) < 7 else 0


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/hits")


@routes.get("/hits")
@requires("review")
async def queue(request: web.Request) -> web.Response:
    """One page of the filtered cards, the count per status, and the filters' choices."""
    store = review_app(request).context.store
    wanted = QueueFilter.from_query(request.query)
    page = page_number(request.query)
    query = wanted.card_query(page)
    found = await store.find_cards(query) if query is not None else CardPage([], 0)
    flags = await store.card_flags([card.id for card in found.cards]) if found.cards else {}
    counts = await store.card_counts(query) if query is not None else {}
    facets = await store.hit_facets()
    choices = {"status": STATUS_ORDER, "source": facets.sources, "case": facets.cases, "platform": facets.platforms,
               "channel": facets.channels, "order": ("newest",)}  # fmt: skip
    return await render_page(request, "queue.html.j2", {
        "cards": found.cards, "total": found.total, "filter": wanted, "choices": choices, "counts": counts,
        "minor": {card_id for card_id, card_flags in flags.items() if card_flags.suspected_minor},
        "tabs": [("", sum(counts.values()), wanted.query(status=""))]
        + [(str(status), counts.get(status, 0), wanted.query(status=str(status))) for status in STATUS_ORDER],
        "older": wanted.query(page + 1) if (page + 1) * PAGE_SIZE < found.total else None,
        "newer": wanted.query(page - 1) if page else None, "here": wanted.query(page),
    })  # fmt: skip

"""The spread pages: where one victim picture was seen (``/items/{id}``) and what one source posted
(``/sources/{id}/spread``), with their CSV and JSON downloads (``…/spread.csv``, ``…/spread.json``).

No picture is shown on them, not even blurred: a spread page lists addresses, channels, posters, times and
hashes, so opening one is not a view of the material and writes no custody event. Reviewers (``review``)
see the pages. The downloads take the list of every address off the server, so they are an investigator's,
like an export (``export``); unlike an export they carry no evidence and so no ``exported`` event — a
bundle (``jikimi export``) carries the same files signed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from monitor.review.downloads import download_headers
from monitor.review.pages import not_found, render_page, review_app
from monitor.review.permissions import requires
from monitor.spread import DistributorSpread, ItemSpread, Online, SpreadPlace, item_spread, source_spread
from monitor.spread_rendering import item_json, json_bytes, places_csv, source_json

routes = web.RouteTableDef()

ITEM = r"/items/{item_id:[0-9A-Za-z_-]{1,100}}"
SOURCE = r"/sources/{source_id:[^/]{1,200}}"


async def _item(request: web.Request) -> ItemSpread:
    found = await item_spread(review_app(request).context.store, request.match_info["item_id"])
    if found is None:
        raise await not_found(request)
    return found


async def _source(request: web.Request) -> DistributorSpread:
    found = await source_spread(review_app(request).context.store, request.match_info["source_id"])
    if found is None:
        raise await not_found(request)
    return found


@routes.get(ITEM)
@requires("review")
async def item_page(request: web.Request) -> web.Response:
    return await render_page(request, "spread_item.html.j2", {"spread": await _item(request), "online": Online})


@routes.get(SOURCE + "/spread")
@requires("review")
async def source_page(request: web.Request) -> web.Response:
    return await render_page(request, "spread_source.html.j2", {"spread": await _source(request), "online": Online})


@routes.get(ITEM + r"/spread.{format:csv|json}")
@requires("export")
async def item_download(request: web.Request) -> web.Response:
    spread = await _item(request)
    return _download(request, f"spread-item-{spread.item.id}", spread.places, lambda: item_json(spread))


@routes.get(SOURCE + r"/spread.{format:csv|json}")
@requires("export")
async def source_download(request: web.Request) -> web.Response:
    spread = await _source(request)
    return _download(request, f"spread-source-{spread.source_id}", spread.places, lambda: source_json(spread))


def _download(
    request: web.Request, name: str, places: Sequence[SpreadPlace], document: Callable[[], dict[str, Any]]
) -> web.Response:
    """The view as a file to save, never to render: a CSV or JSON of untrusted names must not open as a page."""
    if request.match_info["format"] == "csv":
        return web.Response(body=places_csv(places), headers=download_headers(f"{name}.csv", "text/csv; charset=utf-8"))
    return web.Response(body=json_bytes(document()), headers=download_headers(f"{name}.json", "application/json"))

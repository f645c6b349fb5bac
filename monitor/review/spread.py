"""The spread pages: where one victim picture was seen (``/items/{id}``) and what one source posted
(``/sources/{id}/spread``), with their CSV and JSON downloads (``…/spread.csv``, ``…/spread.json``).

No picture is shown on them, not even blurred: a spread page lists addresses, channels, posters, times and
hashes, so opening one is not a view of the material and writes no custody event. Reviewers (``review``)
see the pages. The downloads take the list of every address off the server, so they are an investigator's,
like an export (``export``); unlike an export they carry no evidence and so no ``exported`` event — a
bundle (``jikimi export``) carries the same files signed.
"""

from __future__ import annotations

from aiohttp import web

from monitor.review.downloads import download_headers
from monitor.review.pages import not_found, render_page, review_app
from monitor.review.permissions import requires
from monitor.spread import DistributorSpread, ItemSpread, Online, item_spread, source_spread
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


@routes.get(ITEM + "/spread.csv")
@requires("export")
async def item_csv(request: web.Request) -> web.Response:
    spread = await _item(request)
    return _download(f"spread-item-{spread.item.id}.csv", "text/csv; charset=utf-8", places_csv(spread.places))


@routes.get(ITEM + "/spread.json")
@requires("export")
async def item_document(request: web.Request) -> web.Response:
    spread = await _item(request)
    return _download(f"spread-item-{spread.item.id}.json", "application/json", json_bytes(item_json(spread)))


@routes.get(SOURCE + "/spread.csv")
@requires("export")
async def source_csv(request: web.Request) -> web.Response:
    spread = await _source(request)
    return _download(f"spread-source-{spread.source_id}.csv", "text/csv; charset=utf-8", places_csv(spread.places))


@routes.get(SOURCE + "/spread.json")
@requires("export")
async def source_document(request: web.Request) -> web.Response:
    spread = await _source(request)
    return _download(f"spread-source-{spread.source_id}.json", "application/json", json_bytes(source_json(spread)))


def _download(filename: str, content_type: str, body: bytes) -> web.Response:
    """A file to save, never to render: a CSV or JSON of untrusted names must not open as a page."""
    headers = download_headers(filename, content_type)
    return web.Response(body=body, headers=headers)

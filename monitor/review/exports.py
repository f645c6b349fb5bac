"""The investigators' export page: the confirmed pictures (cards) of a case, or chosen ones, into a verifiable
bundle. A card brings every confirmed place of its picture, each with its own packet."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from config.errors import JikimiError
from crawlers.workdirs import locked_workdir
from monitor.cards import Card, card_keys
from monitor.decisions import EXPORTABLE
from monitor.errors import BadCaseCode
from monitor.packets.case_codes import bundle_path, checked_case_code
from monitor.packets.exporting import export_packets
from monitor.records import HitRecord
from monitor.review.downloads import download_headers
from monitor.review.pages import render_page, review_app
from monitor.review.permissions import requires
from monitor.review.security import current_reviewer
from monitor.store.base import HitStore
from monitor.store.queries import CardQuery, HitQuery

routes = web.RouteTableDef()


EXPORTABLE_SHOWN = 500  # confirmed cards listed to pick from (newest first); a whole case is exported by its name


async def _exportable(store: HitStore) -> tuple[list[Card], list[str]]:
    """The newest confirmed cards, and the cases that have confirmed hits with a packet (for the form)."""
    exportable = HitQuery(statuses=(EXPORTABLE,), with_packet=True, limit=1)
    cards = await store.find_cards(CardQuery(statuses=(EXPORTABLE,), limit=EXPORTABLE_SHOWN))
    return cards.cards, (await store.hit_facets(exportable)).cases


@routes.get("/export")
@requires("export")
async def export_form(request: web.Request) -> web.Response:
    confirmed, cases = await _exportable(review_app(request).context.store)
    return await render_page(request, "export.html.j2", {"confirmed": confirmed, "cases": cases, "error": None})


def _confirmed(**wanted: Any) -> HitQuery:
    """Every confirmed hit with a packet that also has ``wanted``."""
    return HitQuery(statuses=(EXPORTABLE,), with_packet=True, limit=None, **wanted)


async def _selected(store: HitStore, case: str, uids: tuple[str, ...], cards: tuple[str, ...] = ()) -> list[HitRecord]:
    """The confirmed hits with a packet of ``case``, of the chosen cards and of the chosen hits (by uid: links
    made before cards); only confirmed ones are exported."""
    queries = [_confirmed(case=case)] if case else []
    queries += [_confirmed(uids=uids)] if uids else []
    queries += [_confirmed(media_sha256=keys[0], item_id=keys[1]) for keys in filter(None, map(card_keys, cards))]
    found: dict[str, HitRecord] = {}
    for query in queries:
        found |= {hit.id: hit for hit in (await store.find_hits(query)).hits}
    return list(found.values())


async def _refused(request: web.Request, why: dict[str, str]) -> web.Response:
    """The form again (400), its ``error`` saying why the export did not happen."""
    confirmed, cases = await _exportable(review_app(request).context.store)
    return await render_page(request, "export.html.j2", {"confirmed": confirmed, "cases": cases} | why, status=400)


@routes.post("/export")
@requires("export")
async def export(request: web.Request) -> web.StreamResponse:
    """Export confirmed hits only; the bundle is streamed back and not kept on the server."""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    form = await request.post()
    recipient, reason = str(form.get("recipient", "")).strip(), str(form.get("reason", "")).strip()
    case = str(form.get("case", "")).strip()
    try:
        case = checked_case_code(case) if case else ""
    except BadCaseCode:
        return await _refused(request, {"error": "bad_case_code"})
    chosen = tuple(sorted({str(value) for value in form.getall("hit", [])}))
    cards = tuple(sorted({str(value) for value in form.getall("card", [])}))[:EXPORTABLE_SHOWN]
    selected = await _selected(app.context.store, case, chosen, cards)
    if not recipient or not reason or not selected:
        return await _refused(request, {"error": "nothing_to_export" if not selected else "bad_request"})
    # A locked work folder: removed when the download ends, and at once by the next start after a kill.
    with locked_workdir(app.context.workdir, f"export-{uuid.uuid4().hex}") as folder:
        out = bundle_path(folder, case or None)
        try:
            summary = await export_packets(
                app.context, out, hash_only=form.get("hash_only") == "on", recipient=recipient, reason=reason,
                actor=reviewer.name, hit_ids=[h.id for h in selected],
            )  # fmt: skip
        except JikimiError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        response = web.StreamResponse(headers=download_headers(out.name, "application/zip"))
        await response.prepare(request)
        with summary.path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                await response.write(chunk)
        await response.write_eof()
        return response

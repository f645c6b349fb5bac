"""The investigators' export page: confirmed hits of a case (or chosen hits) into a verifiable bundle."""

from __future__ import annotations

import tempfile
from pathlib import Path

from aiohttp import web

from config.errors import JikimiError
from monitor.packets.exporting import export_packets
from monitor.review.decisions import EXPORTABLE
from monitor.review.pages import render_page, review_app
from monitor.review.permissions import requires
from monitor.review.security import current_reviewer

routes = web.RouteTableDef()


@routes.get("/export")
@requires("export")
async def export_form(request: web.Request) -> web.Response:
    confirmed = [h for h in await review_app(request).context.store.hits() if h.status == EXPORTABLE and h.packet_id]
    cases = sorted({h.case for h in confirmed})
    return await render_page(request, "export.html.j2", {"confirmed": confirmed, "cases": cases, "error": None})


@routes.post("/export")
@requires("export")
async def export(request: web.Request) -> web.StreamResponse:
    """Export confirmed hits only; the bundle is streamed back and not kept on the server."""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    form = await request.post()
    recipient, reason = str(form.get("recipient", "")).strip(), str(form.get("reason", "")).strip()
    case = str(form.get("case", "")).strip()
    chosen = {str(value) for value in form.getall("hit", [])}
    confirmed = [h for h in await app.context.store.hits() if h.status == EXPORTABLE and h.packet_id]
    selected = [h for h in confirmed if (case and h.case == case) or h.uid in chosen]
    if not recipient or not reason or not selected:
        cases = sorted({h.case for h in confirmed})
        error = "nothing_to_export" if not selected else "bad_request"
        return await render_page(
            request, "export.html.j2", {"confirmed": confirmed, "cases": cases, "error": error}, status=400
        )
    with tempfile.TemporaryDirectory(dir=app.context.workdir if app.context.workdir.exists() else None) as folder:
        out = Path(folder) / f"jikimi-{case or 'hits'}-bundle.zip"
        try:
            summary = await export_packets(
                app.context, out, hash_only=form.get("hash_only") == "on", recipient=recipient, reason=reason,
                actor=reviewer.name, hit_ids=[h.id for h in selected],
            )  # fmt: skip
        except JikimiError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        response = web.StreamResponse(headers={
            "Content-Type": "application/zip", "Content-Disposition": f'attachment; filename="{out.name}"',
        })  # fmt: skip
        await response.prepare(request)
        with summary.path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                await response.write(chunk)
        await response.write_eof()
        return response

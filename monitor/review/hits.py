"""The hit page, decisions, and the hit's pictures (blurred, or revealed for a while).

Every view of a hit page, every reveal and every decision is a custody event on the hit's packet chain
(``viewed``, ``revealed``, ``decided``), shown on the page as its history.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from evidence.custody import CustodyKind
from monitor.cards import card_id, card_keys
from monitor.decisions import confirms_already, decide_hit
from monitor.packets.custody_log import append_event
from monitor.records import HitRecord, HitStatus, Verdict
from monitor.review.hit_details import hit_details, stored_packet
from monitor.review.media import NoPicture, blurred_preview, revealed_picture
from monitor.review.pages import ReviewApp, flash, not_found, render_message, render_page, review_app
from monitor.review.permissions import requires
from monitor.review.security import Reviewer, current_reviewer
from monitor.store.queries import HitQuery

routes = web.RouteTableDef()
UID = "[0-9a-f-]{32,36}"  # a hit's random id, as every hit route and the decision form's ``next`` accept it
HIT_UID = re.compile(UID)


async def _hit_or_404(request: web.Request) -> HitRecord:
    hit = await review_app(request).context.store.get_hit(request.match_info["uid"])
    if hit is None:
        raise await not_found(request)
    return hit


async def _on_hit(request: web.Request) -> tuple[ReviewApp, Reviewer, HitRecord]:
    """What a hit route works with: the app, the reviewer (``requires`` made sure there is one), the hit."""
    reviewer = current_reviewer(request)
    assert reviewer is not None
    return review_app(request), reviewer, await _hit_or_404(request)


async def _record(app: ReviewApp, hit: HitRecord, kind: CustodyKind, actor: str, details: dict[str, Any]) -> None:
    details = {"hit_id": hit.id} | details
    await append_event(app.context.store, hit.custody_chain, kind, actor, details, signer=app.context.signer)


@routes.get(rf"/hits/{{uid:{UID}}}")
@requires("review")
async def hit_page(request: web.Request) -> web.Response:
    app, reviewer, hit = await _on_hit(request)
    await _record(app, hit, CustodyKind.VIEWED, reviewer.name, {})
    details = await hit_details(app.context, hit)
    revealed_until = await reveal_expiry(request, hit)
    pending = await app.context.store.find_hits(HitQuery(statuses=(HitStatus.PENDING,), limit=2))
    siblings = [h for h in pending.hits if h.uid != hit.uid]
    return await render_page(request, "hit.html.j2", {
        "d": details, "hit": hit, "revealed_until": revealed_until,
        "reveal_seconds": app.settings.review_reveal_seconds,
        "next_uid": siblings[0].uid if siblings else None, "platform": hit.platform,
        "may_reveal": reviewer.may("reveal"), "verdicts": tuple(Verdict),
        "metadata_rows": _metadata_rows(details.packet.metadata if details.packet else {}),
        "card_link": f"/cards/{card_id(hit.media_sha256, hit.item_id)}" if hit.item_id else None,
    })  # fmt: skip


def _metadata_rows(metadata: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten packet metadata into (field, value) rows for a table."""
    rows: list[tuple[str, str]] = []
    for key, value in metadata.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _metadata_rows(value, name + ".")
        elif value not in (None, "", [], {}):
            rows.append((name, value if isinstance(value, str) else str(value)))
    return rows


@routes.post(rf"/hits/{{uid:{UID}}}/decision")
@requires("review")
async def decide(request: web.Request) -> web.Response:
    app, reviewer, hit = await _on_hit(request)
    form = await request.post()
    verdict, comment = str(form.get("verdict", "")), str(form.get("comment", "")).strip()[:2000]
    if verdict not in tuple(Verdict):
        raise web.HTTPBadRequest(text=f"verdict must be one of {', '.join(Verdict)}")
    context = app.context
    if verdict == Verdict.CONFIRM and confirms_already(await context.store.decisions(hit.id), reviewer.name):
        await flash(request, "confirmed_already")  # refused, not ignored: the reviewer must know it did not count
        raise web.HTTPSeeOther(f"/hits/{hit.uid}")
    await decide_hit(
        context.store, context.signer, hit, reviewer.name, Verdict(verdict), comment, app.settings.review_confirmations
    )
    session = await get_session(request)
    session["reviews"] = int(session.get("reviews", 0)) + 1
    await flash(request, "decision_saved")
    following = str(form.get("next", ""))
    following = following if HIT_UID.fullmatch(following) else ""
    raise web.HTTPSeeOther(f"/hits/{following}" if following and following != hit.uid else f"/hits/{hit.uid}")


@routes.post(rf"/hits/{{uid:{UID}}}/reveal")
@requires("reveal")
async def reveal(request: web.Request) -> web.Response:
    """Grant a time-limited look at the original, within the reviewer's daily limit; recorded."""
    app, reviewer, hit = await _on_hit(request)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    limit = app.settings.review_daily_reveals
    if await app.context.store.count_custody(reviewer.name, CustodyKind.REVEALED, today) >= limit:
        return await render_page(request, "message.html.j2", {"message_key": "reveal_limit", "limit": limit}, 429)
    seconds = app.settings.review_reveal_seconds
    await _record(app, hit, CustodyKind.REVEALED, reviewer.name, {"seconds": seconds})
    session = await get_session(request)
    grants = {k: v for k, v in dict(session.get("reveals", {})).items() if float(v) > time.time()}
    session["reveals"] = grants | {hit.uid: time.time() + seconds}
    back = str((await request.post()).get("back", ""))
    from_card = back.startswith("/cards/") and card_keys(back.removeprefix("/cards/")) is not None
    raise web.HTTPSeeOther(back if from_card else f"/hits/{hit.uid}")


async def reveal_expiry(request: web.Request, hit: HitRecord) -> datetime | None:
    reviewer = current_reviewer(request)
    if reviewer is None or not reviewer.may("reveal"):
        return None
    until = dict((await get_session(request)).get("reveals", {})).get(hit.uid)
    if until is None or float(until) <= time.time():
        return None
    return datetime.fromtimestamp(float(until), UTC)


async def _media_bytes(app: ReviewApp, hit: HitRecord) -> tuple[bytes, str]:
    if hit.packet_id is None:
        raise NoPicture("no evidence packet")
    try:  # only the metadata and the media: the hit page verified the packet already
        return await asyncio.to_thread(stored_packet(app.context, hit.packet_id).media)
    except (OSError, ValueError) as exc:
        raise NoPicture(f"packet unreadable ({type(exc).__name__})") from None


async def _picture(request: web.Request, revealed: bool) -> web.Response:
    """The blurred preview or, within a reveal grant, the original; each one served is a ``viewed`` event
    naming which (``media``), so the custody log shows every time a picture reached a screen."""
    app, reviewer, hit = await _on_hit(request)
    until = await reveal_expiry(request, hit) if revealed else None
    if revealed and until is None:
        return await render_message(request, "forbidden", status=403)
    try:
        data, mime = await _media_bytes(app, hit)
        make = revealed_picture if revealed else blurred_preview
        jpeg = await asyncio.to_thread(make, data, mime, app.context.workdir / "review")
    except (NoPicture, KeyError) as exc:
        raise web.HTTPNotFound(text=f"no picture: {exc}") from None
    shown = {"media": "original", "grant_until": until.isoformat()} if until else {"media": "preview"}
    await _record(app, hit, CustodyKind.VIEWED, reviewer.name, shown)
    return web.Response(body=jpeg, content_type="image/jpeg")


@routes.get(rf"/hits/{{uid:{UID}}}/preview.jpg")
@requires("review")
async def preview(request: web.Request) -> web.Response:
    return await _picture(request, revealed=False)


@routes.get(rf"/hits/{{uid:{UID}}}/original.jpg")
@requires("reveal")
async def original(request: web.Request) -> web.Response:
    return await _picture(request, revealed=True)

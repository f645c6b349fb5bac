"""The card page and card decisions: one decision per picture, for every place it was seen.

A card (``monitor/cards.py``) is one media file × one victim picture. Its page shows the picture once (blurred;
revealed within the reveal rules), every signal that matched, every place the file was seen with its own
packet, and one decision form. A decision goes through ``monitor/decisions.decide_card``, as ``jikimi hits
decide`` does: the same four-eyes rule, a ``decided`` custody event on every packet concerned. Several cards
can be decided at once from the queue; each is still its own decision, audited on its own chains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp_session import get_session

from config.recipients import Category
from crawlers.sighting import Sighting
from evidence.custody import CustodyKind
from monitor.cards import Card, card_keys, card_status
from monitor.decisions import DecisionRefused, card_hits, decide_card
from monitor.packets.custody_log import append_event
from monitor.records import Decision, HitRecord, HitStatus, Verdict
from monitor.review.card_recipients import card_recipients
from monitor.review.hit_details import PacketState, packet_state
from monitor.review.hits import reveal_expiry
from monitor.review.pages import ReviewApp, flash, not_found, render_page, review_app
from monitor.review.permissions import requires
from monitor.review.queue import QueueFilter
from monitor.review.security import Reviewer, current_reviewer
from monitor.store.notice_records import CardFlags
from monitor.store.queries import CardQuery

routes = web.RouteTableDef()
CARD_ID = r"{card:[0-9a-f]{64}\.[0-9A-Za-z_-]{1,128}}"
PLACES_SHOWN = 200  # the newest places listed on a card page; the page says how many there are in all
DECISIONS_SHOWN = 50
DECISION_PLACES = 20  # decisions are read from the hits of the newest places: a card decision is on all of them
CATEGORIES = ("", *(category.value for category in Category))  # the flags form's choices; empty: nobody chose
BULK_LIMIT = 200  # cards in one bulk decision: a page of the queue, with room to spare


@dataclass(frozen=True, slots=True)
class Place:
    """One place the card's media was seen, with the hit that opens its own page and its own status."""

    location: str
    media_url: str
    source_id: str
    platform: str
    seen_at: datetime
    posted_at: datetime | None
    packet_id: str | None
    hit_uid: str
    status: HitStatus
    poster: str


@dataclass(frozen=True, slots=True)
class CardView:
    """What the card page shows: the card, its places, the picture's hit and packet, and the decisions."""

    card: Card
    places: list[Place]
    shown_hit: HitRecord  # the hit whose packet shows the picture: the newest place with a packet
    packet: PacketState | None
    decisions: list[Decision]
    is_video: bool = False  # the preview is a strip of keyframes, and the page says so
    flags: CardFlags | None = None  # suspected minor and category, when a reviewer set them


def poster_text(sighting: Sighting | None) -> str:
    """Channel and poster of a sighting as one line (empty when unknown)."""
    if sighting is None:
        return ""
    who = sighting.distributor
    parts = [who.channel_title, f"@{who.channel_username}" if who.channel_username else None, who.sender_name,
             f"@{who.sender_username}" if who.sender_username else None, who.author_signature]  # fmt: skip
    return " ".join(part for part in parts if part)


async def card_view(app: ReviewApp, card_id: str) -> CardView | None:
    """The card ``card_id`` with what its page shows; ``None`` if there is no such card."""
    store = app.context.store
    keys = card_keys(card_id)
    found = (await store.find_cards(CardQuery(card=keys, limit=1))).cards if keys else []
    if not found:
        return None
    card = found[0]
    hits = await card_hits(store, card_id)
    by_sighting: dict[str, list[HitRecord]] = {}
    for hit in sorted(hits, key=lambda h: (h.seen_at, h.created_at), reverse=True):
        by_sighting.setdefault(hit.sighting_id, []).append(hit)
    newest = list(by_sighting)[:PLACES_SHOWN]
    sightings = {s.id: s for s in await store.sightings_by_id(newest)}
    places = []
    for sighting_id in newest:
        first = by_sighting[sighting_id][0]
        status = card_status([hit.status for hit in by_sighting[sighting_id]])
        places.append(Place(
            first.location, first.media_url, first.source_id, first.platform, first.seen_at, first.posted_at,
            first.packet_id, first.uid, status, poster_text(sightings.get(sighting_id)),
        ))  # fmt: skip
    shown = next((by_sighting[s][0] for s in by_sighting if by_sighting[s][0].packet_id), by_sighting[newest[0]][0])
    packet = await packet_state(app.context, shown.packet_id) if shown.packet_id else None
    decisions: dict[tuple[str, str, str, str], Decision] = {}
    asked = [hit for sighting_id in newest[:DECISION_PLACES] for hit in by_sighting[sighting_id]]
    for hit in asked:  # one decision of a card is recorded on each of its hits: list it once
        for decision in await store.decisions(hit.id):
            key = (decision.reviewer, str(decision.verdict), decision.comment, decision.at.isoformat()[:19])
            decisions.setdefault(key, decision)
    newest_decisions = sorted(decisions.values(), key=lambda d: d.at, reverse=True)[:DECISIONS_SHOWN]
    mime = (sightings[shown.sighting_id].media.mime or "") if shown.sighting_id in sightings else ""
    flags = (await store.card_flags([card.id])).get(card.id)
    return CardView(card, places, shown, packet, newest_decisions, mime.startswith("video/"), flags)


async def _card_or_404(request: web.Request) -> tuple[ReviewApp, Reviewer, CardView]:
    reviewer = current_reviewer(request)
    assert reviewer is not None  # ``requires`` made sure
    app = review_app(request)
    view = await card_view(app, request.match_info["card"])
    if view is None:
        raise await not_found(request)
    return app, reviewer, view


async def next_card(app: ReviewApp, after: str) -> str | None:
    """The card to go on to: the first escalated or pending card of the queue other than ``after``."""
    waiting = (HitStatus.ESCALATED, HitStatus.PENDING)
    page = await app.context.store.find_cards(CardQuery(statuses=waiting, order="priority", limit=2))
    return next((card.id for card in page.cards if card.id != after), None)


@routes.get(rf"/cards/{CARD_ID}")
@requires("review")
async def card_page(request: web.Request) -> web.Response:
    """The card, its places and one decision form; the view is a custody event on the shown packet's chain."""
    app, reviewer, view = await _card_or_404(request)
    shown = view.shown_hit
    details = {"hit_id": shown.id, "card_id": view.card.id, "places": len(view.card.locations)}
    await append_event(
        app.context.store, shown.custody_chain, CustodyKind.VIEWED, reviewer.name, details, signer=app.context.signer
    )
    history = await app.context.store.custody_events(shown.custody_chain)
    return await render_page(request, "card.html.j2", {
        "v": view, "card": view.card, "hit": shown, "history": history,
        "revealed_until": await reveal_expiry(request, shown), "reveal_seconds": app.settings.review_reveal_seconds,
        "may_reveal": reviewer.may("reveal"), "next_card": await next_card(app, view.card.id),
        "categories": CATEGORIES, "planned": await card_recipients(app, view.card, view.flags),
        "may_withhold": reviewer.may("export"),
    })  # fmt: skip


def _verdict(form: Any) -> Verdict:
    verdict = str(form.get("verdict", ""))
    if verdict not in tuple(Verdict):
        raise web.HTTPBadRequest(text=f"verdict must be one of {', '.join(Verdict)}")
    return Verdict(verdict)


async def _count_reviews(request: web.Request, count: int) -> None:
    session = await get_session(request)
    session["reviews"] = int(session.get("reviews", 0)) + count


@routes.post(rf"/cards/{CARD_ID}/decision")
@requires("review")
async def decide(request: web.Request) -> web.Response:
    """One reviewer's verdict on the whole card; a confirmation the four-eyes rule refuses is said so. (The card
    is found by the decision itself: nothing of the page — its packet check, its places — is read again.)"""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    card_id = request.match_info["card"]
    form = await request.post()
    verdict, comment = _verdict(form), str(form.get("comment", "")).strip()[:2000]
    try:
        await decide_card(app.context.store, app.context.signer, card_id, reviewer.name, verdict, comment,
                          app.settings.review_confirmations)  # fmt: skip
    except DecisionRefused as refusal:
        if refusal.card_missing:
            raise await not_found(request) from None
        await flash(request, "confirmed_already")
        raise web.HTTPSeeOther(f"/cards/{card_id}") from None
    await _count_reviews(request, 1)
    await flash(request, "decision_saved")
    following = str(form.get("next", ""))
    target = following if card_keys(following) is not None and following != card_id else card_id
    raise web.HTTPSeeOther(f"/cards/{target}")


@routes.post("/cards/decision")
@requires("review")
async def decide_many(request: web.Request) -> web.Response:
    """The same verdict on every card ticked in the queue, each its own decision; refusals are counted."""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    form = await request.post()
    verdict, comment = _verdict(form), str(form.get("comment", "")).strip()[:2000]
    chosen = list(dict.fromkeys(str(value) for value in form.getall("card", [])))[:BULK_LIMIT]
    decided = refused = 0
    known = [card_id for card_id in chosen if card_keys(card_id) is not None]
    missing = len(chosen) - len(known)
    for card_id in known:
        try:
            await decide_card(app.context.store, app.context.signer, card_id, reviewer.name, verdict, comment,
                              app.settings.review_confirmations)  # fmt: skip
            decided += 1
        except DecisionRefused as refusal:
            if refusal.card_missing:
                missing += 1
            else:
                refused += 1
    await _count_reviews(request, decided)
    if not chosen:
        await flash(request, "nothing_chosen")
    else:
        await flash(request, "cards_decided", decided=decided, refused=refused, missing=missing)
    back = QueueFilter.from_query(_back_query(str(form.get("back", ""))))
    raise web.HTTPSeeOther("/hits?" + back.query() if back.query() else "/hits")


def _back_query(text: str) -> dict[str, str]:
    """The queue's filters the bulk form came from, so the reviewer lands on the same view (nothing else)."""
    return dict(parse_qsl(text[:2000]))

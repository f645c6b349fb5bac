"""A card's routing facts, set by a reviewer on the card page: "suspected minor" and the legal category.

Routing reads them (``monitor/takedown/routing.py``): a card flagged suspected minor goes only to the competent
authorities, ahead of every other notice, and never to an operator; the category is the one the statutory
deletion request names; a recipient the reviewer unticks (seen on the card page before anything is sent) is
withheld from this card's notices, and one ticked under "also ask" is added to them (routing still refuses
a role the place's rule forbids). They change who is told what about a person, so each change is a
``flagged`` custody event on every packet of the card, naming who set what. Any reviewer may raise the
flag or set the category; withholding or adding a recipient, or lowering the flag, holds back or sends a
request about a person, so it needs an investigator (the ``export`` role). A form saved over a newer change
is refused.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy

from config.recipients import RECIPIENT_ID
from evidence.custody import CustodyKind
from monitor.decisions import DecisionRefused, card_hits
from monitor.packets.custody_log import append_event
from monitor.review.cards import CARD_ID, CATEGORIES
from monitor.review.notices import stop_stale_notices
from monitor.review.pages import flash, not_found, review_app
from monitor.review.permissions import requires
from monitor.review.security import current_reviewer
from monitor.store.notice_records import CardFlags

routes = web.RouteTableDef()


@routes.post(rf"/cards/{CARD_ID}/flags")
@requires("review")
async def set_flags(request: web.Request) -> web.Response:
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    card_id = request.match_info["card"]
    form = await request.post()
    category = str(form.get("category", ""))
    if category not in CATEGORIES:
        raise web.HTTPBadRequest(text=f"category must be one of {', '.join(CATEGORIES[1:])} or empty")
    store = app.context.store
    try:
        hits = await card_hits(store, card_id)
    except DecisionRefused:
        raise await not_found(request) from None
    before = (await store.card_flags([card_id])).get(card_id)
    if str(form.get("flags_at", "")) != (before.set_at.isoformat() if before else ""):
        await flash(request, "flags_changed_meanwhile")  # another reviewer saved first: nothing overwritten
        raise web.HTTPSeeOther(f"/cards/{card_id}")
    flags = CardFlags(
        card_id,
        form.get("suspected_minor") == "on",
        category,
        reviewer.name,
        datetime.now(UTC),
        withheld_after(form, before),
    )
    flags = dataclasses.replace(flags, added=added_after(form, before))
    if not reviewer.may("export") and before is not None:  # changing recipients or unflagging: an investigator
        flags = dataclasses.replace(
            flags, suspected_minor=flags.suspected_minor or before.suspected_minor, withheld=before.withheld,
            added=before.added,
        )  # fmt: skip
    elif not reviewer.may("export"):
        flags = dataclasses.replace(flags, withheld=(), added=())
    await store.set_card_flags(flags)
    details = {"card_id": card_id, "suspected_minor": flags.suspected_minor, "category": category,
               "withheld": list(flags.withheld), "added": list(flags.added)}  # fmt: skip
    for chain in sorted({hit.custody_chain for hit in hits}):
        await append_event(store, chain, CustodyKind.FLAGGED, reviewer.name, details, signer=app.context.signer)
    await stop_stale_notices(app)
    await flash(request, "flags_saved")
    raise web.HTTPSeeOther(f"/cards/{card_id}")


Form = MultiDictProxy[str | bytes | bytearray | FileField]


def withheld_after(form: Form, before: CardFlags | None) -> tuple[str, ...]:
    """The recipients withheld once the form is saved: those the page listed and the reviewer unticked, and
    every one withheld before that the page did not list (a recipient the page could not show — a bad
    recipients file, or the authorities only while a card is flagged — stays withheld, not silently asked)."""
    earlier = set(before.withheld) if before else set()
    if form.get("recipients_shown") != "1":
        return tuple(sorted(earlier))
    listed, asked = _values(form, "candidate"), _values(form, "ask")
    return tuple(sorted((earlier - listed) | (listed - asked - _values(form, "by_reviewer"))))


def added_after(form: Form, before: CardFlags | None) -> tuple[str, ...]:
    """The recipients a reviewer added once the form is saved: those ticked among the page's "also ask", those
    added before and still ticked, and every one added before that the page did not list (kept, as above).
    Unticking a recipient asked only because it was added (``by_reviewer``) takes the addition back."""
    earlier = set(before.added) if before else set()
    if form.get("recipients_shown") != "1":
        return tuple(sorted(earlier))
    listed, addable = _values(form, "candidate"), _values(form, "addable")
    kept = (earlier - listed - addable) | (earlier & _values(form, "ask"))
    return tuple(sorted(kept | (addable & _values(form, "add"))))


def _values(form: Form, name: str) -> set[str]:
    """The recipient ids a form field names; anything that is not one is ignored (the page writes only ids)."""
    return {str(value) for value in form.getall(name, []) if RECIPIENT_ID.match(str(value))}

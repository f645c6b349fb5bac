"""The plan of takedown notices in the review UI: what would go to whom now, and why — nothing is sent here.

The same plan as ``jikimi notices plan`` (``monitor/cli/notices.py``): the recipients file, the confirmed cards
(``takedown.gathering.confirmed_cards``) and what the outbox already sent (``resending.history_of``, so that
escalations that are due show) go through ``takedown.routing.plan_notices``. A planned notice opens as its
recipient would read it (``content.render_email``, Korean or English), and downloads as its PDF
(``takedown.pdf``) and its JSON document (``content.notice_document``), as ``jikimi notices show`` prints them.

Why route in a thread? Routing thousands of places is CPU work that would hold every other reviewer's request
while it runs; ``asyncio.to_thread`` keeps the event loop answering (the file is read by ``recipients_cache``,
in a thread too, once per change).
The PDF is printed by ``pdf.render_pdf``: Chromium runs in its own process and the loop only awaits it, and
``printing`` lets one notice print at a time so a few clicks cannot start a browser each.

Locations are shown as text, never as links: a reviewer's click would open the material itself (the card
page shows places the same way). The cards a notice names link to their card pages. For the ``export`` role:
a notice names places and goes to third parties.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from config.recipients import Language, RecipientsFile
from monitor.review.downloads import download_headers
from monitor.review.pages import ReviewApp, not_found, render_page, review_app
from monitor.review.permissions import requires
from monitor.review.recipients_cache import LoadedRecipients, current_recipients
from monitor.takedown.content import notice_document, notice_reference, render_email
from monitor.takedown.gathering import confirmed_cards
from monitor.takedown.pdf import NoticePrintError, render_pdf
from monitor.takedown.records import NoticePlan, PlannedNotice
from monitor.takedown.resending import history_of
from monitor.takedown.routing import plan_notices

routes = web.RouteTableDef()
REFERENCE = r"{reference:JKM-[0-9A-Fa-f]{12}}"
PRINTING = web.AppKey("notice_printing", asyncio.Semaphore)
"""One notice printed at a time (set by ``install``): each print starts a Chromium."""


def install(app: web.Application) -> None:
    """What the plan's routes share in one application: the printing semaphore."""
    app[PRINTING] = asyncio.Semaphore(1)


@dataclass(frozen=True, slots=True)
class PlanView:
    """The plan as of ``at``, or no plan, with why (``file``)."""

    file: LoadedRecipients
    at: datetime
    plan: NoticePlan = field(default_factory=lambda: NoticePlan(()))


async def current_plan(app: ReviewApp) -> PlanView:
    """The plan now, as ``jikimi notices plan`` makes it: the file first, then the store, routing in a thread."""
    now = datetime.now(UTC)
    file = await current_recipients(app.settings.recipients)
    if file.recipients is None:
        return PlanView(file, now)
    store = app.context.store
    cards = await confirmed_cards(store)
    history = history_of(await store.notices())
    plan = await asyncio.to_thread(plan_notices, cards, file.recipients, now=now, history=history)
    return PlanView(file, now, plan)


def cards_of(notice: PlannedNotice) -> list[str]:
    """The cards a notice names, each once, in the order of its locations."""
    return list(dict.fromkeys(card for location in notice.locations for card in location.card_ids))


@routes.get("/notices/plan")
@requires("export")
async def plan_page(request: web.Request) -> web.Response:
    """What would go to whom now, and why; the places left out with their reason; the button that sends."""
    view = await current_plan(review_app(request))
    recipients = view.file.recipients
    rows = [
        (notice, notice_reference(notice), recipients.recipient(notice.recipient)) for notice in view.plan.notices
    ] if recipients is not None else []  # fmt: skip
    return await render_page(request, "notice_plan.html.j2", {
        "view": view, "rows": rows, "cards_of": cards_of,
    })  # fmt: skip


async def planned_notice(request: web.Request) -> tuple[PlannedNotice, RecipientsFile, Language | None, datetime]:
    """The planned notice the path names, its recipients file, the language asked for, and now; else a 404."""
    view = await current_plan(review_app(request))
    wanted = request.match_info["reference"].upper()
    found = [notice for notice in view.plan.notices if notice_reference(notice) == wanted]
    if not found or view.file.recipients is None:
        raise await not_found(request)
    asked = request.query.get("language", "")
    language = Language(asked) if asked in tuple(Language) else None
    return found[0], view.file.recipients, language, view.at


@routes.get(rf"/notices/plan/{REFERENCE}")
@requires("export")
async def preview_page(request: web.Request) -> web.Response:
    """One planned notice as its recipient would read it, in its language or the one asked for. Nothing is sent."""
    notice, recipients, language, now = await planned_notice(request)
    email = render_email(notice, recipients, created_at=now, language=language)
    recipient = recipients.recipient(notice.recipient)
    shown = language or recipient.language
    return await render_page(request, "notice_preview.html.j2", {
        "notice": notice, "reference": notice_reference(notice), "recipient": recipient, "email": email,
        "language": shown.value, "notice_languages": [value.value for value in Language], "cards": cards_of(notice),
    })  # fmt: skip


def _filename(notice: PlannedNotice, language: Language | None, recipients: RecipientsFile, ext: str) -> str:
    shown = language or recipients.recipient(notice.recipient).language
    return f"{notice_reference(notice)}.{shown.value}.{ext}"


@routes.get(rf"/notices/plan/{REFERENCE}/notice.json")
@requires("export")
async def notice_json(request: web.Request) -> web.Response:
    """The notice's JSON document, as ``jikimi notices show --json`` prints it."""
    notice, recipients, language, now = await planned_notice(request)
    document = notice_document(notice, recipients, created_at=now, language=language)
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    headers = download_headers(_filename(notice, language, recipients, "json"), "application/json; charset=utf-8")
    return web.Response(body=text.encode("utf-8"), headers=headers)


@routes.get(rf"/notices/plan/{REFERENCE}/notice.pdf")
@requires("export")
async def notice_pdf(request: web.Request) -> web.Response:
    """The notice as a printable A4 PDF, as ``jikimi notices show --pdf`` writes it; no Chromium: a 503 saying so."""
    notice, recipients, language, now = await planned_notice(request)
    try:
        async with request.app[PRINTING]:
            pdf = await render_pdf(notice, recipients, created_at=now, language=language)
    except NoticePrintError as exc:
        raise web.HTTPServiceUnavailable(text=str(exc)) from None
    headers = download_headers(_filename(notice, language, recipients, "pdf"), "application/pdf")
    return web.Response(body=pdf, headers=headers)

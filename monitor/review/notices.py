"""The outbox in the review UI: every takedown notice with its state, and the buttons a person needs.

A ``manual`` recipient's notice (a form or portal that takes no e-mail: KCSC, the police's ECRM) waits here
until an investigator submits it by hand and says so; a send whose outcome SMTP could not tell waits here
until someone checks the relay's log and records that it arrived (``submitted``) or did not (``retry``).
Both go through ``monitor/takedown/outbox.py`` as ``jikimi notices submit|retry`` do: the same checks, a
``notified`` custody event on every packet the notice names, the person's name recorded. Notices name places
and go to third parties, so the page is for the ``export`` role. No pictures.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from config.errors import UsageError
from monitor.review.pages import ReviewApp, flash, render_page, review_app
from monitor.review.permissions import requires
from monitor.review.recipients_cache import current_recipients
from monitor.review.security import current_reviewer
from monitor.store.notice_records import NoticeRecord, NoticeState
from monitor.takedown.outbox import Signing, retry_notice, stop_unplanned, submit_notice

routes = web.RouteTableDef()
NOTICE_ID = r"{notice:[0-9a-f]{24}}"
SHOWN = 500  # the newest notices listed


def may_submit(notice: NoticeRecord) -> bool:
    """A person may record a submission of a manual notice that waits, or of a send nobody could confirm."""
    waiting = notice.channel == "manual" and notice.state in (NoticeState.QUEUED, NoticeState.FAILED)
    return waiting or bool(notice.state is NoticeState.SENDING and notice.needs_check)


def may_retry(notice: NoticeRecord) -> bool:
    """Only a send whose outcome nobody could confirm is queued again by a person."""
    return notice.state is NoticeState.SENDING and bool(notice.needs_check)


@routes.get("/notices")
@requires("export")
async def notices_page(request: web.Request) -> web.Response:
    notices = sorted(await review_app(request).context.store.notices(), key=lambda n: n.created_at, reverse=True)
    waiting = [notice for notice in notices if may_submit(notice)]
    return await render_page(request, "notices.html.j2", {
        "notices": notices[:SHOWN], "total": len(notices), "waiting": len(waiting), "may_submit": may_submit,
    })  # fmt: skip


async def stop_stale_notices(app: ReviewApp) -> None:
    """Stop at once the notices the plan no longer holds (an operator's, once a card is flagged a suspected
    minor; one a reviewer withheld), so none waits for the next pass with its "submitted" button still here."""
    loaded = await current_recipients(app.settings.recipients)
    if loaded.recipients is not None:
        await stop_unplanned(app.context.store, loaded.recipients, datetime.now(UTC))


async def _act(request: web.Request, *, submit: bool) -> web.Response:
    """Record a submission (``submit``) or queue an unconfirmed send again, in the person's name."""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    signing = Signing(reviewer.name, app.context.signer)
    notice_id, store = request.match_info["notice"], app.context.store
    record = await store.get_notice(notice_id)
    waits = record is not None and (may_submit(record) if submit else may_retry(record))
    if not waits:  # the page's buttons are the rule, checked here too: an e-mail notice is sent, not "submitted"
        await flash(request, "notice_not_waiting")
        raise web.HTTPSeeOther("/notices")
    if submit:  # a notice the plan no longer holds is stopped, not submitted
        await stop_stale_notices(app)
    try:
        if submit:
            await submit_notice(store, notice_id, reviewer.name, clock=lambda: datetime.now(UTC), signing=signing)
            await flash(request, "notice_submitted")
        else:
            await retry_notice(store, notice_id, reviewer.name, signing=signing)
            await flash(request, "notice_requeued")
    except UsageError:  # gone, or no longer waiting (someone else acted first): the page shows how it stands
        await flash(request, "notice_not_waiting")
    raise web.HTTPSeeOther("/notices")


@routes.post(rf"/notices/{NOTICE_ID}/submitted")
@requires("export")
async def submitted(request: web.Request) -> web.Response:
    """A person submitted the notice by hand (or found an unconfirmed send delivered)."""
    return await _act(request, submit=True)


@routes.post(rf"/notices/{NOTICE_ID}/retry")
@requires("export")
async def retry(request: web.Request) -> web.Response:
    """A person found an unconfirmed send never arrived: it goes again at the next pass."""
    return await _act(request, submit=False)

"""The "Send now" button in the review UI: one pass of the outbox, exactly as ``jikimi notices send`` runs it.

The pass is ``takedown.outbox.send_due`` with what the command gives it — the recipients file read again,
the SMTP sender of ``JIKIMI_SMTP_URL``, the wall clock and ``stale_after_for(JIKIMI_NOTICE_SMTP_TIMEOUT)`` —
except that its custody events are signed in the investigator's name (the command signs as the operator).
A bad recipients file or a missing ``JIKIMI_NOTICE_FROM`` sends nothing and says why.

Why can a second click not send twice? Two layers:

- the outbox itself: a new notice is stored before anything is sent, a due notice is claimed by
  compare-and-set before it is sent (so two passes — another click, the daemon, the command — never both
  send it), and a sent notice is not due again before its recipient's ``resend`` interval;
- here, ``sending``: one pass at a time in this application. A click while a pass runs starts none and says
  a pass is running, so a person waiting on a slow mail server is not tempted into a queue of passes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web

from config.errors import ConfigError
from config.recipients_loading import load_recipients
from monitor.review.pages import flash, review_app
from monitor.review.permissions import requires
from monitor.review.security import current_reviewer
from monitor.takedown.outbox import OutboxRun, Signing, send_due, stale_after_for
from monitor.takedown.sending import SmtpSender

routes = web.RouteTableDef()
SENDING = web.AppKey("notice_sending", asyncio.Lock)
"""Held while a pass this application started runs (set by ``install``)."""


def install(app: web.Application) -> None:
    app[SENDING] = asyncio.Lock()


async def one_pass(request: web.Request) -> OutboxRun:
    """The pass ``jikimi notices send`` runs, in the person's name; ``ConfigError`` before anything is sent."""
    app, reviewer = review_app(request), current_reviewer(request)
    assert reviewer is not None
    settings = app.settings
    recipients = await asyncio.to_thread(load_recipients, settings.recipients)
    sender = SmtpSender.from_settings(settings)
    return await send_due(
        app.context.store, recipients, sender, clock=lambda: datetime.now(UTC),
        signing=Signing(reviewer.name, app.context.signer), stale_after=stale_after_for(settings.notice_smtp_timeout),
    )  # fmt: skip


@routes.post("/notices/send")
@requires("export")
async def send_now(request: web.Request) -> web.Response:
    """Send what is due now; the outbox list then shows each notice's state, and a flash the pass's counts."""
    sending = request.app[SENDING]
    if sending.locked():
        await flash(request, "notices_pass_running")
        raise web.HTTPSeeOther("/notices")
    async with sending:
        try:
            done = await one_pass(request)
        except ConfigError as exc:
            await flash(request, "notices_pass_refused", problem=str(exc).splitlines()[0])
            raise web.HTTPSeeOther("/notices/plan") from None
    counts = {"sent": done.sent, "failed": done.failed, "unconfirmed": done.unconfirmed, "waiting": done.waiting,
              "held": done.rate_limited, "stopped": done.stopped}  # fmt: skip
    if done.problems:  # the first one names the cause (no SMTP server set, a refusal): the list shows each error
        await flash(request, "notices_pass_problems", problem=done.problems[0], **counts)
    else:
        await flash(request, "notices_pass_done", **counts)
    raise web.HTTPSeeOther("/notices")

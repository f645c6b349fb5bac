"""Logging in and out, the language switch, the health check and the metrics."""

from __future__ import annotations

import hmac
import time

from aiohttp import web
from aiohttp_session import get_session, new_session

from monitor.operations.status import prometheus_text
from monitor.review.client_address import client_address
from monitor.review.i18n import LANGUAGES
from monitor.review.pages import render_page, review_app
from monitor.review.sessions import end_session, start_session
from monitor.usernames import stored_account

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """Answers without a session, for monitoring and the daemon's supervisor."""
    return web.json_response({"status": "ok"})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, without a session (like /healthz): counts only, nothing about a hit.

    Per-source series name what is watched, so they need ``Authorization: Bearer <JIKIMI_REVIEW_METRICS_TOKEN>``;
    without it (or with no token configured) the sources are added up.
    """
    app = review_app(request)
    token = app.settings.review_metrics_token
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    per_source = token is not None and hmac.compare_digest(sent.encode(), token.get_secret_value().encode())
    text = await prometheus_text(app.context.store, per_source=per_source)
    return web.Response(text=text, content_type="text/plain", charset="utf-8", headers={"X-Prometheus": "0.0.4"})


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return await render_page(request, "login.html.j2", {"error": None, "name": ""})


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    """Throttled per account, address and pair (``login_throttle.py``); argon2 runs off the event loop."""
    app = review_app(request)
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    address = client_address(request, app.trusted_proxies)
    if await app.throttle.locked(name, address):
        return await render_page(request, "login.html.j2", {"error": "locked", "name": name}, status=429)
    user = await stored_account(app.context.store, name)
    # the same argon2 work for a name that does not exist, so the time does not tell which names do
    matched = await app.passwords.matches(user.password_hash if user else None, password)
    if user is None or user.disabled or not matched:
        await app.throttle.failed(name, address)
        return await render_page(request, "login.html.j2", {"error": "login_failed", "name": name}, status=401)
    await app.throttle.succeeded(name, address)
    if user.awaiting_approval:
        return await render_page(request, "login.html.j2", {"error": "account_pending", "name": name}, status=403)
    language = (await get_session(request)).get("lang")
    session = await new_session(request)  # a fresh session (and CSRF token) at login: no fixation
    session["user"] = user.name
    session["sid"] = await start_session(app.context.store, user.name, app.session_rules.lifetime)
    session["last_seen"] = time.time()
    session["lang"] = language
    raise web.HTTPSeeOther("/hits")


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    """Ends the session on the server too: a copy of the cookie stops working at once."""
    session = await get_session(request)
    await end_session(review_app(request).context.store, session.get("sid"))
    session.invalidate()
    raise web.HTTPSeeOther("/login")


@routes.get("/lang/{code}")
async def switch_language(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    if code in LANGUAGES:
        (await get_session(request))["lang"] = code
    raise web.HTTPSeeOther("/hits")

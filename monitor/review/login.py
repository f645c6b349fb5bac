"""Logging in and out, the language switch, and the health check."""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp_session import get_session, new_session

from monitor.operations.status import prometheus_text
from monitor.review.i18n import LANGUAGES
from monitor.review.pages import render_page, review_app
from monitor.review.passwords import password_matches

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """Answers without a session, for monitoring and the daemon's supervisor."""
    return web.json_response({"status": "ok"})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, without a session (like /healthz): counts only, nothing about a hit."""
    text = await prometheus_text(review_app(request).context.store)
    return web.Response(text=text, content_type="text/plain", charset="utf-8", headers={"X-Prometheus": "0.0.4"})


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return await render_page(request, "login.html.j2", {"error": None, "name": ""})


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    app = review_app(request)
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    keys = (f"name:{name.lower()}", f"addr:{request.remote}")
    if app.throttle.locked(*keys):
        return await render_page(request, "login.html.j2", {"error": "locked", "name": name}, status=429)
    user = await app.context.store.get_user(name) if name else None
    if user is None or user.disabled or not password_matches(user.password_hash, password):
        if user is None:
            password_matches(None, password)  # the same work as for a real name
        app.throttle.failed(*keys)
        return await render_page(request, "login.html.j2", {"error": "login_failed", "name": name}, status=401)
    app.throttle.succeeded(*keys)
    language = (await get_session(request)).get("lang")
    session = await new_session(request)  # a fresh session (and CSRF token) at login: no fixation
    session["user"] = user.name
    session["last_seen"] = time.time()
    session["lang"] = language
    raise web.HTTPSeeOther("/hits")


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


@routes.get("/lang/{code}")
async def switch_language(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    if code in LANGUAGES:
        (await get_session(request))["lang"] = code
    raise web.HTTPSeeOther("/hits")

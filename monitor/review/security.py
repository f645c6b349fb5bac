"""Who may do what, and the protections every request passes through.

- Permissions by role, checked on the server for every route (``monitor/review/permissions.py``): volunteers review;
  investigators review, reveal and export; admins review and manage users, sources and blocklists.
  Admins do not get reveal or export: seeing the pictures is limited to those whose work needs it.
- Sessions live in sealed cookies (aiohttp-session's ``EncryptedCookieStorage``: Fernet, so signed and
  encrypted; HttpOnly, SameSite=Strict) and on the server (``monitor/review/sessions.py``): they end at
  logout, after ``idle`` without a request and ``lifetime`` after the login.
- Every POST carries the session's CSRF token, compared in constant time.
- Failed logins are throttled per account, per address and per account at one address
  (``monitor/review/login_throttle.py``, counted in the store); the address is the proxy's word only for
  trusted proxies.
- Every response gets the security headers (a CSP without inline script or style, no framing, no referrer).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp_session import Session, get_session

from monitor.review.sessions import ReviewAccountStore, end_session, session_is_live

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PERMISSIONS: dict[str, frozenset[str]] = {
    "volunteer": frozenset({"review"}),
    "investigator": frozenset({"review", "reveal", "export"}),
    "admin": frozenset({"review", "admin"}),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
PUBLIC_PATHS = ("/login", "/healthz", "/metrics", "/static/", "/lang/", "/favicon.ico")


@dataclass(frozen=True, slots=True)
class Reviewer:
    name: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


REVIEWER = web.RequestKey("reviewer", Reviewer)


def csrf_token(session: Session) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def current_reviewer(request: web.Request) -> Reviewer | None:
    return request.get(REVIEWER)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The security headers on every response as it is sent (``on_response_prepare``): pages, errors,
    redirects, static files and streamed downloads alike, since a streamed body's headers leave before any
    middleware sees the response."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How long a session lives: ``idle`` without a request, ``lifetime`` after its login (any activity)."""

    idle: timedelta
    lifetime: timedelta


def session_guard(rules: SessionRules, store: ReviewAccountStore) -> Any:
    """Middleware: the session still open on the server and not idle, the reviewer behind it, CSRF on every
    POST, login for the rest."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/") or request.path in ("/healthz", "/metrics"):
            return await handler(request)
        session = await get_session(request)
        now = time.time()
        name = session.get("user")
        if name is not None and (
            now - float(session.get("last_seen", 0)) > rules.idle.total_seconds()
            or not await session_is_live(store, session.get("sid"), str(name), rules.lifetime)
        ):
            await end_session(store, session.get("sid"))
            session.clear()
            session["flash"] = "expired"
            name = None
        if name is not None:
            user = await store.get_user(str(name))
            if user is None or user.disabled or user.awaiting_approval:
                session.clear()
                name = None
            else:
                request[REVIEWER] = Reviewer(user.name, user.role)
                session["last_seen"] = now
        if request.method == "POST":
            try:
                form = await request.post()
            except (UnicodeDecodeError, ValueError):
                raise web.HTTPBadRequest(text="the form could not be read (it must be UTF-8)") from None
            sent, expected = form.get("csrf"), session.get("csrf")
            if not (isinstance(sent, str) and isinstance(expected, str) and hmac.compare_digest(sent, expected)):
                raise web.HTTPBadRequest(text="bad or missing CSRF token: reload the page and try again")
        if name is None and not request.path.startswith(PUBLIC_PATHS):
            raise web.HTTPSeeOther("/login")
        return await handler(request)

    return guard

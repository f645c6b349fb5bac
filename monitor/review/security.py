"""Who may do what, and the protections every request passes through.

- Permissions by role, checked on the server for every route (``monitor/review/permissions.py``): volunteers review;
  investigators review, reveal and export; admins review and manage users, sources and blocklists.
  Admins do not get reveal or export: seeing the pictures is limited to those whose work needs it.
- Sessions live in sealed cookies (aiohttp-session's ``EncryptedCookieStorage``: Fernet, so signed and
  encrypted; HttpOnly, SameSite=Strict) and end after ``idle`` seconds without a request.
- Every POST carries the session's CSRF token, compared in constant time.
- Failed logins are counted per name and per address; past the limit both are locked out for a while.
- Every response gets the security headers (a CSP without inline script or style, no framing, no referrer).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp_session import Session, get_session

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


@dataclass
class LoginThrottle:
    """Failed logins per key (a name or an address) in a sliding window; in memory, per server process."""

    attempts: int
    lockout_seconds: float
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)

    def locked(self, *keys: str) -> bool:
        now = self.clock()
        for key in keys:
            recent = [t for t in self._failures.get(key, []) if now - t < self.lockout_seconds]
            if recent:
                self._failures[key] = recent
            else:  # forget names and addresses with no recent failure: the table must not grow without end
                self._failures.pop(key, None)
            if len(recent) >= self.attempts:
                return True
        return False

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._failures.setdefault(key, []).append(self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


def csrf_token(session: Session) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def current_reviewer(request: web.Request) -> Reviewer | None:
    return request.get(REVIEWER)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The security headers on every response, errors and redirects included."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update({k: v for k, v in SECURITY_HEADERS.items() if k not in exc.headers})
        raise
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def session_guard(idle_seconds: float, load_user: Callable[[str], Awaitable[Any]]) -> Any:
    """Middleware: idle timeout, the reviewer behind the session, CSRF on every POST, login for the rest."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/") or request.path in ("/healthz", "/metrics"):
            return await handler(request)
        session = await get_session(request)
        now = time.time()
        name = session.get("user")
        if name is not None and now - float(session.get("last_seen", 0)) > idle_seconds:
            session.clear()
            session["flash"] = "expired"
            name = None
        if name is not None:
            user = await load_user(str(name))
            if user is None or user.disabled:
                session.clear()
                name = None
            else:
                request[REVIEWER] = Reviewer(user.name, user.role)
                session["last_seen"] = now
        if request.method == "POST":
            form = await request.post()
            sent, expected = form.get("csrf"), session.get("csrf")
            if not (isinstance(sent, str) and isinstance(expected, str) and hmac.compare_digest(sent, expected)):
                raise web.HTTPBadRequest(text="bad or missing CSRF token: reload the page and try again")
        if name is None and not request.path.startswith(PUBLIC_PATHS):
            raise web.HTTPSeeOther("/login")
        return await handler(request)

    return guard

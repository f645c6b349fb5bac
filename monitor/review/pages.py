"""Rendering pages: one jinja2 environment, and the values every page needs (text, reviewer, CSRF token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import get_session

from config.settings import Settings
from monitor.context import MonitorContext
from monitor.review.client_address import Network
from monitor.review.i18n import LANGUAGES, choose_language, translator
from monitor.review.login_throttle import LoginThrottle
from monitor.review.passwords import PasswordHashing
from monitor.review.security import SessionRules, csrf_token, current_reviewer
from monitor.review.visible_text import visible_controls

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.review", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
    finalize=visible_controls,  # bidi overrides and invisible characters in names are shown, not obeyed
)  # fmt: skip
DURATION_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60))


def duration_text(duration: timedelta) -> str:
    """A duration as the watchlist writes it (``30m``, ``2h``, ``90s``): what the admin typed, in any language."""
    seconds = duration.total_seconds()
    for unit, size in DURATION_UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


TEMPLATES.filters["duration"] = duration_text


@dataclass(frozen=True, slots=True)
class ReviewApp:
    """What the handlers share: the monitor context, the settings, the login throttle, the password hashing
    (off the event loop) and the reverse proxies whose ``X-Forwarded-For`` is believed."""

    context: MonitorContext
    settings: Settings
    throttle: LoginThrottle
    passwords: PasswordHashing
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def session_rules(self) -> SessionRules:
        minutes, hours = self.settings.review_idle_minutes, self.settings.review_session_hours
        return SessionRules(idle=timedelta(minutes=minutes), lifetime=timedelta(hours=hours))


REVIEW_APP = web.AppKey("review_app", ReviewApp)


def review_app(request: web.Request) -> ReviewApp:
    return request.app[REVIEW_APP]


async def language_of(request: web.Request) -> str:
    session = await get_session(request)
    chosen = session.get("lang")
    setting = review_app(request).settings.review_language
    return choose_language(
        chosen if isinstance(chosen, str) else None, setting, request.headers.get("Accept-Language", "")
    )


async def render_page(request: web.Request, template: str, values: dict[str, Any], status: int = 200) -> web.Response:
    session = await get_session(request)
    language = await language_of(request)
    flash = Flash.from_session(session.pop("flash", None))
    page = TEMPLATES.get_template(template).render(
        t=translator(language), lang=language, languages=LANGUAGES, reviewer=current_reviewer(request),
        csrf=csrf_token(session), flash=flash, path=request.path, reviews=int(session.get("reviews", 0)),
        break_after=review_app(request).settings.review_break_after, **values,
    )  # fmt: skip
    return web.Response(text=page, content_type="text/html", status=status)


async def render_message(request: web.Request, message_key: str, status: int) -> web.Response:
    return await render_page(request, "message.html.j2", {"message_key": message_key}, status=status)


async def not_found(request: web.Request) -> web.HTTPNotFound:
    """The 404 page in the reviewer's language, to raise: a Korean reviewer following a stale link reads Korean."""
    page = await render_message(request, "not_found", status=404)
    return web.HTTPNotFound(text=page.text, content_type="text/html")


@web.middleware
async def translated_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A path no route knows (``/hits/zzz``) answers with the same translated 404 page as a missing hit,
    not aiohttp's English ``404: Not Found``. A 404 that already is a page, or a static file's, passes."""
    try:
        return await handler(request)
    except web.HTTPNotFound as missing:
        if missing.content_type == "text/html" or request.path.startswith("/static/"):
            raise
        raise await not_found(request) from None


@dataclass(frozen=True, slots=True)
class Flash:
    """A message shown once on the next page (``decision_saved``), with its placeholders' values."""

    key: str
    values: dict[str, Any]

    @classmethod
    def from_session(cls, stored: object) -> Flash | None:
        if isinstance(stored, str):  # a session cookie from before flashes had values
            return cls(stored, {})
        if isinstance(stored, list) and len(stored) == 2 and isinstance(stored[0], str) and isinstance(stored[1], dict):
            return cls(stored[0], stored[1])
        return None


async def flash(request: web.Request, message_key: str, **values: str | int) -> None:
    (await get_session(request))["flash"] = [message_key, values]

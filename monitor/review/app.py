"""Assemble the review web application and serve it (``jikimi serve``; ``jikimi run`` starts it too)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from config.settings import Settings
from evidence.keys import decode_key, load_or_create_key
from monitor.context import MonitorContext
from monitor.review import (
    admin,
    card_flags,
    cards,
    exports,
    hits,
    login,
    notice_plan,
    notice_send,
    notices,
    queue,
    report_page,
    spread,
)
from monitor.review.client_address import trusted_networks
from monitor.review.login_throttle import LoginThrottle
from monitor.review.pages import REVIEW_APP, ReviewApp, translated_not_found
from monitor.review.passwords import PasswordHashing
from monitor.review.security import add_security_headers, session_guard

STATIC = Path(__file__).parent / "static"
COOKIE_NAME = "jikimi_session"


def session_key(settings: Settings) -> bytes:
    if settings.review_session_key is not None:
        return decode_key(settings.review_session_key.get_secret_value(), "JIKIMI_REVIEW_SESSION_KEY")
    return load_or_create_key(settings.data_dir / "keys" / "review-session.key")


def build_app(context: MonitorContext, settings: Settings, throttle: LoginThrottle | None = None) -> web.Application:
    """The review application on an open ``MonitorContext``."""
    app = web.Application(client_max_size=settings.review_max_upload_bytes + 64 * 1024)
    app[REVIEW_APP] = shared = ReviewApp(
        context, settings, throttle or LoginThrottle.from_settings(settings, failures=context.store), PasswordHashing(),
        trusted_networks(settings.review_trusted_proxies),
    )  # fmt: skip
    # max_age=None: a browser-session cookie; the lifetime and logout are enforced on the server (sessions.py)
    storage = EncryptedCookieStorage(
        Fernet(base64.urlsafe_b64encode(session_key(settings))), cookie_name=COOKIE_NAME, httponly=True,
        samesite="Strict", secure=settings.review_secure_cookies, max_age=None,
    )  # fmt: skip
    app.on_response_prepare.append(add_security_headers)
    setup_sessions(app, storage)
    app.middlewares.append(session_guard(shared.session_rules, context.store))
    app.middlewares.append(translated_not_found)
    for module in (login, queue, cards, card_flags, hits, exports, notices, notice_plan, notice_send, report_page,
                   admin, spread):  # fmt: skip
        app.router.add_routes(module.routes)
    for shares in (notice_plan, notice_send, report_page):  # their locks, made before the application starts
        shares.install(app)
    app.router.add_static("/static/", STATIC, append_version=True)
    return app


@asynccontextmanager
async def running_review_server(
    context: MonitorContext, settings: Settings, host: str | None = None, port: int | None = None
) -> AsyncIterator[str]:
    """Serve the review UI while the block runs; yields its base URL."""
    runner = web.AppRunner(build_app(context, settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host or settings.review_host, settings.review_port if port is None else port)
    await site.start()
    try:
        bound = runner.addresses[0][1]  # the real port when 0 was asked for
        yield f"http://{host or settings.review_host}:{bound}"
    finally:
        await runner.cleanup()


async def serve_forever(context: MonitorContext, settings: Settings, host: str | None, port: int | None) -> None:
    async with running_review_server(context, settings, host, port) as url:
        print(f"review UI: {url}  (Ctrl-C stops it)", flush=True)
        await asyncio.Event().wait()

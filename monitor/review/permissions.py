"""The route decorator that checks a reviewer's permission on the server, for every route that needs one."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from monitor.review.pages import render_message
from monitor.review.security import Handler, current_reviewer


def requires(permission: str) -> Callable[[Handler], Handler]:
    """Route decorator: the session's reviewer must hold ``permission`` (else 403; no session: to login)."""

    def wrap(handler: Handler) -> Handler:
        async def checked(request: web.Request) -> web.StreamResponse:
            reviewer = current_reviewer(request)
            if reviewer is None:
                raise web.HTTPSeeOther("/login")
            if not reviewer.may(permission):
                return await render_message(request, "forbidden", status=403)
            return await handler(request)

        checked.__name__ = handler.__name__
        checked.__doc__ = handler.__doc__
        return checked

    return wrap

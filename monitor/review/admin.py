"""Admin pages: accounts, blocklist uploads (hashes only, size-limited, validated) and the sources."""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path

from aiohttp import web

from config.errors import JikimiError
from config.watchlist import load_watchlist
from crawlers.registry import config_models
from monitor.matching.hash_lists import read_blocklist
from monitor.matching.retro import recapture_with, retro_match
from monitor.records import Role
from monitor.review.account_approval import ApprovalRefused, approved, requested_account
from monitor.review.pages import flash, not_found, render_page, review_app
from monitor.review.passwords import WeakPassword
from monitor.review.permissions import requires
from monitor.review.security import current_reviewer
from monitor.usernames import UsernameRefused, new_username

routes = web.RouteTableDef()
BLOCKLIST_SUFFIXES = (".csv", ".jsonl")


@routes.get("/admin/users")
@requires("admin")
async def users(request: web.Request) -> web.Response:
    return await _users_page(request, {"error": None}, 200)


@routes.post("/admin/users")
@requires("admin")
async def add_user(request: web.Request) -> web.Response:
    """A volunteer at once; an investigator or admin waits for a second admin (``account_approval.py``).

    The name must not read as another account's (``usernames.py``): it is stored normalised.
    """
    app, admin = review_app(request), current_reviewer(request)
    assert admin is not None
    form = await request.post()
    name, role, password = (str(form.get(k, "")).strip() for k in ("name", "role", "password"))
    error = None
    if not name or role not in tuple(Role):
        error = "bad_request"
    else:
        try:
            taken = [user.name for user in await app.context.store.users()]
            name = new_username(name, taken)
            record = requested_account(name, Role(role), await app.passwords.hash(password), admin.name)
            if not await app.context.store.put_user(record):
                error = "user_exists"
        except UsernameRefused as refused:
            error = refused.message_key
        except WeakPassword:
            error = "weak_password"
    if error:
        return await _users_page(request, {"error": error}, 400)
    await flash(request, "user_awaiting_approval" if record.awaiting_approval else "user_added")
    raise web.HTTPSeeOther("/admin/users")


@routes.post(r"/admin/users/{name}/approve")
@requires("admin")
async def approve_user(request: web.Request) -> web.Response:
    """A second admin lets a waiting investigator or admin account log in."""
    store, admin = review_app(request).context.store, current_reviewer(request)
    assert admin is not None
    user = await store.get_user(request.match_info["name"])
    if user is None:
        raise await not_found(request)
    try:
        await store.put_user(approved(user, admin.name), replace=True)
    except ApprovalRefused as refused:  # 403: not this admin's to approve; 409: nothing waits
        status = 403 if refused.message_key == "approve_own_request" else 409
        return await _users_page(request, {"error": refused.message_key}, status)
    await flash(request, "user_approved")
    raise web.HTTPSeeOther("/admin/users")


async def _users_page(request: web.Request, why: Mapping[str, object], status: int) -> web.Response:
    listed = await review_app(request).context.store.users()
    return await render_page(request, "users.html.j2", {"users": listed, "roles": tuple(Role)} | dict(why), status)


@routes.post(r"/admin/users/{name}/disable")
@requires("admin")
async def disable_user(request: web.Request) -> web.Response:
    """End an account: its sessions stop at their next request (the session guard reloads the user)."""
    store = review_app(request).context.store
    user = await store.get_user(request.match_info["name"])
    if user is None:
        raise await not_found(request)
    await store.put_user(dataclasses.replace(user, disabled=True), replace=True)
    raise web.HTTPSeeOther("/admin/users")


@routes.get("/admin/blocklist")
@requires("admin")
async def blocklist(request: web.Request) -> web.Response:
    return await _blocklist_page(request, None, 200)


@routes.post("/admin/blocklist")
@requires("admin")
async def upload_blocklist(request: web.Request) -> web.Response:
    """A CSV or JSONL of hashes, validated whole (one bad row refuses the file, naming the row), then
    retro-matched against the media seen before, as ``jikimi blocklist import`` does.

    Reading a large list and retro-matching it are CPU-bound: they run in threads (``read_blocklist`` here,
    the index of the new entries and the scan in ``find_retro_matches``), so the UI keeps answering other
    requests while a big list is imported. Retro-matching needs the rules, not a matcher over the whole
    blocklist (``pipeline(blocklist=False)``); the daemon rebuilds its own when it sees the list grew.
    """
    app = review_app(request)
    form = await request.post()
    upload = form.get("file")
    filename = getattr(upload, "filename", "") or ""
    if not isinstance(upload, web.FileField) or not filename.lower().endswith(BLOCKLIST_SUFFIXES):
        return await _blocklist_page(request, {"error": "blocklist_wrong_file"}, 400)
    data = upload.file.read(app.settings.review_max_upload_bytes + 1)
    if len(data) > app.settings.review_max_upload_bytes:
        return await _blocklist_page(request, {"error": "blocklist_too_large"}, 413)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(filename).suffix.lower())
        await asyncio.to_thread(path.write_bytes, data)
        try:
            entries = await asyncio.to_thread(read_blocklist, path, f"upload:{Path(filename).name}")
        except JikimiError as exc:
            problem = str(exc).replace(str(path), Path(filename).name)
            return await _blocklist_page(request, {"error": "blocklist_refused", "problem": problem}, 400)
    context = app.context
    added = await context.store.add_blocklist_entries(entries)
    report = await retro_match(
        await context.pipeline(blocklist=False), entries, context.workdir / "retro", recapture_with(context.settings)
    )
    result = {"added": added, "total": len(entries), "retro_hits": report.hits_recorded}
    return await _blocklist_page(request, result, 200)


async def _blocklist_page(request: web.Request, result: Mapping[str, object] | None, status: int) -> web.Response:
    cases = (await review_app(request).context.store.blocklist_counts())["case"]
    return await render_page(request, "blocklist.html.j2", {"cases": sorted(cases.items()), "result": result}, status)


@routes.get("/admin/sources")
@requires("admin")
async def sources(request: web.Request) -> web.Response:
    app = review_app(request)
    path = app.settings.watchlist
    try:
        listed = load_watchlist(path, config_models()) if path.exists() else []
        error = None
    except JikimiError as exc:
        listed, error = [], str(exc)
    last_runs = {source.id: (await app.context.store.source_runs(source.id)).last for source in listed}
    return await render_page(
        request, "sources.html.j2", {"sources": listed, "last_runs": last_runs, "error": error, "watchlist": str(path)}
    )

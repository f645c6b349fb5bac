"""Command-line parts of the review UI: ``jikimi serve`` and ``jikimi users add|list|disable``."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import sys
from typing import Annotated

import typer
from rich.console import Console

from config.errors import UsageError
from config.settings import load_settings
from monitor.context import open_context
from monitor.records import ROLES, UserRecord
from monitor.review.passwords import WeakPassword, hash_password
from monitor.store.base import Store

users_app = typer.Typer(no_args_is_help=True, help="Accounts of the review UI (no default account exists).")
console = Console(highlight=False)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default JIKIMI_REVIEW_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default JIKIMI_REVIEW_PORT).")] = None,
) -> None:
    """Serve the review UI until stopped (Ctrl-C)."""
    from monitor.review.app import serve_forever

    settings = load_settings()

    async def run() -> None:
        async with open_context(settings) as context:
            await serve_forever(context, settings, host, port)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        console.print("review UI stopped")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add_user(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add an account; the password is prompted for (or read from stdin) and stored only as an argon2 hash."""
    if role not in ROLES:
        raise UsageError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    try:
        record = UserRecord(name, role, hash_password(_read_password(password_stdin)))
    except WeakPassword as exc:
        raise UsageError(str(exc)) from None
    if not asyncio.run(_put_user(record)):
        raise UsageError(f"a user named {name!r} exists already")
    console.print(f"added {name} ({role})")


@users_app.command("list")
def list_users() -> None:
    """Accounts and their roles."""

    async def run() -> list[UserRecord]:
        async with open_context(load_settings()) as context:
            return await context.store.users()

    for user in asyncio.run(run()):
        state = "\tdisabled" if user.disabled else ""
        console.print(f"{user.name}\t{user.role}{state}")


@users_app.command("disable")
def disable_user(name: str) -> None:
    """Disable an account: its sessions end at their next request."""

    async def run() -> bool:
        async with open_context(load_settings()) as context:
            user = await context.store.get_user(name)
            return user is not None and await context.store.put_user(
                dataclasses.replace(user, disabled=True), replace=True
            )

    if not asyncio.run(run()):
        raise UsageError(f"no user named {name!r}")
    console.print(f"disabled {name}")


async def _put_user(record: UserRecord) -> bool:
    async with open_context(load_settings()) as context:
        return await context.store.put_user(record)


async def one_time_login(store: Store, name: str, role: str) -> str:
    """A fresh random password for ``name`` (created or replaced): the demo's one-time login."""
    password = secrets.token_urlsafe(12)
    record = UserRecord(name, role, hash_password(password))
    if not await store.put_user(record):
        await store.put_user(record, replace=True)
    return password

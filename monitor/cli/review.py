"""``jikimi serve`` (the review UI) and ``jikimi users add|list|disable`` (its accounts)."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated

import typer

from config.errors import UsageError
from monitor.cli.console import make_console
from monitor.records import Role, UserRecord

users_app = typer.Typer(no_args_is_help=True, help="Accounts of the review UI (no default account exists).")


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default JIKIMI_REVIEW_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default JIKIMI_REVIEW_PORT).")] = None,
) -> None:
    """Serve the review UI until stopped (Ctrl-C)."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.review.app import serve_forever

    settings = load_settings()

    async def run() -> None:
        async with open_context(settings) as context:
            await serve_forever(context, settings, host, port)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        make_console().print("review UI stopped")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add_user(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add an account; the password is prompted for (or read from stdin) and stored only as an argon2 hash."""
    import asyncio

    from monitor.review.passwords import WeakPassword, hash_password  # hashes a dummy password on import

    if role not in tuple(Role):
        raise UsageError(f"role must be one of {', '.join(Role)} (got {role!r})")
    try:
        record = UserRecord(name, Role(role), hash_password(_read_password(password_stdin)))
    except WeakPassword as exc:
        raise UsageError(str(exc)) from None
    if not asyncio.run(_put_user(record)):
        raise UsageError(f"a user named {name!r} exists already")
    make_console().print(f"added {name} ({role})")


@users_app.command("list")
def list_users() -> None:
    """Accounts and their roles."""

    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    async def run() -> list[UserRecord]:
        async with open_context(load_settings()) as context:
            return await context.store.users()

    for user in asyncio.run(run()):
        state = "\tdisabled" if user.disabled else ""
        make_console().print(f"{user.name}\t{user.role}{state}")


@users_app.command("disable")
def disable_user(name: str) -> None:
    """Disable an account: its sessions end at their next request."""

    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    async def run() -> bool:
        async with open_context(load_settings()) as context:
            user = await context.store.get_user(name)
            return user is not None and await context.store.put_user(
                dataclasses.replace(user, disabled=True), replace=True
            )

    if not asyncio.run(run()):
        raise UsageError(f"no user named {name!r}")
    make_console().print(f"disabled {name}")


async def _put_user(record: UserRecord) -> bool:
    from config.settings import load_settings
    from monitor.context import open_context

    async with open_context(load_settings()) as context:
        return await context.store.put_user(record)

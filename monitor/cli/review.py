"""``jikimi serve`` (the review UI) and ``jikimi users add|list|disable`` (its accounts)."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from config.errors import UsageError
from monitor.cli.console import make_console, shown

if TYPE_CHECKING:
    from monitor.records import UserRecord

ROLES = ("volunteer", "investigator", "admin")
"""``monitor.records.Role``'s values, for ``--role``'s help: the records module loads the crawler registry and
pydantic, which ``jikimi --help`` has no use for (``tests/monitor/cli/test_cli_imports.py`` keeps the two equal)."""

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
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add an account; the password is prompted for (or read from stdin) and stored only as an argon2 hash.

    The name is stored normalised and must not read as another account's (``monitor/review/usernames.py``).
    """
    import asyncio

    from monitor.records import Role, UserRecord
    from monitor.review.passwords import WeakPassword, hash_password  # hashes a dummy password on import
    from monitor.usernames import UsernameRefused, new_username

    if role not in tuple(Role):
        raise UsageError(f"role must be one of {', '.join(Role)} (got {role!r})")
    try:
        new_username(name, ())  # its characters, before the password is asked for
        record = UserRecord(name, Role(role), hash_password(_read_password(password_stdin)))
        stored = asyncio.run(_put_user(record))
    except (WeakPassword, UsernameRefused) as exc:
        raise UsageError(str(exc)) from None
    make_console().print(f"added {stored} ({role})")


@users_app.command("list")
def list_users() -> None:
    """Accounts, their roles and any state that matters: disabled, or waiting for a second admin (and whose
    request it was, when), or who approved it."""

    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    async def run() -> list[UserRecord]:
        async with open_context(load_settings()) as context:
            return await context.store.users()

    console = make_console()
    for user in asyncio.run(run()):
        fields = (user.name, str(user.role), *account_state(user))
        console.print(Text("\t").join(shown(field) for field in fields))  # names made before the rule: data


def account_state(user: UserRecord) -> tuple[str, ...]:
    """What ``users list`` says after the role; nothing for an account made on the server and in use."""
    if user.disabled:
        return ("disabled",)
    waiting = "AWAITING APPROVAL by a second admin (cannot log in yet)" if user.awaiting_approval else ""
    made = f"requested by {user.created_by} at {_utc(user.created_at)}" if user.created_by else ""
    approved = f"approved by {user.approved_by} at {_utc(user.approved_at)}" if user.approved_by else ""
    return tuple(part for part in (waiting, made, approved) if part)


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown time"


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


async def _put_user(record: UserRecord) -> str:
    """Store ``record`` under its normalised name, refusing one that reads as an existing account's."""
    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.usernames import new_username

    async with open_context(load_settings()) as context:
        name = new_username(record.name, [user.name for user in await context.store.users()])
        if not await context.store.put_user(dataclasses.replace(record, name=name)):
            raise UsageError(f"a user named {name!r} exists already")
        return name
